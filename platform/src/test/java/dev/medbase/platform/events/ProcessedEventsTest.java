package dev.medbase.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.index.IndexInfo;

class ProcessedEventsTest {

    private static final Instant NOW = Instant.parse("2025-01-08T00:00:00Z");

    static TestMongo mongo;

    @BeforeAll
    static void startMongo() {
        mongo = TestMongo.start("processed-test");
    }

    @AfterAll
    static void stopMongo() {
        mongo.close();
    }

    @BeforeEach
    void empty() {
        if (mongo.template.collectionExists(ProcessedEvents.COLLECTION)) {
            mongo.template.dropCollection(ProcessedEvents.COLLECTION);
        }
    }

    @Test
    void remembersEventsPerConsumer() {
        ProcessedEvents processed = processed(Duration.ofDays(7));

        assertThat(processed.processedAmong("mailer", List.of("e1", "e2"))).isEmpty();
        processed.markProcessed("mailer", List.of("e1", "e2"));

        assertThat(processed.processedAmong("mailer", List.of("e1", "e2", "e3"))).containsExactlyInAnyOrder("e1", "e2");
        assertThat(processed.processedAmong("store", List.of("e1", "e2"))).isEmpty();
    }

    @Test
    void markingABatchAgainOrInPartIsHarmlessAndStoresEachIdOnce() {
        ProcessedEvents processed = processed(Duration.ofDays(7));
        processed.markProcessed("mailer", List.of("e1", "e2"));

        processed.markProcessed("mailer", List.of("e2", "e3", "e1", "e4")); // e3, e4 between known ids

        assertThat(processed.processedAmong("mailer", List.of("e1", "e2", "e3", "e4", "e5")))
                .containsExactlyInAnyOrder("e1", "e2", "e3", "e4");
        assertThat(mongo.template.getCollection(ProcessedEvents.COLLECTION).countDocuments()).isEqualTo(4);
    }

    @Test
    void consumerAndEventIdAreUnique() {
        processed(Duration.ofDays(7));
        Document entry = new Document("consumer", "mailer").append("eventId", "e1").append("processedAt", new Date());
        mongo.template.insert(entry, ProcessedEvents.COLLECTION);

        assertThatThrownBy(() -> mongo.template.insert(new Document(entry).append("_id", null).append("x", 1),
                ProcessedEvents.COLLECTION)).isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void expiresEntriesAfterTheRetentionWithATtlIndex() {
        processed(Duration.ofDays(7));

        assertThat(index(ProcessedEvents.UNIQUE_INDEX).isUnique()).isTrue();
        IndexInfo ttl = index(ProcessedEvents.TTL_INDEX);
        assertThat(ttl.getIndexFields()).extracting(f -> f.getKey()).containsExactly("processedAt");
        assertThat(ttl.getExpireAfter()).contains(Duration.ofDays(7));
    }

    @Test
    void aChangedRetentionReplacesTheTtlIndex() {
        processed(Duration.ofDays(7));
        processed(Duration.ofDays(1)); // would fail with "index options conflict" on MongoDB without the replace

        assertThat(index(ProcessedEvents.TTL_INDEX).getExpireAfter()).contains(Duration.ofDays(1));
    }

    @Test
    void purgesExpiredEntriesItselfBecauseMongoJavaServerIgnoresTtl() {
        ProcessedEvents processed = processed(Duration.ofDays(7));
        mongo.template.insert(new Document("_id", "mailer:old").append("consumer", "mailer").append("eventId", "old")
                .append("processedAt", Date.from(NOW.minus(Duration.ofDays(8)))), ProcessedEvents.COLLECTION);
        mongo.template.insert(new Document("_id", "mailer:recent").append("consumer", "mailer")
                .append("eventId", "recent")
                .append("processedAt", Date.from(NOW.minus(Duration.ofDays(6)))), ProcessedEvents.COLLECTION);

        processed.markProcessed("mailer", List.of("new")); // the first mark purges

        assertThat(processed.processedAmong("mailer", List.of("old", "recent", "new")))
                .containsExactlyInAnyOrder("recent", "new");
    }

    private ProcessedEvents processed(Duration retention) {
        ProcessedEvents processed = new ProcessedEvents(mongo.template, retention, Clock.fixed(NOW, ZoneOffset.UTC));
        processed.ensureIndexes();
        return processed;
    }

    private IndexInfo index(String name) {
        return mongo.template.indexOps(ProcessedEvents.COLLECTION).getIndexInfo().stream()
                .filter(i -> name.equals(i.getName())).findFirst().orElseThrow();
    }
}
