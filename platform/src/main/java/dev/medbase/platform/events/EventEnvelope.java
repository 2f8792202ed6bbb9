package dev.medbase.platform.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bson.types.ObjectId;

/**
 * One event as it travels between services. The ExH event object {@code {id, type, content, creation_timestamp}} is
 * {@code id}, {@code type}, {@code content} and {@code time} (epoch millis); {@code source} names the producing service
 * and {@code aggregateId} the entity the event is about (it is the Kafka key, so one entity's events stay in order).
 *
 * @param id          unique event id, a 24-hex ObjectId for events Medbase creates
 * @param type        ExH system event type, e.g. {@code user_created}
 * @param source      producing service, e.g. {@code users}; the event goes to topic {@code medbase.<source>}
 * @param time        creation time, millisecond precision (what ExH calls {@code creation_timestamp})
 * @param aggregateId id of the entity the event is about (user id, document id, …)
 * @param content     the event's JSON object (never null; unmodifiable)
 */
public record EventEnvelope(String id, String type, String source, Instant time, String aggregateId,
                            Map<String, Object> content) {

    public EventEnvelope {
        requireText(id, "id");
        requireText(type, "type");
        requireText(source, "source");
        requireText(aggregateId, "aggregateId");
        if (time == null) {
            throw new IllegalArgumentException("An event needs a time");
        }
        // LinkedHashMap, not Map.copyOf: JSON objects may hold null values and their key order is worth keeping.
        content = Collections.unmodifiableMap(content == null ? new LinkedHashMap<>() : new LinkedHashMap<>(content));
    }

    /** A new event with a fresh ObjectId and the current time (truncated to millis, as stored and as ExH shows it). */
    public static EventEnvelope create(String type, String source, String aggregateId, Map<String, Object> content) {
        return new EventEnvelope(new ObjectId().toHexString(), type, source,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), aggregateId, content);
    }

    /** The topic this event is published to: {@code medbase.<source>}. */
    public String topic() {
        return EventTopics.forSource(source);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("An event needs a " + name);
        }
    }
}
