package dev.medbase.mail.templates;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Clock;
import java.util.Date;
import java.util.Optional;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * The storage both template versions share: one collection of documents with a unique {@code name} and
 * {@code creationTimestamp}/{@code updateTimestamp}; a duplicate name is {@code 17 RESOURCE_ALREADY_EXISTS}.
 */
final class TemplateCollection {

    private final MongoTemplate mongo;
    private final String collection;
    private final Clock clock;

    TemplateCollection(MongoTemplate mongo, String collection, Clock clock) {
        this.mongo = mongo;
        this.collection = collection;
        this.clock = clock;
    }

    void ensureUniqueName() {
        mongo.indexOps(collection).createIndex(new Index().on("name", Sort.Direction.ASC).unique()
                .named(collection + "_name"));
    }

    /** Stores a new template, stamping both times. */
    Document insert(Document doc) {
        Date now = Date.from(clock.instant());
        doc.append("creationTimestamp", now).append("updateTimestamp", now);
        try {
            mongo.insert(doc, collection);
        } catch (DuplicateKeyException e) {
            throw duplicate(doc.getString("name"));
        }
        return doc;
    }

    /** Stores a changed template, stamping its update time. */
    Document save(Document doc) {
        doc.put("updateTimestamp", Date.from(clock.instant()));
        try {
            mongo.save(doc, collection);
        } catch (DuplicateKeyException e) {
            throw duplicate(doc.getString("name"));
        }
        return doc;
    }

    long delete(Object id) {
        return mongo.remove(query(where("_id").is(id)), collection).getDeletedCount();
    }

    Optional<Document> byId(ObjectId id) {
        return Optional.ofNullable(mongo.findById(id, Document.class, collection));
    }

    Optional<Document> byName(String name) {
        return Optional.ofNullable(mongo.findOne(query(where("name").is(name)), Document.class, collection));
    }

    private static ExhException duplicate(String name) {
        return new ExhException(ExhError.RESOURCE_ALREADY_EXISTS_EXCEPTION,
                "A template named '" + name + "' already exists");
    }
}
