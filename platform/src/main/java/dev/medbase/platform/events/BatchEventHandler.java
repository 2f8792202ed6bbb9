package dev.medbase.platform.events;

import java.util.List;

/**
 * An {@link EventHandler} that takes the events of one poll at once, so it can write them in bulk (one
 * {@code insertMany} rather than one insert per event). The consumer treats it like any handler, with the same
 * guarantees, and only the calls differ:
 * <ul>
 *   <li>{@link #handleAll} gets, in record order (so in order per aggregate), the events of the poll that are on the
 *       handler's topics and types and that it has not processed yet, each id once; they are recorded as processed
 *       together when it returns;</li>
 *   <li>if it throws, the consumer hands the same events over one at a time ({@link #handle}, a batch of one) to find
 *       the failing one: those before it are recorded as processed, it is retried with backoff and then parked on
 *       {@code <topic>.DLT}, and those after it come again with the next poll.</li>
 * </ul>
 * So part of a batch may be handled twice (once in the failed batch, once alone): make {@code handleAll} idempotent
 * per event, as any handler's side effects are at-least-once.
 */
public interface BatchEventHandler extends EventHandler {

    /** Handles a batch of events (at least one). */
    void handleAll(List<EventEnvelope> events) throws Exception;

    @Override
    default void handle(EventEnvelope event) throws Exception {
        handleAll(List.of(event));
    }
}
