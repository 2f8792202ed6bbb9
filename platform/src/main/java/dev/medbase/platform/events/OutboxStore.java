package dev.medbase.platform.events;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Sort.Direction;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.index.IndexOperations;
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
    /** Oldest first; the id breaks ties within a millisecond. */
    private static final Sort ORDER = Sort.by("time", "id");

    private final MongoTemplate mongo;

    OutboxStore(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    void ensureIndexes() {
        IndexOperations indexes = mongo.indexOps(COLLECTION);
        indexes.createIndex(new Index().on("time", Direction.ASC).on("_id", Direction.ASC).named("outbox_order"));
        indexes.createIndex(new Index().on("aggregateId", Direction.ASC).on("time", Direction.ASC)
                .named("outbox_aggregate"));
        indexes.createIndex(new Index().on("owner", Direction.ASC).sparse().named("outbox_owner"));
    }

    /** Stores an event to send. @return {@code false} if an event with this id is already waiting */
    boolean add(OutboxRecord entry) {
        try {
            mongo.insert(entry.toDocument(), COLLECTION);
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    /**
     * Claims up to {@code max} of the oldest events nobody holds a live lease on: until {@code now + lease} no other
     * relay will claim them. Three round trips whatever {@code max}: the candidates' ids, one multi-update that takes
     * each of them only if it is still claimable (a single-document atomic check, so two relays never both take one),
     * and a read of what this claim got. {@code owner} must therefore be new for every call (one per pass of a relay).
     * If the relay dies or stalls, the lease runs out and another relay sends the events again (consumers dedupe by
     * event id).
     *
     * @return the claimed events, oldest first
     */
    List<OutboxRecord> claim(String owner, Instant now, Duration lease, int max) {
        Query candidates = query(where("availableAt").lte(now)).with(Sort.by("time", "_id")).limit(max);
        candidates.fields().include("_id");
        List<Object> ids = mongo.find(candidates, Document.class, COLLECTION).stream().map(d -> d.get("_id"))
                .toList();
        if (ids.isEmpty()) {
            return List.of();
        }
        Update claim = new Update().set("availableAt", now.plus(lease)).set("owner", owner).inc("attempts", 1);
        mongo.updateMulti(query(where("id").in(ids).and("availableAt").lte(now)), claim, OutboxRecord.class);
        return mongo.find(query(where("owner").is(owner)).with(ORDER), OutboxRecord.class);
    }

    /**
     * For each aggregate of {@code batch}, the earliest of its events still waiting outside the batch (held by
     * another relay, or failed and not yet retried), if it was created no later than the batch's last event: an event
     * of the batch created after it must wait. One query for the whole batch.
     */
    Map<String, OutboxRecord> earliestPendingOutside(List<OutboxRecord> batch) {
        if (batch.isEmpty()) {
            return Map.of();
        }
        Instant last = batch.stream().map(OutboxRecord::time).max(Comparator.naturalOrder()).orElseThrow();
        Query outside = query(where("aggregateId").in(batch.stream().map(OutboxRecord::aggregateId).distinct().toList())
                .and("id").nin(batch.stream().map(OutboxRecord::id).toList())
                .and("time").lte(last)).with(ORDER);
        Map<String, OutboxRecord> earliest = new HashMap<>();
        mongo.find(outside, OutboxRecord.class).forEach(e -> earliest.putIfAbsent(e.aggregateId(), e));
        return earliest;
    }

    /** Forgets events the broker acknowledged (whoever holds them: they are in Kafka now). */
    void delete(Collection<String> ids) {
        if (!ids.isEmpty()) {
            mongo.remove(query(where("id").in(ids)), OutboxRecord.class);
        }
    }

    /**
     * Gives claimed events back, claimable again from {@code availableAt}, those that {@code owner} still holds.
     */
    void release(Collection<String> ids, String owner, Instant availableAt, String error) {
        if (ids.isEmpty()) {
            return;
        }
        Update update = new Update().set("availableAt", availableAt).unset("owner");
        if (error != null) {
            update.set("lastError", error);
        }
        mongo.updateMulti(query(where("id").in(ids).and("owner").is(owner)), update, OutboxRecord.class);
    }

    Optional<OutboxRecord> find(String id) {
        return Optional.ofNullable(mongo.findById(id, OutboxRecord.class));
    }

    long count() {
        return mongo.count(new Query(), OutboxRecord.class);
    }
}
