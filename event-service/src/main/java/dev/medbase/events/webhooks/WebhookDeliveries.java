package dev.medbase.events.webhooks;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Sort.Direction;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.index.IndexOperations;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

import dev.medbase.events.EventServiceProperties;
import dev.medbase.events.Housekeeping;
import dev.medbase.events.store.StoredEvents;
import dev.medbase.events.web.Bson;
import dev.medbase.events.web.JsonBody;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;

/**
 * The delivery queue of webhooks, in MongoDB ({@code webhook_deliveries}), one document per (webhook, event[, replay]):
 * <pre>
 * {_id, key (unique: "webhookId:eventId[:replayId]"), webhook_id, replay_id?,
 *  event: {id, type, content, creation_timestamp},          the body sent (content redacted)
 *  status: pending | delivering | succeeded | dead | paused,
 *  attempts, next_attempt_timestamp, lease_owner?, lease_until?,
 *  last_status_code?, last_error?, history: [{attempt, timestamp, status_code?, error?, duration_ms}],
 *  creation_timestamp, update_timestamp, completed_timestamp?}
 * </pre>
 * Workers claim due deliveries with a lease ({@code findAndModify}), so replicas never send one at the same time and
 * a delivery held by a crashed worker is taken again when its lease ends. Failures are retried with exponential
 * backoff and jitter; after {@code max-attempts} a delivery is {@code dead} (the dead-letter list) until retried by
 * hand. Deliveries of a disabled webhook wait as {@code paused}.
 */
@Component
public class WebhookDeliveries implements Housekeeping.Purge {

    static final String COLLECTION = "webhook_deliveries";

    static final RqlTranslator RQL = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("event_id", "event.id", FieldType.STRING)
            .field("event_type", "event.type", FieldType.STRING)
            .field("replay_id", FieldType.STRING)
            .field("status", FieldType.STRING)
            .field("attempts", FieldType.NUMBER)
            .field("last_status_code", FieldType.NUMBER)
            .field("next_attempt_timestamp", FieldType.DATE)
            .field("creation_timestamp", FieldType.DATE)
            .field("update_timestamp", FieldType.DATE)
            .field("completed_timestamp", FieldType.DATE)
            .camelCaseAliases()
            .build();

    private final MongoTemplate mongo;
    private final StoredEvents storedEvents;
    private final Clock clock;
    private final EventServiceProperties.Webhooks settings;
    private volatile DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();

    public WebhookDeliveries(MongoTemplate mongo, StoredEvents storedEvents, Clock clock,
                             EventServiceProperties properties) {
        this.mongo = mongo;
        this.storedEvents = storedEvents;
        this.clock = clock;
        this.settings = properties.webhooks();
        IndexOperations indexes = mongo.indexOps(COLLECTION);
        indexes.createIndex(new Index().on("key", Direction.ASC).unique().named("key"));
        indexes.createIndex(new Index().on("status", Direction.ASC).on("next_attempt_timestamp", Direction.ASC)
                .named("status_next_attempt"));
        indexes.createIndex(new Index().on("webhook_id", Direction.ASC).on("creation_timestamp", Direction.ASC)
                .named("webhook_creation"));
    }

    /** For tests: the random part of backoffs, in [0, 1). */
    void jitter(DoubleSupplier jitter) {
        this.jitter = jitter;
    }

    /**
     * Queues an event for a webhook; a second call for the same (webhook, event, replay) does nothing.
     *
     * @param event {@code {id, type, content, creation_timestamp (Date)}}
     * @return whether it was queued now
     */
    boolean enqueue(ObjectId webhookId, Document event, String replayId) {
        Date now = now();
        String key = webhookId.toHexString() + ":" + event.get("id") + (replayId == null ? "" : ":" + replayId);
        Document delivery = new Document("_id", new ObjectId())
                .append("key", key)
                .append("webhook_id", webhookId);
        if (replayId != null) {
            delivery.append("replay_id", replayId);
        }
        delivery.append("event", event)
                .append("status", "pending")
                .append("attempts", 0)
                .append("next_attempt_timestamp", now)
                .append("history", List.of())
                .append("creation_timestamp", now)
                .append("update_timestamp", now);
        try {
            mongo.insert(delivery, COLLECTION);
            return true;
        } catch (DuplicateKeyException queuedBefore) {
            return false;
        }
    }

