package dev.medbase.events.webhooks;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.domain.Sort.Direction;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

import dev.medbase.events.ByTypeCache;
import dev.medbase.events.EventServiceProperties;
import dev.medbase.events.web.Bson;
import dev.medbase.events.web.JsonBody;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.events.EventPublisher;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;

/**
 * Webhooks (extension, {@code /events/v1/webhooks}): a URL that receives the events of some types. Stored in
 * {@code webhooks} as {@code {_id, url, event_types, description?, enabled, secret, creation_timestamp,
 * update_timestamp}}; the secret signs deliveries and is shown once, when it is made (creation, rotation). Changes
 * are announced on {@code medbase.events} ({@code webhook_created}, {@code webhook_updated},
 * {@code webhook_deleted}; never with the URL, which may carry credentials, or the secret).
 */
@Component
public class Webhooks {

    static final String COLLECTION = "webhooks";
    /** In {@code event_types}: every event. */
    static final String ALL_TYPES = "*";
    static final int MAX_URL_LENGTH = 2048;

    static final RqlTranslator RQL = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("url", FieldType.STRING)
            .field("event_types", FieldType.STRING)
            .field("description", FieldType.STRING)
            .field("enabled", FieldType.BOOLEAN)
            .field("creation_timestamp", FieldType.DATE)
            .field("update_timestamp", FieldType.DATE)
            .camelCaseAliases()
            .build();

    private static final SecureRandom RANDOM = new SecureRandom();

    private final MongoTemplate mongo;
    private final TargetGuard guard;
    private final WebhookDeliveries deliveries;
    private final EventPublisher events;
    private final Clock clock;
    private final ByTypeCache byType;

    public Webhooks(MongoTemplate mongo, TargetGuard guard, WebhookDeliveries deliveries, EventPublisher events,
                    Clock clock, EventServiceProperties properties) {
        this.mongo = mongo;
        this.byType = new ByTypeCache(() -> mongo.find(query(where("enabled").is(true)), Document.class, COLLECTION),
                w -> w.getList("event_types", String.class), ALL_TYPES, properties.cacheRefresh());
        this.guard = guard;
        this.deliveries = deliveries;
        this.events = events;
        this.clock = clock;
        mongo.indexOps(COLLECTION).createIndex(new Index().on("event_types", Direction.ASC).named("event_types"));
    }

    public PageEnvelope<Map<String, Object>> find(RqlQuery rql) {
        return RqlPaging.find(mongo, RQL.toQuery(rql), rql, Document.class, COLLECTION, w -> wire(w, false));
    }

    /** {@code {url, event_types, description?, enabled?}} → the webhook with its secret (the only time it is shown). */
    public Map<String, Object> create(JsonNode requestBody) {
        JsonBody body = JsonBody.of(requestBody).allowOnly("url", "event_types", "description", "enabled");
        Date now = now();
        Document webhook = new Document("_id", new ObjectId())
                .append("url", url(body, body.requiredText("url", MAX_URL_LENGTH)))
                .append("event_types", eventTypes(body).orElseThrow(() -> body.missing("event_types")));
        body.optionalText("description", 2000).ifPresent(d -> webhook.append("description", d));
        webhook.append("enabled", body.optionalBoolean("enabled").orElse(true))
                .append("secret", newSecret())
                .append("creation_timestamp", now)
                .append("update_timestamp", now);
        mongo.insert(webhook, COLLECTION);
        announce("webhook_created", webhook, null);
        return wire(webhook, true);
    }

