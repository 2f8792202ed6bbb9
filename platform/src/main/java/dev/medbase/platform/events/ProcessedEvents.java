package dev.medbase.platform.events;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.model.InsertManyOptions;
import org.bson.Document;
import org.springframework.data.domain.Sort.Direction;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.index.IndexInfo;
import org.springframework.data.mongodb.core.index.IndexOperations;
import org.springframework.data.mongodb.core.query.Query;

/**
 * Which events each handler of this service has processed (collection {@value #COLLECTION}, {@code _id}
 * {@code "<consumer>:<eventId>"}, also unique on {@code (consumer, eventId)}), so a redelivered or re-sent event is
 * handled once. Entries expire after the retention:
 * a TTL index does it on MongoDB, and because mongo-java-server ignores TTL indexes, {@link #markProcessed} also
 * deletes expired entries itself, at most once per {@link #PURGE_EVERY}. Duplicates arrive within minutes (relay
 * lease, consumer rebalance), so days of retention are ample.
 */
final class ProcessedEvents {

    static final String COLLECTION = "processed_events";
    static final String UNIQUE_INDEX = "processed_unique";
    static final String TTL_INDEX = "processed_ttl";
    static final Duration PURGE_EVERY = Duration.ofHours(1);
    static final int DUPLICATE_KEY = 11000;

    private final MongoTemplate mongo;
    private final Duration retention;
    private final Clock clock;
    private volatile Instant nextPurge = Instant.MIN;

    ProcessedEvents(MongoTemplate mongo, Duration retention, Clock clock) {
        this.mongo = mongo;
        this.retention = retention;
        this.clock = clock;
    }

    void ensureIndexes() {
        IndexOperations indexes = mongo.indexOps(COLLECTION);
        indexes.createIndex(new Index().on("consumer", Direction.ASC).on("eventId", Direction.ASC).unique()
                .named(UNIQUE_INDEX));
        // An index's options can't be changed by creating it again: replace it when the retention changed.
        for (IndexInfo index : indexes.getIndexInfo()) {
            if (TTL_INDEX.equals(index.getName()) && !index.getExpireAfter().equals(Optional.of(retention))) {
                indexes.dropIndex(TTL_INDEX);
            }
        }
        indexes.createIndex(new Index().on("processedAt", Direction.ASC).expire(retention).named(TTL_INDEX));
    }

    /**
     * Which of {@code eventIds} the consumer has processed: one query for a whole batch, by {@code _id}, which every
     * MongoDB server answers from its primary index.
     */
    Set<String> processedAmong(String consumer, Collection<String> eventIds) {
        Query query = query(where("_id").in(eventIds.stream().map(id -> key(consumer, id)).toList()));
        query.fields().include("eventId");
        Set<String> found = new HashSet<>();
        mongo.find(query, Document.class, COLLECTION).forEach(d -> found.add(d.getString("eventId")));
        return found;
    }

    /** Remembers that the consumer processed these events: one unordered bulk insert; ids it knew are ignored. */
    void markProcessed(String consumer, Collection<String> eventIds) {
        Instant now = clock.instant();
        Date processedAt = Date.from(now);
        List<Document> entries = eventIds.stream().map(id -> new Document("_id", key(consumer, id))
                .append("consumer", consumer).append("eventId", id).append("processedAt", processedAt)).toList();
        try {
            mongo.getCollection(COLLECTION).insertMany(entries, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            // processed concurrently (a rebalance handed the partition over mid-batch): already remembered
            if (e.getWriteErrors().stream().anyMatch(w -> w.getCode() != DUPLICATE_KEY)) {
                throw e;
            }
        }
        if (now.isAfter(nextPurge)) {
            nextPurge = now.plus(PURGE_EVERY);
            purgeExpired(now);
        }
    }

    /**
     * An entry's {@code _id}. Entries written before it was used (ObjectId ids) are not found by it: an event
     * redelivered after an upgrade may be handled once more, as at-least-once allows.
     */
    private static String key(String consumer, String eventId) {
        return consumer + ":" + eventId;
    }

    /** Deletes entries older than the retention. @return how many */
    long purgeExpired(Instant now) {
        return mongo.remove(query(where("processedAt").lt(Date.from(now.minus(retention)))), COLLECTION)
                .getDeletedCount();
    }
}
