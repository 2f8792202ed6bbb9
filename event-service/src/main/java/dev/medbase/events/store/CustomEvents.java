package dev.medbase.events.store;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.medbase.events.EventServiceProperties;
import dev.medbase.events.web.Bson;
import dev.medbase.events.web.JsonBody;
import dev.medbase.platform.events.EventEnvelope;
import dev.medbase.platform.events.EventPublisher;

/**
 * Custom events ({@code POST /events/v1/}): published through the outbox to {@code medbase.custom}, so they reach
 * every consumer (dispatchers, webhooks, other services) like system events do, and stored at once as well, so the
 * caller can read the event it just created (the consumer then finds it stored and skips it).
 */
@Component
public class CustomEvents {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final EventPublisher publisher;
    private final EventStore store;
    private final JsonMapper json;
    private final Clock clock;
    private final EventServiceProperties.Custom settings;

    public CustomEvents(EventPublisher publisher, EventStore store, JsonMapper json, Clock clock,
                        EventServiceProperties properties) {
        this.publisher = publisher;
        this.store = store;
        this.json = json;
        this.clock = clock;
        this.settings = properties.custom();
    }

    /** Validates the request body {@code {type, content?}} and publishes the event; returns the wire event. */
    public Map<String, Object> create(JsonNode requestBody) {
        JsonBody body = JsonBody.of(requestBody).allowOnly("type", "content");
        String type = body.requiredText("type", settings.maxTypeLength());
        JsonNode contentNode = body.optionalObject("content").orElse(null);
        Map<String, Object> content = contentNode == null ? Map.of() : json.convertValue(contentNode, MAP);
        long size = contentNode == null ? 2
                : json.writeValueAsString(contentNode).getBytes(StandardCharsets.UTF_8).length;
        if (size > settings.maxContentSize().toBytes()) {
            throw body.invalid("Field 'content' is " + size + " bytes of JSON; the limit is "
                    + settings.maxContentSize().toBytes());
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String id = new ObjectId(Date.from(now)).toHexString();
        EventEnvelope event = new EventEnvelope(id, type, EventStore.CUSTOM_SOURCE, now, id, content);
        publisher.publish(event); // outbox first: once stored, the event must also be on its way
        store.store(event);
        Document stored = new Document("_id", new ObjectId(id)).append("type", type)
                .append("content", Bson.document(store.redactor().redact(content)))
                .append("creation_timestamp", Date.from(now));
        return StoredEvents.wire(stored);
    }
}
