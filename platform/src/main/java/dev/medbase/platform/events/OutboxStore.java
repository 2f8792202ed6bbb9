package dev.medbase.platform.events;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

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

/**
 * The outbox in the service's own database. Every operation is a single-document atomic update, so it works the
 * same on MongoDB and on mongo-java-server, and with any number of relays (one per service replica).
 *
 * <p>Events are deleted once the broker acknowledged them, rather than marked sent: Kafka is the log, the event
 * service keeps every event for queries, and an outbox that holds only what is still to be sent keeps its queries
 * trivial ("is there anything earlier for this aggregate?" is "does a document exist?") and the collection small.
 */
final class OutboxStore {

    static final String COLLECTION = "outbox";

    private final MongoTemplate mongo;

    OutboxStore(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    void ensureIndexes() {
        IndexOperations indexes = mongo.indexOps(COLLECTION);
        indexes.createIndex(new Index().on("time", Direction.ASC).on("_id", Direction.ASC).named("outbox_order"));
        indexes.createIndex(new Index().on("aggregateId", Direction.ASC).on("time", Direction.ASC)
                .named("outbox_aggregate"));
    }

    /** Stores an event to send. @return {@code false} if an event with this id is already waiting */
    boolean add(OutboxRecord entry) {
        try {
            mongo.insert(entry);
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    /**
     * Atomically claims the oldest event nobody holds a live lease on: until {@code now + lease} no other relay will
     * claim it. If this relay dies or stalls, the lease runs out and another relay sends the event again (consumers
     * dedupe by event id).
     */
    Optional<OutboxRecord> claimNext(String owner, Instant now, Duration lease) {
        Query claimable = query(where("availableAt").lte(now)).with(Sort.by("time", "id"));
        Update claim = new Update().set("availableAt", now.plus(lease)).set("owner", owner).inc("attempts", 1);
        return Optional.ofNullable(mongo.findAndModify(claimable, claim, FindAndModifyOptions.options().returnNew(true),
                OutboxRecord.class));
    }

    /**
     * Whether an event for the same aggregate, created before {@code entry} and not among {@code ignoring}, is still
     * waiting (held by another relay, or failed and not yet retried): then {@code entry} must wait too.
     */
    boolean hasEarlierPending(OutboxRecord entry, Collection<String> ignoring) {
        Criteria earlier = new Criteria().orOperator(
                where("time").lt(entry.time()),
                where("time").is(entry.time()).and("id").lt(entry.id()));
        return mongo.exists(query(where("aggregateId").is(entry.aggregateId()).and("id").nin(ignoring)
                .andOperator(earlier)), OutboxRecord.class);
    }

    /** Forgets an event the broker acknowledged (whoever holds it: it is in Kafka now). */
    void delete(String id) {
        mongo.remove(query(where("id").is(id)), OutboxRecord.class);
    }

    /** Gives a claimed event back, claimable again from {@code availableAt}, if {@code owner} still holds it. */
    void release(String id, String owner, Instant availableAt, String error) {
        Update update = new Update().set("availableAt", availableAt).unset("owner");
        if (error != null) {
            update.set("lastError", error);
        }
        mongo.updateFirst(query(where("id").is(id).and("owner").is(owner)), update, OutboxRecord.class);
    }

    Optional<OutboxRecord> find(String id) {
        return Optional.ofNullable(mongo.findById(id, OutboxRecord.class));
    }

    long count() {
        return mongo.count(new Query(), OutboxRecord.class);
    }
}
