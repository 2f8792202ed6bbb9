package dev.medbase.events.store;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * The store's sequence: each stored event gets the next number ({@code seq}), a batch of events a range of them, so readers that follow the store (the
 * realtime stream, replays "from an event") see events in the order they were stored, whatever their creation time.
 * One counter document, incremented atomically ({@code findAndModify $inc}), works on any number of replicas. A number
 * may be taken and never used (a crash, or two replicas storing the same event at once); readers allow for such gaps.
 */
@Component
public class EventSequence {

    static final String COLLECTION = "counters";
    static final String ID = "events";

    private final MongoTemplate mongo;

    public EventSequence(MongoTemplate mongo) {
        this.mongo = mongo;
        try {
            mongo.insert(new Document("_id", ID).append("value", 0L), COLLECTION);
        } catch (DuplicateKeyException exists) {
            // created before, by this or another replica
        }
    }

    /**
     * Takes {@code count} consecutive numbers with one increment.
     *
     * @return the first of them (numbers start at 1)
     */
    public long take(int count) {
        Document counter = mongo.findAndModify(query(where("_id").is(ID)), new Update().inc("value", (long) count),
                FindAndModifyOptions.options().returnNew(true).upsert(true), Document.class, COLLECTION);
        return ((Number) counter.get("value")).longValue() - count + 1;
    }

    /** The last number taken (0 before the first). */
    public long current() {
        Document counter = mongo.findOne(query(where("_id").is(ID)), Document.class, COLLECTION);
        return counter == null ? 0 : ((Number) counter.get("value")).longValue();
    }
}
