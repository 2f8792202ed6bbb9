package dev.medbase.data.documents;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

import dev.medbase.data.DataProperties;
import dev.medbase.data.schemas.Schema;
import dev.medbase.data.support.QueryTimeouts;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.mongo.ExactKeyIndex;

/**
 * The documents of a schema (one collection per schema) and the {@code transitionLock} of §7.3.
 *
 * <p>Every per-document write is a compare-and-set on {@code {_id, _lock}}. {@code _lock} is the document's write
 * token: while {@code transitionLock} is set it names the holder, otherwise it is a fresh value that each change
 * writes anew (absent on documents never changed). So a write filtered on the {@code _lock} a caller read only
 * applies if nothing changed the document since that read, and a change checked in memory against the document read
 * is as atomic as a check inside the query. A modifying call reads the document, checks it, takes the lock by CAS
 * (only if the document is unlocked, or its lock is older than {@code medbase.data.lock-timeout}: then the CAS is on
 * the abandoned holder's token), computes the new state in memory, then writes it and releases the lock in one update
 * that only matches while it still holds the lock. No transactions needed.
 *
 * <p>Why by exact keys: the embedded MongoDB-wire server walks an index only when a query names exactly the keys of
 * a unique index, and scans the whole collection otherwise ({@code {_id, $or: …}} included). Hence the
 * {@code {_id, _lock}} {@link ExactKeyIndex} declared on each documents collection.
 */
@Component
public class DocumentStore {

    /** The index that makes {@code {_id, _lock}} an index lookup on the embedded server (see the class comment). */
    static final String LOCK_INDEX = "id_lock";

    private final MongoTemplate mongo;
    private final DataProperties properties;
    private final Clock clock;
    /** The collections whose lock index this process has ensured (created lazily: schemas predate the index). */
    private final Set<String> indexed = ConcurrentHashMap.newKeySet();

    @Autowired
    public DocumentStore(MongoTemplate mongo, DataProperties properties, ObjectProvider<Clock> clock) {
        this(mongo, properties, clock.getIfAvailable(Clock::systemUTC));
    }

    DocumentStore(MongoTemplate mongo, DataProperties properties, Clock clock) {
        this.mongo = mongo;
        this.properties = properties;
        this.clock = clock;
    }

    public MongoTemplate mongo() {
        return mongo;
    }

    public void insert(Schema schema, Document doc) {
        try {
            mongo.insert(doc, collection(schema));
        } catch (DuplicateKeyException e) {
            throw duplicate();
        }
    }

    public Document findById(Schema schema, ObjectId id) {
        return mongo.findOne(maxTime(Query.query(Criteria.where("_id").is(id))), Document.class,
                schema.documentsCollection());
    }

    /** Used for RQL preconditions only (rare): a query beside {@code _id} is a collection scan on the embedded server. */
    public boolean exists(Schema schema, Criteria filter) {
        return QueryTimeouts.guard(() -> mongo.exists(maxTime(Query.query(filter)), schema.documentsCollection()));
    }

    /** Whether a stored document is locked right now (a lock older than the lock timeout is abandoned). */
    public boolean lockedNow(Document stored) {
        if (!(stored.get("transitionLock") instanceof Document lock)) {
            return stored.containsKey("transitionLock");
        }
        Date stale = Date.from(clock.instant().minus(properties.lockTimeout()));
        return !(lock.get("timestamp") instanceof Date timestamp && timestamp.before(stale));
    }

    /**
     * Takes the lock of a document the caller read and found not {@link #lockedNow locked}: a CAS on the token it
     * read, so it fails (null) when anyone wrote the document since, including a concurrent taker of the same lock.
     * The locked document otherwise, in the state the caller read.
     */
    public Document lock(Schema schema, Document seen, String lockId) {
        Update update = new Update().set("transitionLock", new Document("timestamp", Date.from(clock.instant())))
                .set("_lock", lockId);
        return QueryTimeouts.guard(() -> mongo.findAndModify(unchanged(seen), update,
                FindAndModifyOptions.options().returnNew(true), Document.class, collection(schema)));
    }

    public void release(Schema schema, ObjectId id, String lockId) {
        mongo.updateFirst(held(id, lockId), unlock(new Update()), collection(schema));
    }

    /**
     * Writes the document's new state and releases the lock, if still held. False when the lock was lost (taken over
     * after the timeout, or the document deleted meanwhile).
     */
    public boolean commit(Schema schema, Doc doc, String lockId) {
        Document stored = doc.toBson();
        Update update = new Update();
        for (String key : List.of("userIds", "groupIds", "status", "statusChangedTimestamp", "data",
                "updateTimestamp")) {
            update.set(key, stored.get(key));
        }
        try {
            return mongo.updateFirst(held(doc.id, lockId), unlock(update), collection(schema))
                    .getMatchedCount() == 1;
        } catch (DuplicateKeyException e) {
            release(schema, doc.id, lockId);
            throw duplicate();
        }
    }

    /**
     * An atomic update (link/unlink) of a document the caller read and found not {@link #lockedNow locked}; it also
     * clears an abandoned lock, so that lock's holder can no longer commit over it. False when the document changed
     * since it was read.
     */
    public boolean updateUnchanged(Schema schema, Document seen, Update update) {
        try {
            return mongo.updateFirst(unchanged(seen), unlock(update), collection(schema)).getMatchedCount() == 1;
        } catch (DuplicateKeyException e) {
            throw duplicate();
        }
    }

    /**
     * Deletes a document the caller read, if it did not change since (a lock does not protect from deletion: its
     * holder's commit then fails). False when it changed or is gone.
     */
    public boolean deleteUnchanged(Schema schema, Document seen) {
        return mongo.remove(unchanged(seen), collection(schema)).getDeletedCount() == 1;
    }

    public Query maxTime(Query query) {
        return query.maxTimeMsec(properties.maxQueryTime().toMillis());
    }

    /** {@code {_id, _lock: <as read>}}; a missing {@code _lock} reads as null, which also matches a missing field. */
    private Query unchanged(Document seen) {
        return maxTime(Query.query(Criteria.where("_id").is(seen.get("_id")).and("_lock").is(seen.get("_lock"))));
    }

    private Query held(ObjectId id, String lockId) {
        return maxTime(Query.query(Criteria.where("_id").is(id).and("_lock").is(lockId)));
    }

    /** Releases any lock and writes a new token, so that CAS on the previous one fails. */
    private static Update unlock(Update update) {
        return update.unset("transitionLock").set("_lock", new ObjectId().toHexString());
    }

    /**
     * The schema's documents collection, with its {@code {_id, _lock}} index ensured once per process (idempotent,
     * so concurrent first writes may both create it).
     */
    String collection(Schema schema) {
        String name = schema.documentsCollection();
        if (!indexed.contains(name)) {
            mongo.indexOps(name).createIndex(ExactKeyIndex.of(LOCK_INDEX, "_lock"));
            indexed.add(name);
        }
        return name;
    }

    static Criteria and(Criteria... criteria) {
        List<Criteria> all = new ArrayList<>();
        for (Criteria c : criteria) {
            if (c != null) {
                all.add(c);
            }
        }
        return all.size() == 1 ? all.get(0) : new Criteria().andOperator(all);
    }

    static ExhException duplicate() {
        return new ExhException(ExhError.RESOURCE_ALREADY_EXISTS_EXCEPTION,
                "A document with the same values for a unique index already exists");
    }
}
