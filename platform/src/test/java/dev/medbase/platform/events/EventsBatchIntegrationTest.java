package dev.medbase.platform.events;

import static dev.medbase.platform.events.TestServices.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.medbase.devstack.infra.EmbeddedKafka;
import dev.medbase.devstack.infra.EmbeddedMongo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link BatchEventHandler}s with a real broker and MongoDB-wire server: the records are on the topic before the
 * service starts, so its first polls bring many at once, duplicates among them.
 */
class EventsBatchIntegrationTest {

    private static final Duration GENEROUS = Duration.ofSeconds(60);
    private static final EventCodec CODEC = new EventCodec(JsonMapper.builder().build());

    @TempDir
    static Path kafkaDir;

    static EmbeddedKafka kafka;
    static EmbeddedMongo mongo;
    ConfigurableApplicationContext service;

    /** Every batch a handler got, in order. */
    static final class Batches {
        final List<List<EventEnvelope>> batches = Collections.synchronizedList(new ArrayList<>());

        List<String> ids() {
            synchronized (batches) {
                return batches.stream().flatMap(List::stream).map(EventEnvelope::id).toList();
            }
        }

        int largest() {
            synchronized (batches) {
                return batches.stream().mapToInt(List::size).max().orElse(0);
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Storing {
        @Bean
        Batches batches() {
            return new Batches();
        }

        /** What the handler keyed by event id got (a separate holder: a second bean of the same type). */
        static final class Keyed {
            final Batches got = new Batches();
        }

        @Bean
        Keyed keyed() {
            return new Keyed();
        }

        /** A plain handler on the same topic, declared first, so it runs before the batch handler. */
        @Bean
        TestServices.Recorder recorder() {
            return new TestServices.Recorder();
        }

        @Bean
        EventHandler audit(TestServices.Recorder recorder, EventsProperties properties) {
            return EventHandler.of("audit", List.of(EventTopics.forSource(properties.source())), recorder::record);
        }

        /** Fails every batch that holds a "boom" event, as a bulk insert fails on one bad document. */
        @Bean
        EventHandler store(Batches batches, EventsProperties properties) {
            return batchHandler("store", EventTopics.forSource(properties.source()), false, events -> {
                if (events.stream().anyMatch(e -> e.type().equals("boom"))) {
                    throw new IllegalStateException("cannot store a boom");
                }
                batches.batches.add(List.copyOf(events));
            });
        }

        /** Writes keyed by event id, like event-service's store: the consumer keeps no processed-events record. */
        @Bean
        EventHandler keyedStore(Keyed keyed, EventsProperties properties) {
            return batchHandler("keyed", EventTopics.forSource(properties.source()), true, events -> {
                if (events.stream().noneMatch(e -> e.type().equals("boom"))) {
                    keyed.got.batches.add(List.copyOf(events));
                }
            });
        }

        private static BatchEventHandler batchHandler(String name, String topic, boolean keyedById,
                                                      Consumer<List<EventEnvelope>> handleAll) {
            return new BatchEventHandler() {
                @Override
                public List<String> topics() {
                    return List.of(topic);
                }

                @Override
                public String name() {
                    return name;
                }

                @Override
                public boolean idempotentByEventId() {
                    return keyedById;
                }

                @Override
                public void handleAll(List<EventEnvelope> events) {
                    handleAll.accept(events);
                }
            };
        }
    }

    @BeforeAll
    static void startInfra() {
        mongo = new EmbeddedMongo(EmbeddedKafka.freePort(), null).start();
        kafka = new EmbeddedKafka(EmbeddedKafka.freePort(), EmbeddedKafka.freePort(), kafkaDir).start();
    }

    @AfterAll
    static void stopInfra() {
        kafka.close();
        mongo.close();
    }

    @AfterEach
    void stopService() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aBatchHandlerGetsManyEventsAtOnceAndEachEventOnceWhateverTheDuplicates() throws Exception {
        List<EventEnvelope> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            events.add(event("files", "document_created", "doc-" + i % 3));
        }
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (EventEnvelope event : events) {
            records.add(CODEC.toRecord(event));
            if (events.indexOf(event) % 10 == 4) {
                records.add(CODEC.toRecord(event)); // a relay's second copy, right behind the first
            }
        }
        records.add(CODEC.toRecord(events.get(0))); // and one copy a long way after
        send(records);

        service = start("files");
        Batches batches = service.getBean(Batches.class);
        TestServices.Recorder audit = service.getBean(TestServices.Recorder.class);
        List<String> ids = events.stream().map(EventEnvelope::id).toList();
        await().atMost(GENEROUS).until(() -> batches.ids().containsAll(ids) && audit.ids().containsAll(ids));

        assertThat(batches.ids()).hasSameSizeAs(ids).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(audit.ids()).hasSameSizeAs(ids).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(batches.largest()).as("events of one poll come together").isGreaterThan(1);
        for (String aggregate : List.of("doc-0", "doc-1", "doc-2")) { // order per aggregate is kept
            assertThat(batches.ids().stream().filter(id -> aggregateOf(events, id).equals(aggregate)).toList())
                    .isEqualTo(events.stream().filter(e -> e.aggregateId().equals(aggregate))
                            .map(EventEnvelope::id).toList());
        }

        // Copies in a later batch are skipped too.
        EventEnvelope next = event("files", "document_created", "doc-0");
        send(List.of(CODEC.toRecord(events.get(7)), CODEC.toRecord(events.get(20)), CODEC.toRecord(next)));
        await().atMost(GENEROUS).until(() -> batches.ids().contains(next.id()) && audit.ids().contains(next.id()));
        assertThat(batches.ids()).hasSize(ids.size() + 1).doesNotHaveDuplicates();
        assertThat(audit.ids()).hasSize(ids.size() + 1).doesNotHaveDuplicates();

        // A handler keyed by event id got every event too, but nothing was recorded for it: the late copies reached it
        // again (its own writes make them harmless), while copies within one poll were still dropped.
        Batches keyed = service.getBean(Storing.Keyed.class).got;
        await().atMost(GENEROUS).until(() -> keyed.ids().contains(next.id()));
        assertThat(keyed.ids()).containsAll(ids);
        assertThat(keyed.batches).allSatisfy(batch -> assertThat(batch.stream().map(EventEnvelope::id))
                .doesNotHaveDuplicates());
        assertThat(keyed.ids().stream().filter(events.get(20).id()::equals)).hasSizeGreaterThan(1);
        MongoTemplate db = service.getBean(MongoTemplate.class);
        assertThat(db.count(query(where("consumer").is("keyed")), ProcessedEvents.COLLECTION)).isZero();
        assertThat(db.count(query(where("consumer").is("store")), ProcessedEvents.COLLECTION))
                .isEqualTo(ids.size() + 1);
    }

    @Test
    void aPoisonEventInABatchIsParkedOnTheDeadLetterTopicAndTheOthersAreHandled() throws Exception {
        List<EventEnvelope> good = new ArrayList<>();
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            EventEnvelope e = event("tasks", "task_created", "task-1");
            good.add(e);
            records.add(CODEC.toRecord(e));
        }
        EventEnvelope boom = event("tasks", "boom", "task-1");
        records.add(CODEC.toRecord(boom));
        ProducerRecord<String, String> notAnEvent = new ProducerRecord<>("medbase.tasks", null, "task-1", "{not json",
                CODEC.toRecord(event("tasks", "task_created", "task-1")).headers());
        String notAnEventId = idOf(notAnEvent);
        for (int i = 0; i < 6; i++) {
            EventEnvelope e = event("tasks", "task_created", "task-1");
            good.add(e);
            records.add(CODEC.toRecord(e));
            if (i == 2) {
                records.add(notAnEvent);
            }
        }
        send(records);

        service = start("tasks");
        Batches batches = service.getBean(Batches.class);
        TestServices.Recorder audit = service.getBean(TestServices.Recorder.class);
        List<String> goodIds = good.stream().map(EventEnvelope::id).toList();
        await().atMost(GENEROUS).until(() -> batches.ids().containsAll(goodIds));

        List<ConsumerRecord<byte[], byte[]>> parked = await().atMost(GENEROUS)
                .until(() -> TestServices.readAll(kafka.bootstrapServers(), "medbase.tasks.DLT"), r -> r.size() == 2);
        assertThat(parked).extracting(r -> header(r, EventCodec.HEADER_ID))
                .containsExactlyInAnyOrder(boom.id(), notAnEventId);
        ConsumerRecord<byte[], byte[]> parkedBoom = parked.stream()
                .filter(r -> boom.id().equals(header(r, EventCodec.HEADER_ID))).findFirst().orElseThrow();
        assertThat(header(parkedBoom, "kafka_dlt-exception-message")).contains("store failed on event " + boom.id(),
                "cannot store a boom");
        // Each good event stored once, in order (one partition); the plain handler got the boom once, not per retry.
        assertThat(batches.ids()).isEqualTo(goodIds);
        await().atMost(GENEROUS).until(() -> audit.ids().containsAll(goodIds));
        assertThat(audit.ids()).containsOnlyOnce(boom.id()).doesNotHaveDuplicates().doesNotContain(notAnEventId);
    }

    private ConfigurableApplicationContext start(String source) {
        return TestServices.start(Storing.class,
                "spring.mongodb.uri=" + mongo.uri(source),
                "spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "medbase.events.source=" + source,
                "medbase.events.consumer.retries=2",
                "medbase.events.consumer.retry-backoff=50ms");
    }

    private static EventEnvelope event(String source, String type, String aggregate) {
        return new EventEnvelope(new ObjectId().toHexString(), type, source,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), aggregate, Map.of("aggregate", aggregate));
    }

    private static String aggregateOf(List<EventEnvelope> events, String id) {
        return events.stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow().aggregateId();
    }

    private static String idOf(ProducerRecord<String, String> record) {
        return new String(record.headers().lastHeader(EventCodec.HEADER_ID).value(),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void send(List<ProducerRecord<String, String>> records) throws Exception {
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (ProducerRecord<String, String> record : records) {
                producer.send(record);
            }
            producer.flush();
        }
    }
}
