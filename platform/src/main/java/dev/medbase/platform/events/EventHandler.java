package dev.medbase.platform.events;

import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.springframework.util.ClassUtils;

/**
 * How a service consumes events: declare a bean implementing this interface. The platform runs one Kafka consumer
 * per service (consumer group = {@code medbase.events.consumer-group}, by default the service's source name) that
 * hands each event of the handler's {@link #topics()} and {@link #types()} to {@link #handle}, once:
 * <ul>
 *   <li>events this handler already processed (same event id) are skipped, so redeliveries and relay duplicates do
 *       nothing;</li>
 *   <li>if {@code handle} throws, the event is retried a few times with backoff, then parked on
 *       {@code <topic>.DLT}, and the consumer moves on;</li>
 *   <li>a record that is not a Medbase event goes to {@code <topic>.DLT} at once.</li>
 * </ul>
 * Side effects of {@code handle} are at-least-once: if the process dies after {@code handle} but before the event is
 * recorded as processed, it runs again. Make it idempotent where that matters. A handler that writes in bulk
 * implements {@link BatchEventHandler} instead, and gets the events of a poll at once.
 *
 * <pre>{@code
 * @Component
 * class SendActivationMail implements EventHandler {
 *     public Collection<String> topics() { return List.of(EventTopics.forSource("users")); }
 *     public Collection<String> types() { return List.of("user_created"); }
 *     public void handle(EventEnvelope event) { mails.sendActivation((String) event.content().get("id")); }
 * }
 * }</pre>
 */
public interface EventHandler {

    /** Topics to read, e.g. {@code medbase.users}. */
    Collection<String> topics();

    /** Event types to handle; empty (the default) means all. Other events are skipped without a trace. */
    default Collection<String> types() {
        return Set.of();
    }

    /**
     * Stable name under which processed events are remembered (unique within the service). Renaming a handler makes
     * it forget what it processed, which only matters for events delivered again.
     */
    default String name() {
        Class<?> type = ClassUtils.getUserClass(this);
        return type.getSimpleName().isEmpty() ? type.getName() : type.getSimpleName(); // anonymous classes
    }

    /**
     * True when handling an event twice is harmless by construction, because everything the handler writes is keyed
     * by the event id (a store that skips ids it has, records unique per event): the consumer then keeps no
     * processed-events record for it, which saves a lookup and a bulk insert per poll. Duplicates within one poll are
     * still dropped.
     */
    default boolean idempotentByEventId() {
        return false;
    }

    void handle(EventEnvelope event) throws Exception;

    /** The body of {@link #handle}, for {@link #of}. */
    @FunctionalInterface
    interface Body {
        void handle(EventEnvelope event) throws Exception;
    }

    /** A handler for all events of {@code topics}, e.g. as a {@code @Bean}. */
    static EventHandler of(String name, List<String> topics, Body body) {
        return new EventHandler() {
            @Override
            public Collection<String> topics() {
                return topics;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public void handle(EventEnvelope event) throws Exception {
                body.handle(event);
            }
        };
    }
}
