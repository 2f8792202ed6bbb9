package dev.medbase.data.schemas;

import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

import dev.medbase.data.DataProperties;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * The {@code schemas} collection. Every change replaces the whole schema document conditionally on its
 * {@code version} (optimistic concurrency, single-document atomic), so concurrent admins never lose each other's
 * changes and every replica notices the new version.
 */
@Component
public class SchemaStore {

    /** Names usable in paths (§7: else 416). */
    static final Pattern PATH_NAME = Pattern.compile("^[A-Za-z0-9_-]+$");

    private final MongoTemplate mongo;
    private final SchemaCache cache;
    private final DataProperties properties;

    public SchemaStore(MongoTemplate mongo, SchemaCache cache, DataProperties properties) {
        this.mongo = mongo;
        this.cache = cache;
        this.properties = properties;
        collection().createIndex(Indexes.ascending("name"), new IndexOptions().unique(true).name("name_unique"));
    }

    public MongoCollection<Document> collection() {
        return mongo.getCollection(Schema.COLLECTION);
    }

    /**
     * The schema a path names, for requests on its documents, comments and history: the stored version as checked at
     * most {@code medbase.data.schema-recheck} ago (see {@link SchemaCache}). 416 or 16 as {@link #current}.
     */
    public CompiledSchema resolve(String idOrName) {
        CompiledSchema recent = cache.recent(idOrName);
        if (recent != null) {
            return recent;
        }
        long generation = cache.generation();
        CompiledSchema checked = current(idOrName);
        cache.checked(idOrName, checked, generation);
        return checked;
    }

    /**
     * The schema a path names, at its stored version now (for changes to the schema): a 24-hex value is tried as id
     * first, then as name; a name must match {@code ^[A-Za-z0-9_-]+$} (else 416). 16 when there is no such schema.
     */
    public CompiledSchema current(String idOrName) {
        if (idOrName != null && idOrName.length() == 24 && ObjectId.isValid(idOrName)) {
            Document ref = ref(Filters.eq("_id", new ObjectId(idOrName)));
            if (ref != null) {
                return compiled(ref);
            }
        }
        if (idOrName == null || !PATH_NAME.matcher(idOrName).matches() || idOrName.length() > 100) {
            throw new ExhException(ExhError.INVALID_SCHEMA_PATH_PARAMETER,
                    "The schema id or name in the path is invalid: names match ^[A-Za-z0-9_-]+$");
        }
        Document ref = ref(Filters.eq("name", idOrName));
        if (ref == null) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Schema '" + idOrName + "' is unknown");
        }
        return compiled(ref);
    }

    private Document ref(Bson filter) {
        return collection().find(filter).projection(Projections.include("_id", "version"))
                .maxTime(properties.maxQueryTime().toMillis(), TimeUnit.MILLISECONDS).first();
    }

    private CompiledSchema compiled(Document ref) {
        ObjectId id = ref.getObjectId("_id");
        long version = ref.get("version") instanceof Number n ? n.longValue() : 0;
        CompiledSchema cached = cache.get(id, version);
        if (cached != null) {
            return cached;
        }
        Document full = collection().find(Filters.eq("_id", id)).first();
        if (full == null) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "The schema is unknown");
        }
        return cache.compile(full);
    }

    public void insert(Document schema) {
        try {
            collection().insertOne(schema);
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                throw nameTaken(schema.getString("name"));
            }
            throw e;
        } finally {
            cache.forgetRecent();
        }
    }

    /** Replaces the schema if it is still at {@code version}; false when someone else changed it first. */
    public boolean replace(ObjectId id, long version, Document next) {
        next.put("version", version + 1);
        try {
            return collection().replaceOne(Filters.and(Filters.eq("_id", id), Filters.eq("version", version)), next)
                    .getMatchedCount() == 1;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                throw nameTaken(next.getString("name"));
            }
            throw e;
        } finally {
            cache.forgetRecent(); // after the write: a check that began before it is not served after it
        }
    }

    public boolean delete(ObjectId id) {
        try {
            return collection().deleteOne(Filters.eq("_id", id)).getDeletedCount() == 1;
        } finally {
            cache.evict(id);
        }
    }

    static ExhException nameTaken(String name) {
        return new ExhException(ExhError.RESOURCE_ALREADY_EXISTS_EXCEPTION,
                "A schema named '" + name + "' already exists");
    }
}
