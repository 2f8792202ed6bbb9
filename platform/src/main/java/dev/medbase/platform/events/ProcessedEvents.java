package dev.medbase.platform.events;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort.Direction;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.index.IndexInfo;
import org.springframework.data.mongodb.core.index.IndexOperations;

/**
 * Which events each handler of this service has processed (collection {@value #COLLECTION}, unique on
 * {@code (consumer, eventId)}), so a redelivered or re-sent event is handled once. Entries expire after the retention:
 * a TTL index does it on MongoDB, and because mongo-java-server ignores TTL indexes, {@link #markProcessed} also
 * deletes expired entries itself, at most once per {@link #PURGE_EVERY}. Duplicates arrive within minutes (relay
 * lease, consumer rebalance), so days of retention are ample.
 */
final class ProcessedEvents {

    static final String COLLECTION = "processed_events";
    static final String UNIQUE_INDEX = "processed_unique";
    static final String TTL_INDEX = "processed_ttl";
    static final Duration PURGE_EVERY = Duration.ofHours(1);

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

    boolean isProcessed(String consumer, String eventId) {
        return mongo.exists(query(where("consumer").is(consumer).and("eventId").is(eventId)), COLLECTION);
    }

    void markProcessed(String consumer, String eventId) {
        Instant now = clock.instant();
        try {
            mongo.insert(new Document("consumer", consumer).append("eventId", eventId)
                    .append("processedAt", Date.from(now)), COLLECTION);
        } catch (DuplicateKeyException e) {
            // processed concurrently (a rebalance handed the partition over mid-record): already remembered
        }
        if (now.isAfter(nextPurge)) {
            nextPurge = now.plus(PURGE_EVERY);
            purgeExpired(now);
        }
    }

    /** Deletes entries older than the retention. @return how many */
    long purgeExpired(Instant now) {
        return mongo.remove(query(where("processedAt").lt(Date.from(now.minus(retention)))), COLLECTION)
                .getDeletedCount();
    }
}
