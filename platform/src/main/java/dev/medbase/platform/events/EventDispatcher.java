package dev.medbase.platform.events;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.MessageListener;

/**
 * The service's Kafka listener: decodes each record ({@link PoisonEventException} if it can't) and hands the event to
 * every handler of its topic that wants its type and has not processed it yet. When a handler throws, the record is
 * retried as a whole; handlers that already succeeded skip it then, having remembered it.
 */
final class EventDispatcher implements MessageListener<byte[], byte[]> {

    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final Map<String, List<EventHandler>> handlersByTopic = new LinkedHashMap<>();

    EventDispatcher(EventCodec codec, ProcessedEvents processed, List<EventHandler> handlers) {
        this.codec = codec;
        this.processed = processed;
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
        }
    }

    Set<String> topics() {
        return handlersByTopic.keySet();
    }

    @Override
    public void onMessage(ConsumerRecord<byte[], byte[]> record) {
        EventEnvelope event = codec.fromRecord(record);
        for (EventHandler handler : handlersByTopic.getOrDefault(record.topic(), List.of())) {
            if (!handler.types().isEmpty() && !handler.types().contains(event.type())) {
                continue;
            }
            if (processed.isProcessed(handler.name(), event.id())) {
                log.debug("{} already processed event {} ({}), skipping", handler.name(), event.id(), event.type());
                continue;
            }
            try {
                handler.handle(event);
            } catch (Exception e) {
                throw new EventHandlingException(handler.name(), event, e);
            }
            processed.markProcessed(handler.name(), event.id());
        }
    }

    /** A handler failed; the consumer's error handler retries, then dead-letters the record. */
    static final class EventHandlingException extends RuntimeException {
        EventHandlingException(String handler, EventEnvelope event, Exception cause) {
            super(handler + " failed on event " + event.id() + " (" + event.type() + "): " + cause.getMessage(), cause);
        }
    }
}
