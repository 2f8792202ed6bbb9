package dev.medbase.events.store;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.springframework.data.mongodb.BulkOperationException;
import org.springframework.data.domain.Sort.Direction;
import org.springframework.data.mongodb.core.BulkOperations.BulkMode;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.index.IndexOperations;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

import dev.medbase.events.web.Bson;
import dev.medbase.platform.events.EventEnvelope;
import dev.medbase.platform.events.EventTopics;

/**
 * The event store: every event of every service's topic is kept once, by its id (ARCHITECTURE §6), in the
 * collection {@code events} as
 * <pre>
 * {_id          ObjectId (the event id; text for ids that are not ObjectIds),
 *  type, content (secrets redacted, see {@link Redactor}),
 *  creation_timestamp  Date (the event's time),
 *  source, aggregate_id  where it came from and what it is about,
 *  seq          the store's sequence number ({@link EventSequence}),
 *  stored_at    Date}
 * </pre>
 * the ExH event object plus where it came from. A redelivered event hits the same {@code _id} and is ignored.
 * Fed by {@link dev.medbase.events.EventIngest}, a poll of the consumer at a time.
 */
@Component
public class EventStore {

    public static final String COLLECTION = "events";
    /** The source (and topic suffix) of events posted to {@code POST /events/v1/}. */
    public static final String CUSTOM_SOURCE = "custom";
    /** This service's own source: dispatcher commands and changes to dispatchers and webhooks. */
    public static final String OWN_SOURCE = "events";
    /** Every producing service's topic (ARCHITECTURE §6), custom events, and this service's own events. */
    public static final List<String> SOURCES =
            List.of("auth", "users", "data", "files", "tasks", "mail", CUSTOM_SOURCE, OWN_SOURCE);

    private static final int DUPLICATE_KEY = 11000;

    private final MongoTemplate mongo;
    private final EventSequence sequence;
    private final Redactor redactor;
    private final Clock clock;

    public EventStore(MongoTemplate mongo, EventSequence sequence, Redactor redactor, Clock clock) {
        this.mongo = mongo;
        this.sequence = sequence;
        this.redactor = redactor;
        this.clock = clock;
        IndexOperations indexes = mongo.indexOps(COLLECTION);
        indexes.createIndex(new Index().on("creation_timestamp", Direction.ASC).named("creation_timestamp"));
        indexes.createIndex(new Index().on("type", Direction.ASC).on("creation_timestamp", Direction.ASC)
                .named("type_creation_timestamp"));
        // sparse: events stored before the sequence existed have none
        indexes.createIndex(new Index().on("seq", Direction.ASC).unique().sparse().named("seq"));
    }

    /** The topics of the given sources. */
    public static List<String> topicsOf(Collection<String> sources) {
        return sources.stream().map(EventTopics::forSource).toList();
    }

    Redactor redactor() {
        return redactor;
    }

    /**
     * Stores the event unless it is stored already.
     *
     * @return whether this call stored it
     */
    public boolean store(EventEnvelope event) {
        return storeAll(List.of(event)) == 1;
    }

    /**
     * Stores the events that are not stored already, in one unordered bulk insert with one sequence increment (the
     * consumer hands over a poll at a time). An event whose id is stored already (a redelivery, or a second copy
     * within {@code events}) is skipped; the others are stored all the same.
     *
     * @return how many this call stored
     */
    public int storeAll(List<EventEnvelope> events) {
        Map<Object, EventEnvelope> byId = new LinkedHashMap<>();
        events.forEach(e -> byId.putIfAbsent(Bson.storedId(e.id()), e));
        // Look first (one lookup in the _id index), so that redeliveries and custom events coming back from Kafka
        // after POST stored them take no sequence numbers: a number taken in vain holds the event stream for its gap
        // grace. This lookup is the consumer's only dedupe for this store (EventIngest keeps no processed-events
        // records); the unique _id below catches what a concurrent replica stored meanwhile.
        Query stored = query(where("_id").in(new ArrayList<>(byId.keySet())));
        stored.fields().include("_id");
        mongo.find(stored, Document.class, COLLECTION).forEach(d -> byId.remove(d.get("_id")));
        if (byId.isEmpty()) {
            return 0;
        }
        long seq = sequence.take(byId.size());
        Date storedAt = Date.from(clock.instant());
        List<Document> documents = new ArrayList<>(byId.size());
        for (Map.Entry<Object, EventEnvelope> entry : byId.entrySet()) {
            EventEnvelope event = entry.getValue();
            documents.add(new Document("_id", entry.getKey())
                    .append("type", event.type())
                    .append("content", Bson.document(redactor.redact(event.content())))
                    .append("creation_timestamp", Date.from(event.time()))
                    .append("source", event.source())
                    .append("aggregate_id", event.aggregateId())
                    .append("seq", seq++)
                    .append("stored_at", storedAt));
        }
        try {
            mongo.bulkOps(BulkMode.UNORDERED, COLLECTION).insert(documents).execute();
            return documents.size();
        } catch (BulkOperationException e) {
            if (e.getErrors().stream().anyMatch(error -> error.getCode() != DUPLICATE_KEY)) {
                throw e;
            }
            return documents.size() - e.getErrors().size(); // their sequence numbers stay unused: readers skip gaps
        }
    }
}