    /** {@code {url?, event_types?, description?, enabled?}} → the webhook (without secret). */
    public Map<String, Object> update(String webhookId, JsonNode requestBody) {
        ObjectId id = Bson.id(webhookId);
        JsonBody body = JsonBody.of(requestBody).allowOnly("url", "event_types", "description", "enabled");
        require(id);
        Update update = new Update().set("update_timestamp", now());
        if (body.contains("url")) {
            update.set("url", url(body, body.requiredText("url", MAX_URL_LENGTH)));
        }
        if (body.contains("event_types")) {
            update.set("event_types", eventTypes(body).orElseThrow(() -> body.missing("event_types")));
        }
        if (body.contains("description")) {
            body.optionalText("description", 2000).ifPresentOrElse(d -> update.set("description", d),
                    () -> update.unset("description"));
        }
        Boolean enabled = body.contains("enabled")
                ? body.optionalBoolean("enabled").orElseThrow(() -> body.missing("enabled")) : null;
        if (enabled != null) {
            update.set("enabled", enabled);
        }
        if (mongo.updateFirst(query(where("_id").is(id)), update, COLLECTION).getMatchedCount() == 0) {
            throw unknown();
        }
        if (Boolean.TRUE.equals(enabled)) {
            deliveries.resume(id);
        }
        Document webhook = require(id);
        announce("webhook_updated", webhook, "webhook");
        return wire(webhook, false);
    }

    /** Deletes the webhook and its deliveries. */
    public Map<String, Object> delete(String webhookId) {
        ObjectId id = Bson.id(webhookId);
        Document webhook = require(id);
        if (mongo.remove(query(where("_id").is(id)), COLLECTION).getDeletedCount() == 0) {
            throw unknown();
        }
        deliveries.deleteAll(id);
        announce("webhook_deleted", webhook, null);
        return Map.of("records_affected", 1);
    }

    /** A new secret; the old one stops signing at once. */
    public Map<String, Object> rotateSecret(String webhookId) {
        ObjectId id = Bson.id(webhookId);
        String secret = newSecret();
        if (mongo.updateFirst(query(where("_id").is(id)),
                new Update().set("secret", secret).set("update_timestamp", now()), COLLECTION)
                .getMatchedCount() == 0) {
            throw unknown();
        }
        announce("webhook_updated", require(id), "secret_rotated");
        return Map.of("id", id.toHexString(), "secret", secret);
    }

    /** The stored webhook, or 16. */
    Document require(ObjectId id) {
        Document webhook = mongo.findOne(query(where("_id").is(id)), Document.class, COLLECTION);
        if (webhook == null) {
            throw unknown();
        }
        return webhook;
    }

    /** Enabled webhooks for an event type (for the fan-out), from the cache. */
    List<Document> forEventType(String type) {
        return byType.get(type);
    }

    private String url(JsonBody body, String url) {
        try {
            return guard.checkUrl(url).toString();
        } catch (TargetGuard.RefusedTarget refused) {
            throw new ExhException(ExhError.ILLEGAL_ARGUMENT_EXCEPTION, "Field '" + body.path("url") + "': "
                    + refused.getMessage());
        }
    }

    private static java.util.Optional<List<String>> eventTypes(JsonBody body) {
        return body.optionalTextList("event_types", 100, 128).map(types -> {
            if (types.isEmpty()) {
                throw body.invalid("Field 'event_types' needs at least one type (\"*\" for all)");
            }
            return types.stream().distinct().toList();
        });
    }

    private void announce(String type, Document webhook, String change) {
        byType.invalidate();
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("id", webhook.getObjectId("_id").toHexString());
        content.put("event_types", webhook.get("event_types"));
        content.put("enabled", webhook.get("enabled"));
        if (change != null) {
            content.put("change", change);
        }
        events.publish(type, webhook.getObjectId("_id").toHexString(), content);
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "whsec_" + HexFormat.of().formatHex(bytes);
    }

    private Date now() {
        return Date.from(clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }

    private static ExhException unknown() {
        return new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION);
    }

    /** {@code {id, url, event_types, description?, enabled, creation_timestamp, update_timestamp}} (+ secret). */
    static Map<String, Object> wire(Document stored, boolean withSecret) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String field : List.of("_id", "url", "event_types", "description", "enabled", "creation_timestamp",
                "update_timestamp")) {
            if (stored.containsKey(field)) {
                out.put(field.equals("_id") ? "id" : field, Bson.toJson(stored.get(field)));
            }
        }
        if (withSecret) {
            out.put("secret", stored.getString("secret"));
        }
        return out;
    }
}
