package dev.medbase.platform.events;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.BatchMessageListener;

/**
 * The service's Kafka listener. It takes what one poll brought (records of several partitions, each partition's in
 * order) and, for every handler, the events of its topics and types it has not processed yet: one dedupe lookup per
 * handler and batch, then the whole batch to a {@link BatchEventHandler}, or event by event to a plain
 * {@link EventHandler}, then one bulk record of what was processed.
 *
 * <p>The first record that fails (not an event, or a handler threw on it) ends the batch there: every handler still
 * handles the records before it, then {@link BatchListenerFailedException} tells the container's error handler to
 * commit those, retry the failed record with backoff (or park it on the DLT: at once when it is not an event, after
 * the retries when a handler keeps failing) and fetch the rest again. Handlers that had got further skip what they
 * processed when it comes again.
 */
final class EventDispatcher implements BatchMessageListener<byte[], byte[]> {

    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final List<EventHandler> handlers;
    private final Map<String, List<EventHandler>> handlersByTopic = new LinkedHashMap<>();
    /** Each handler's types, read once (empty: all). */
    private final Map<EventHandler, Set<String>> typesOf = new IdentityHashMap<>();

    EventDispatcher(EventCodec codec, ProcessedEvents processed, List<EventHandler> handlers) {
        this.codec = codec;
        this.processed = processed;
        this.handlers = List.copyOf(handlers);
        Set<String> names = new HashSet<>();
        for (EventHandler handler : handlers) {
            if (!names.add(handler.name())) {
                throw new IllegalStateException("Two event handlers are named " + handler.name()
                        + "; EventHandler.name() must be unique within a service");
            }
            if (handler.topics().isEmpty()) {
                throw new IllegalStateException("Event handler " + handler.name() + " reads no topic");
            }
            for (String topic : handler.topics()) {
                handlersByTopic.computeIfAbsent(topic, t -> new ArrayList<>()).add(handler);
            }
            typesOf.put(handler, Set.copyOf(handler.types()));
        }
    }

    Set<String> topics() {
        return handlersByTopic.keySet();
    }

    /** Where the batch stops: records from {@code index} on are left for the error handler and the next poll. */
    private static final class Stop {
        int index;
        RuntimeException cause;

        Stop(int size) {
            index = size;
        }

        void at(int index, RuntimeException cause) {
            if (index < this.index) {
                this.index = index;
                this.cause = cause;
            }
        }
    }

    @Override
    public void onMessage(List<ConsumerRecord<byte[], byte[]>> records) {
        Stop stop = new Stop(records.size());
        List<EventEnvelope> events = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            try {
                events.add(codec.fromRecord(records.get(i)));
            } catch (PoisonEventException e) {
                stop.at(i, e);
                break;
            }
        }
        for (EventHandler handler : handlers) {
            dispatch(handler, records, events, stop);
        }
        if (stop.cause != null) {
            ConsumerRecord<byte[], byte[]> failed = records.get(stop.index);
            throw new BatchListenerFailedException(stop.cause.getMessage(), stop.cause, failed);
        }
    }

    /** Hands the handler its share of the records before {@code stop}, and moves {@code stop} up if it fails. */
    private void dispatch(EventHandler handler, List<ConsumerRecord<byte[], byte[]>> records,
                          List<EventEnvelope> events, Stop stop) {
        Set<String> types = typesOf.get(handler);
        List<Integer> wanted = new ArrayList<>();
        for (int i = 0; i < stop.index; i++) {
            if (handlersByTopic.getOrDefault(records.get(i).topic(), List.of()).contains(handler)
                    && (types.isEmpty() || types.contains(events.get(i).type()))) {
                wanted.add(i);
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        Set<String> seen = new HashSet<>();
        if (!handler.idempotentByEventId()) {
            try {
                seen = processed.processedAmong(handler.name(), wanted.stream().map(i -> events.get(i).id()).toList());
            } catch (RuntimeException e) { // the database: retry from this handler's first record
                stop.at(wanted.get(0), e);
                return;
            }
        }
        List<Integer> todo = new ArrayList<>();
        for (int i : wanted) {
            if (seen.add(events.get(i).id())) { // also drops a second copy within the batch
                todo.add(i);
            } else {
                log.debug("{} already processed event {} ({}), skipping", handler.name(), events.get(i).id(),
                        events.get(i).type());
            }
        }
        if (todo.isEmpty()) {
            return;
        }
        List<String> done = new ArrayList<>(todo.size());
        if (handler instanceof BatchEventHandler batch && todo.size() > 1 && handleAll(batch, todo, events)) {
            todo.forEach(i -> done.add(events.get(i).id()));
        } else {
            for (int i : todo) {
                EventEnvelope event = events.get(i);
                try {
                    handler.handle(event);
                } catch (Exception e) {
                    stop.at(i, new EventHandlingException(handler.name(), event, e));
                    break;
                }
                done.add(event.id());
            }
        }
        if (done.isEmpty() || handler.idempotentByEventId()) {
            return;
        }
        try {
            processed.markProcessed(handler.name(), done);
        } catch (RuntimeException e) { // not remembered: the events come again, and the handler runs again on them
            stop.at(todo.get(0), e);
        }
    }

    /** Whether the whole batch went through; if not, the caller goes through it one event at a time. */
    private static boolean handleAll(BatchEventHandler handler, List<Integer> todo, List<EventEnvelope> events) {
        try {
            handler.handleAll(todo.stream().map(events::get).toList());
            return true;
        } catch (Exception e) {
            log.debug("{} failed on a batch of {} events, handling them one by one: {}", handler.name(),
                    todo.size(), e.toString());
            return false;
        }
    }

    /** A handler failed; the consumer's error handler retries, then dead-letters the record. */
    static final class EventHandlingException extends RuntimeException {
        EventHandlingException(String handler, EventEnvelope event, Exception cause) {
            super(handler + " failed on event " + event.id() + " (" + event.type() + "): " + cause.getMessage(), cause);
        }
    }
}
