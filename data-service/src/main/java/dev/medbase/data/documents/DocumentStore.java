package dev.medbase.data.documents;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.bson.types.ObjectId;
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

/**
 * The documents of a schema (one collection per schema) and the {@code transitionLock} of §7.3: a modifying call
 * takes the lock with one atomic {@code findAndModify} (only if the document is unlocked, or its lock is older than
 * {@code medbase.data.lock-timeout}), computes the new state in memory, then writes it and releases the lock in one
 * atomic update that only matches while it still holds the lock. No transactions needed.
 */
@Component
public class DocumentStore {

    private final MongoTemplate mongo;
    private final DataProperties properties;

    public DocumentStore(MongoTemplate mongo, DataProperties properties) {
        this.mongo = mongo;
        this.properties = properties;
    }

    public MongoTemplate mongo() {
        return mongo;
    }

    public void insert(Schema schema, Document doc) {
        try {
            mongo.insert(doc, schema.documentsCollection());
        } catch (DuplicateKeyException e) {
            throw duplicate();
        }
    }

    public Document findById(Schema schema, ObjectId id) {
        return mongo.findOne(maxTime(Query.query(Criteria.where("_id").is(id))), Document.class,
                schema.documentsCollection());
    }

    public boolean exists(Schema schema, Criteria filter) {
        return QueryTimeouts.guard(() -> mongo.exists(maxTime(Query.query(filter)), schema.documentsCollection()));
    }

    /** Documents whose lock is absent or abandoned. */
    public Criteria unlocked() {
        Date stale = new Date(System.currentTimeMillis() - properties.lockTimeout().toMillis());
        return new Criteria().orOperator(Criteria.where("transitionLock").exists(false),
                Criteria.where("transitionLock.timestamp").lt(stale));
    }

    /** Takes the lock of the document matching {@code filter} (which names its id); null when none matches. */
    public Document lock(Schema schema, Criteria filter, String lockId) {
        Query query = Query.query(and(filter, unlocked()));
        Update update = new Update().set("transitionLock", new Document("timestamp", new Date())).set("_lock", lockId);
        return QueryTimeouts.guard(() -> mongo.findAndModify(maxTime(query), update,
                FindAndModifyOptions.options().returnNew(true), Document.class, schema.documentsCollection()));
    }

    public void release(Schema schema, ObjectId id, String lockId) {
        mongo.updateFirst(Query.query(Criteria.where("_id").is(id).and("_lock").is(lockId)),
                new Update().unset("transitionLock").unset("_lock"), schema.documentsCollection());
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
        update.unset("transitionLock").unset("_lock");
        try {
            return mongo.updateFirst(Query.query(Criteria.where("_id").is(doc.id).and("_lock").is(lockId)), update,
                    schema.documentsCollection()).getMatchedCount() == 1;
        } catch (DuplicateKeyException e) {
            release(schema, doc.id, lockId);
            throw duplicate();
        }
    }

    /** An atomic update of an unlocked document (link/unlink); the number of documents matched. */
    public long updateUnlocked(Schema schema, Criteria filter, Update update) {
        try {
            return mongo.updateFirst(Query.query(and(filter, unlocked())), update, schema.documentsCollection())
                    .getMatchedCount();
        } catch (DuplicateKeyException e) {
            throw duplicate();
        }
    }

    public long delete(Schema schema, Criteria filter) {
        return mongo.remove(Query.query(filter), schema.documentsCollection()).getDeletedCount();
    }

    public Query maxTime(Query query) {
        return query.maxTimeMsec(properties.maxQueryTime().toMillis());
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
