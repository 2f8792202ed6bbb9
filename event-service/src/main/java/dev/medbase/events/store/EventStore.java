package dev.medbase.events.store;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Clock;
import java.util.Collection;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort.Direction;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.index.IndexOperations;
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
 * Fed by {@link dev.medbase.events.EventIngest}.
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
        Object id = Bson.storedId(event.id());
        // Redeliveries are caught before this by the consumer's dedupe, and by the unique _id below. Custom events
        // come back from Kafka after POST stored them: look first, so they do not take a sequence number in vain.
        if (CUSTOM_SOURCE.equals(event.source()) && mongo.exists(query(where("_id").is(id)), COLLECTION)) {
            return false;
        }
        Document document = new Document("_id", id)
                .append("type", event.type())
                .append("content", Bson.document(redactor.redact(event.content())))
                .append("creation_timestamp", Date.from(event.time()))
                .append("source", event.source())
                .append("aggregate_id", event.aggregateId())
                .append("seq", sequence.next())
                .append("stored_at", Date.from(clock.instant()));
        try {
            mongo.insert(document, COLLECTION);
            return true;
        } catch (DuplicateKeyException storedConcurrently) {
            return false; // its sequence number stays unused: readers skip the gap
        }
    }
}
