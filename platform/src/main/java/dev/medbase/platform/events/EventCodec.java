package dev.medbase.platform.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Maps an {@link EventEnvelope} to a Kafka record and back, following the CloudEvents Kafka protocol binding in
 * <em>binary</em> mode: the record value is the event data (the {@code content} JSON object), the attributes travel as
 * headers {@code ce_specversion=1.0}, {@code ce_id}, {@code ce_type}, {@code ce_source}, {@code ce_time} (RFC 3339) and
 * {@code content-type=application/json}, and the key is the aggregate id.
 */
public final class EventCodec {

    public static final String SPEC_VERSION = "1.0";
    public static final String HEADER_SPEC_VERSION = "ce_specversion";
    public static final String HEADER_ID = "ce_id";
    public static final String HEADER_TYPE = "ce_type";
    public static final String HEADER_SOURCE = "ce_source";
    public static final String HEADER_TIME = "ce_time";
    public static final String HEADER_CONTENT_TYPE = "content-type";
    public static final String JSON = "application/json";

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final JsonMapper mapper;

    public EventCodec(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** The record to send for {@code event}: value = its content as JSON, key = its aggregate id. */
    public ProducerRecord<String, String> toRecord(EventEnvelope event) {
        return record(event.topic(), event.id(), event.type(), event.source(), event.time(), event.aggregateId(),
                writeContent(event.content()));
    }

    /** The record for an outbox entry, whose content is stored already serialised. */
    ProducerRecord<String, String> toRecord(OutboxRecord entry) {
        return record(entry.topic(), entry.id(), entry.type(), entry.source(), entry.time(), entry.aggregateId(),
                entry.content());
    }

    private static ProducerRecord<String, String> record(String topic, String id, String type, String source,
                                                         Instant time, String key, String contentJson) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, null, key, contentJson);
        Headers headers = record.headers();
        put(headers, HEADER_SPEC_VERSION, SPEC_VERSION);
        put(headers, HEADER_ID, id);
        put(headers, HEADER_TYPE, type);
        put(headers, HEADER_SOURCE, source);
        put(headers, HEADER_TIME, time.toString());
        put(headers, HEADER_CONTENT_TYPE, JSON);
        return record;
    }

    /**
     * Reads an event from a consumed record.
     *
     * @throws PoisonEventException if the record is not a Medbase event; retrying will not change that
     */
    public EventEnvelope fromRecord(ConsumerRecord<byte[], byte[]> record) {
        Headers headers = record.headers();
        String specVersion = header(headers, HEADER_SPEC_VERSION);
        if (!SPEC_VERSION.equals(specVersion)) {
            throw new PoisonEventException("Unsupported or missing " + HEADER_SPEC_VERSION + ": " + specVersion);
        }
        String id = required(headers, HEADER_ID);
        String type = required(headers, HEADER_TYPE);
        String source = required(headers, HEADER_SOURCE);
        Instant time = parseTime(required(headers, HEADER_TIME));
        if (record.value() == null) {
            throw new PoisonEventException("Event " + id + " has no value");
        }
        Map<String, Object> content = readContent(record.value(), id);
        // Medbase always keys by aggregate id; a keyless record from elsewhere is its own aggregate.
        String aggregateId = record.key() == null ? id : new String(record.key(), StandardCharsets.UTF_8);
        try {
            return new EventEnvelope(id, type, source, time, aggregateId, content);
        } catch (IllegalArgumentException e) {
            throw new PoisonEventException(e.getMessage(), e);
        }
    }

    /**
     * Serialises event content (a map, a record, any bean the service's mapper understands) as JSON.
     *
     * @throws IllegalArgumentException if it does not serialise to a JSON object
     */
    public String writeContent(Object content) {
        if (content == null) {
            return "{}";
        }
        JsonNode node = mapper.valueToTree(content);
        if (!node.isObject()) {
            throw new IllegalArgumentException("Event content must be a JSON object, not " + node.getNodeType());
        }
        return mapper.writeValueAsString(node);
    }

    /** Parses content JSON written by {@link #writeContent}. */
    public Map<String, Object> readContent(String json) {
        return mapper.readValue(json, MAP);
    }

    private Map<String, Object> readContent(byte[] value, String id) {
        JsonNode node;
        try {
            node = mapper.readTree(value);
        } catch (JacksonException e) {
            throw new PoisonEventException("Event " + id + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new PoisonEventException("Event " + id + " content is not a JSON object");
        }
        return mapper.convertValue(node, MAP);
    }

    private static Instant parseTime(String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new PoisonEventException("Invalid " + HEADER_TIME + ": " + value, e);
        }
    }

    private static String required(Headers headers, String name) {
        String value = header(headers, name);
        if (value == null || value.isBlank()) {
            throw new PoisonEventException("Missing header " + name);
        }
        return value;
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
