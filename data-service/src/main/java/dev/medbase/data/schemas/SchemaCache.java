package dev.medbase.data.schemas;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import dev.medbase.data.DataProperties;

/**
 * Compiled schemas by id, each valid for one {@code version}: a request that finds the stored version unchanged reuses
 * the validators and translator; any change (by this replica or another) bumps the version and compiles anew.
 *
 * <p>Document requests also skip the version check itself for {@code medbase.data.schema-recheck} after one: the
 * paths they named ({@linkplain #recent recent}) map to what the check found. A change made through this replica
 * {@linkplain #forgetRecent forgets} them all at once, so it is seen by the next request; a change made through
 * another replica is seen here within the recheck interval. Nothing here is authoritative: changes to a schema itself
 * always read the stored version.
 */
@Component
public class SchemaCache {

    private record Recent(CompiledSchema schema, long checkedAt, long generation) {
    }

    private final ConcurrentHashMap<ObjectId, CompiledSchema> compiled = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Recent> recent = new ConcurrentHashMap<>();
    /** Bumped by every local change: a check that began before it is never served after it. */
    private final AtomicLong generation = new AtomicLong();
    private final long recheckNanos;
    private final LongSupplier nanoTime;

    @Autowired
    public SchemaCache(DataProperties properties) {
        this(properties.schemaRecheck(), System::nanoTime);
    }

    SchemaCache(Duration recheck, LongSupplier nanoTime) {
        this.recheckNanos = recheck.toNanos();
        this.nanoTime = nanoTime;
    }

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

    /** What {@code path} resolved to at a check less than the recheck interval ago, with no local change since. */
    CompiledSchema recent(String path) {
        Recent r = recent.get(path);
        if (r == null || r.generation() != generation.get() || nanoTime.getAsLong() - r.checkedAt() >= recheckNanos) {
            return null;
        }
        return r.schema();
    }

    /** The generation to pass to {@link #checked}: read it before the check. */
    long generation() {
        return generation.get();
    }

    /** Records what a check that began at {@code generation} found. */
    void checked(String path, CompiledSchema schema, long generation) {
        if (recheckNanos > 0) {
            recent.put(path, new Recent(schema, nanoTime.getAsLong(), generation));
        }
    }

    /** A schema changed through this replica: every path is checked again (a rename may move a name). */
    void forgetRecent() {
        generation.incrementAndGet();
        recent.clear();
    }

    public void evict(ObjectId id) {
        compiled.remove(id);
        forgetRecent();
    }
}
