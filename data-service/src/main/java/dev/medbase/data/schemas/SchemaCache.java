package dev.medbase.data.schemas;

import java.util.concurrent.ConcurrentHashMap;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.stereotype.Component;

/**
 * Compiled schemas by id, each valid for one {@code version}: a request that finds the stored version unchanged reuses
 * the validators and translator; any change (by this replica or another) bumps the version and compiles anew. Nothing
 * here is authoritative, so replicas stay correct without talking to each other.
 */
@Component
public class SchemaCache {

    private final ConcurrentHashMap<ObjectId, CompiledSchema> compiled = new ConcurrentHashMap<>();

    /** The compiled form of this version, if cached. */
    public CompiledSchema get(ObjectId id, long version) {
        CompiledSchema c = compiled.get(id);
        return c != null && c.schema().version() == version ? c : null;
    }

    public CompiledSchema compile(Document stored) {
        Schema schema = new Schema(stored);
        CompiledSchema c = new CompiledSchema(schema);
        compiled.merge(schema.id(), c, (old, fresh) -> old.schema().version() > fresh.schema().version() ? old : fresh);
        return c;
    }

    public void evict(ObjectId id) {
        compiled.remove(id);
    }
}