    /**
     * Claims the due delivery that waited longest (or one whose lease ran out), skipping the given webhooks.
     *
     * @return the claimed delivery, or null when nothing is due
     */
    Document claim(String owner, Collection<ObjectId> busyWebhooks) {
        Date now = now();
        Criteria due = new Criteria().orOperator(
                where("status").is("pending").and("next_attempt_timestamp").lte(now),
                where("status").is("delivering").and("lease_until").lte(now));
        Criteria criteria = busyWebhooks.isEmpty() ? due
                : new Criteria().andOperator(due, where("webhook_id").nin(busyWebhooks));
        Query query = new Query(criteria).with(Sort.by(Sort.Order.asc("next_attempt_timestamp")));
        Update update = new Update().set("status", "delivering").set("lease_owner", owner)
                .set("lease_until", Date.from(now.toInstant().plus(settings.lease())))
                .set("update_timestamp", now);
        return mongo.findAndModify(query, update, FindAndModifyOptions.options().returnNew(true), Document.class,
                COLLECTION);
    }

    /** Records an attempt: succeeded, retried later, or parked as dead after the last attempt. */
    void record(Document delivery, String owner, WebhookSender.Result result) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        int attempts = delivery.getInteger("attempts", 0) + 1;
        Document entry = new Document("attempt", attempts).append("timestamp", Date.from(now));
        if (result.statusCode() != null) {
            entry.append("status_code", result.statusCode());
        }
        if (result.error() != null) {
            entry.append("error", result.error());
        }
        entry.append("duration_ms", result.durationMillis());
        Update update = new Update().set("attempts", attempts).set("update_timestamp", Date.from(now))
                .unset("lease_owner").unset("lease_until")
                .push("history").slice(-settings.historySize()).each(entry);
        setOrUnset(update, "last_status_code", result.statusCode());
        setOrUnset(update, "last_error", result.error());
        if (result.delivered()) {
            update.set("status", "succeeded").set("completed_timestamp", Date.from(now))
                    .unset("next_attempt_timestamp");
        } else if (attempts >= settings.maxAttempts()) {
            update.set("status", "dead").set("completed_timestamp", Date.from(now)).unset("next_attempt_timestamp");
        } else {
            update.set("status", "pending").set("next_attempt_timestamp", Date.from(now.plus(backoff(attempts))));
        }
        // only while this worker still holds the lease: past it, another worker owns the delivery
        mongo.updateFirst(query(where("_id").is(delivery.get("_id")).and("lease_owner").is(owner)), update,
                COLLECTION);
    }

    /** The pause before attempt {@code attempts + 1}: half to all of min(max, initial × 2^(attempts-1)). */
    Duration backoff(int attempts) {
        long initial = settings.initialBackoff().toMillis();
        long max = settings.maxBackoff().toMillis();
        long full = attempts >= 31 ? max : Math.min(max, initial << Math.max(0, attempts - 1));
        return Duration.ofMillis(full / 2 + (long) (jitter.getAsDouble() * (full - full / 2)));
    }

    /** A claimed delivery of a disabled webhook waits, without counting as an attempt. */
    void pause(Document delivery, String owner) {
        mongo.updateFirst(query(where("_id").is(delivery.get("_id")).and("lease_owner").is(owner)),
                new Update().set("status", "paused").unset("lease_owner").unset("lease_until")
                        .set("update_timestamp", now()), COLLECTION);
    }

    /** A claimed delivery whose webhook is gone. */
    void drop(Document delivery) {
        mongo.remove(query(where("_id").is(delivery.get("_id"))), COLLECTION);
    }

    /** Paused deliveries of a webhook that was enabled again are due now. */
    void resume(ObjectId webhookId) {
        mongo.updateMulti(query(where("webhook_id").is(webhookId).and("status").is("paused")),
                new Update().set("status", "pending").set("next_attempt_timestamp", now())
                        .set("update_timestamp", now()), COLLECTION);
    }

    void deleteAll(ObjectId webhookId) {
        mongo.remove(query(where("webhook_id").is(webhookId)), COLLECTION);
    }

    /** A dead delivery back in the queue, due now, with its attempts counted from zero again. */
    Map<String, Object> retry(ObjectId webhookId, String deliveryId) {
        ObjectId id = Bson.id(deliveryId);
        Document retried = mongo.findAndModify(
                query(where("_id").is(id).and("webhook_id").is(webhookId).and("status").is("dead")),
                new Update().set("status", "pending").set("attempts", 0).set("next_attempt_timestamp", now())
                        .set("update_timestamp", now()).unset("completed_timestamp"),
                FindAndModifyOptions.options().returnNew(true), Document.class, COLLECTION);
        if (retried == null) {
            Document existing = mongo.findOne(query(where("_id").is(id).and("webhook_id").is(webhookId)),
                    Document.class, COLLECTION);
            if (existing == null) {
                throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION);
            }
            throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION,
                    "Only dead deliveries can be retried; this one is " + existing.getString("status"));
        }
        return wire(retried);
    }

    /**
     * Queues stored events again for a webhook: {@code {from_event_id}} (that event and every one stored after it)
     * or {@code {from_timestamp}} (events created at or after it, epoch ms or ISO-8601), of the webhook's types.
     *
     * @return {@code {replay_id, queued, truncated}}
     */
    Map<String, Object> replay(Document webhook, JsonNode requestBody) {
        JsonBody body = JsonBody.of(requestBody).allowOnly("from_event_id", "from_timestamp");
        if (body.has("from_event_id") == body.has("from_timestamp")) {
            throw new ExhException(body.has("from_event_id") ? ExhError.FIELD_FORMAT_EXCEPTION
                    : ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION,
                    "Give exactly one of 'from_event_id' and 'from_timestamp'");
        }
        Long fromSeq = null;
        Date from = null;
        if (body.has("from_event_id")) {
            String eventId = body.requiredText("from_event_id", 100);
            OptionalLong seq = storedEvents.seqOf(eventId);
            if (seq.isEmpty()) {
                throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Event " + eventId + " is not stored");
            }
            fromSeq = seq.getAsLong();
        } else {
            from = Date.from(body.optionalTimestamp("from_timestamp").orElseThrow());
        }
        List<String> types = webhook.getList("event_types", String.class);
        List<Document> events = storedEvents.since(from, fromSeq,
                types.contains(Webhooks.ALL_TYPES) ? null : types, settings.maxReplayEvents() + 1);
        boolean truncated = events.size() > settings.maxReplayEvents();
        String replayId = new ObjectId().toHexString();
        int queued = 0;
        for (Document stored : events.subList(0, Math.min(events.size(), settings.maxReplayEvents()))) {
            Document event = new Document("id", Bson.toJson(stored.get("_id")))
                    .append("type", stored.getString("type"))
                    .append("content", stored.get("content"))
                    .append("creation_timestamp", stored.getDate("creation_timestamp"));
            if (enqueue(webhook.getObjectId("_id"), event, replayId)) {
                queued++;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("replay_id", replayId);
        out.put("queued", queued);
        out.put("truncated", truncated);
        return out;
    }

    PageEnvelope<Map<String, Object>> find(ObjectId webhookId, RqlQuery rql) {
        Query query = RQL.toQuery(rql, where("webhook_id").is(webhookId));
        if (rql.sort().isEmpty()) {
            query.with(Sort.by(Sort.Order.asc("creation_timestamp"), Sort.Order.asc("_id")));
        }
        return RqlPaging.find(mongo, query, rql, Document.class, COLLECTION, WebhookDeliveries::wire);
    }

    @Override
    public String name() {
        return "finished webhook deliveries";
    }

    @Override
    public long purge(Instant now) {
        return mongo.remove(query(where("status").in("succeeded", "dead").and("completed_timestamp")
                .lt(Date.from(now.minus(settings.deliveryRetention())))), COLLECTION).getDeletedCount();
    }

    /** The ExH event object that is POSTed: {@code {id, type, content, creation_timestamp}} (epoch ms). */
    static Map<String, Object> body(Document delivery) {
        Document event = delivery.get("event", Document.class);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", event.get("id"));
        out.put("type", event.get("type"));
        out.put("content", Bson.toJson(event.get("content")));
        out.put("creation_timestamp", Bson.toJson(event.get("creation_timestamp")));
        return out;
    }

    static Map<String, Object> wire(Document stored) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", Bson.toJson(stored.get("_id")));
        out.put("webhook_id", Bson.toJson(stored.get("webhook_id")));
        Document event = stored.get("event", Document.class);
        if (event != null) {
            out.put("event_id", event.get("id"));
            out.put("event_type", event.get("type"));
        }
        for (String field : List.of("replay_id", "status", "attempts", "next_attempt_timestamp", "last_status_code",
                "last_error", "history", "creation_timestamp", "update_timestamp", "completed_timestamp")) {
            if (stored.get(field) != null) {
                out.put(field, Bson.toJson(stored.get(field)));
            }
        }
        return out;
    }

    private Date now() {
        return Date.from(clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }

    private static void setOrUnset(Update update, String field, Object value) {
        if (value == null) {
            update.unset(field);
        } else {
            update.set(field, value);
        }
    }
}
