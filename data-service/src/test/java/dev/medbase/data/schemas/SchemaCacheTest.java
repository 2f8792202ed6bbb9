package dev.medbase.data.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/** How long a schema's version check is reused, and what makes it be checked again at once. */
class SchemaCacheTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final SchemaCache cache = new SchemaCache(Duration.ofSeconds(1), now::get);
    private final CompiledSchema schema = cache.compile(stored());

    @Test
    void aCheckIsReusedForTheRecheckIntervalOnly() {
        cache.checked("bp", schema, cache.generation());
        now.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(cache.recent("bp")).isSameAs(schema);
        assertThat(cache.recent("other")).isNull();
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(cache.recent("bp")).isNull();
    }

    @Test
    void aLocalChangeForgetsEveryPathAtOnce() {
        cache.checked("bp", schema, cache.generation());
        cache.checked(schema.schema().idHex(), schema, cache.generation());
        cache.forgetRecent();
        assertThat(cache.recent("bp")).isNull();
        assertThat(cache.recent(schema.schema().idHex())).isNull();
    }

    @Test
    void aCheckThatBeganBeforeALocalChangeIsNotServedAfterIt() {
        long generation = cache.generation(); // a request starts its check …
        cache.forgetRecent();                  // … another one changes the schema meanwhile …
        cache.checked("bp", schema, generation); // … and the first stores what it read before that change
        assertThat(cache.recent("bp")).isNull();
    }

    @Test
    void aZeroIntervalChecksEveryTime() {
        SchemaCache always = new SchemaCache(Duration.ZERO, now::get);
        always.checked("bp", schema, always.generation());
        assertThat(always.recent("bp")).isNull();
    }

    @Test
    void deletingASchemaForgetsItsPaths() {
        cache.checked("bp", schema, cache.generation());
        cache.evict(schema.schema().id());
        assertThat(cache.recent("bp")).isNull();
        assertThat(cache.get(schema.schema().id(), 0)).isNull();
    }

    private static Document stored() {
        Date t = new Date();
        return new Document("_id", new ObjectId()).append("name", "bp").append("properties", new Document())
                .append("statuses", new Document("new", new Document()))
                .append("creationTransition", new Document("type", "manual").append("toStatus", "new"))
                .append("transitions", new java.util.ArrayList<>()).append("indexes", new java.util.ArrayList<>())
                .append("createMode", "allUsers").append("readMode", "allUsers").append("updateMode", "allUsers")
                .append("deleteMode", "permissionRequired").append("groupSyncMode", "disabled")
                .append("defaultLimit", 20).append("maximumLimit", 100).append("creationTimestamp", t)
                .append("updateTimestamp", t).append("disabled", false).append("version", 0L);
    }
}
