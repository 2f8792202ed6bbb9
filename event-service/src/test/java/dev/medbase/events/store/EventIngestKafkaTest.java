package dev.medbase.events.store;

import dev.medbase.platform.testing.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import tools.jackson.databind.json.JsonMapper;

import dev.medbase.devstack.infra.EmbeddedKafka;
import dev.medbase.devstack.infra.SharedTestInfra;
import dev.medbase.events.EventServiceApplication;
import dev.medbase.platform.events.EventCodec;
import dev.medbase.platform.events.EventEnvelope;
import dev.medbase.platform.events.EventPublisher;

/**
 * The store end to end with a broker of its own: events of two services arrive over Kafka and are stored once even
 * when sent twice; the broker stops mid-stream while a service keeps publishing into its outbox, and after the broker
 * is back nothing is lost or duplicated; event-service restarts and resumes from its committed offsets; a poll is
 * stored in bulk, each event once, and a record that is not an event is parked on the dead-letter topic.
 */
class EventIngestKafkaTest {

    private static final Duration GENEROUS = Duration.ofSeconds(90);
    private static final String GROUP = "events-ingest-test";

    @TempDir
    Path kafkaDir;
    final int kafkaPort = EmbeddedKafka.freePort();
    final int controllerPort = EmbeddedKafka.freePort();
    final String database = "medbase-events-ingest-" + new ObjectId();
    EmbeddedKafka kafka;
    ConfigurableApplicationContext events;
    ConfigurableApplicationContext users;

    /** Another service (data-service, say) with nothing but the platform's outbox publisher. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class PublishingService {
    }

    @AfterEach
    void stop() {
        if (users != null) {
            users.close();
        }
        if (events != null) {
            events.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void storedOnceAcrossRedeliveryBrokerOutageAndRestart() throws Exception {
        kafka = new EmbeddedKafka(kafkaPort, controllerPort, kafkaDir).start();
        events = startEventService();
        users = new SpringApplicationBuilder(PublishingService.class).web(WebApplicationType.NONE).run(
                "--spring.mongodb.uri=" + SharedTestInfra.mongoUri(database + "-data"),
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--medbase.events.source=data",
                "--medbase.events.relay.min-backoff=100ms",
                "--medbase.events.relay.max-backoff=1s",
                "--spring.kafka.producer.properties.max.block.ms=2000",
                "--spring.kafka.producer.properties.request.timeout.ms=2000",
                "--spring.kafka.producer.properties.delivery.timeout.ms=4000");
        EventPublisher data = users.getBean(EventPublisher.class);
        MongoTemplate store = events.getBean(MongoTemplate.class);
        List<String> expected = new ArrayList<>();

        // 1. two services; users' events are each sent twice (a relay re-send after a lost acknowledgement)
        EventCodec codec = new EventCodec(JsonMapper.builder().build());
        try (var producer = producer()) {
            for (int i = 0; i < 10; i++) {
                EventEnvelope event = new EventEnvelope(new ObjectId().toHexString(), "user_updated", "users",
                        Instant.now().truncatedTo(ChronoUnit.MILLIS), "user-" + i % 3, Map.of("id", "user-" + i));
                producer.send(codec.toRecord(event)).get();
                producer.send(codec.toRecord(event)).get();
                expected.add(event.id());
            }
        }
        for (int i = 0; i < 10; i++) {
            expected.add(data.publish("document_created", "doc-" + i % 4, Map.of("id", "doc-" + i)).id());
        }
        await().atMost(GENEROUS).until(() -> storedIds(store).size() >= 20);

        // 2. the broker stops; data-service keeps publishing (into its outbox)
        kafka.close();
        for (int i = 10; i < 20; i++) {
            expected.add(data.publish("document_updated", "doc-" + i % 4, Map.of("id", "doc-" + i)).id());
        }
        assertThat(storedIds(store)).hasSize(20);

        // 3. the broker is back on the same port and directory: everything waiting is delivered
        kafka = new EmbeddedKafka(kafkaPort, controllerPort, kafkaDir).start();
        await().atMost(GENEROUS).until(() -> storedIds(store).size() >= 30);
        await().atMost(GENEROUS).until(this::caughtUp);

        // 4. event-service restarts: it resumes after what it committed and stores what came meanwhile. To see that
        // it does not read the topics from the start again, forget one old event entirely (store and dedupe record):
        // a re-read would store it again.
        String forgotten = expected.get(0);
        store.remove(new Query(Criteria.where("_id").is(new ObjectId(forgotten))), EventStore.COLLECTION);
        store.remove(new Query(Criteria.where("eventId").is(forgotten)), "processed_events");
        events.close();
        for (int i = 20; i < 25; i++) {
            expected.add(data.publish("document_deleted", "doc-" + i % 4, Map.of("id", "doc-" + i)).id());
        }
        events = startEventService();
        MongoTemplate storeAgain = events.getBean(MongoTemplate.class);
        await().atMost(GENEROUS).until(() -> storedIds(storeAgain).size() >= 34);
        await().atMost(GENEROUS).until(this::caughtUp);

        List<String> stored = storedIds(storeAgain);
        assertThat(stored).doesNotContain(forgotten);
        expected.remove(forgotten);
        assertThat(stored).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        List<Document> documents = storeAgain.find(new Query(Criteria.where("_id").in(
                expected.stream().map(ObjectId::new).toList())), Document.class, EventStore.COLLECTION);
        assertThat(documents).extracting(d -> d.getString("source")).containsOnly("users", "data");
        assertThat(documents).extracting(d -> d.get("seq")).doesNotContainNull().doesNotHaveDuplicates();
    }

    @Test
    void aPollIsStoredInBulkOnceEachWithDuplicatesWithinAndAcrossPollsAndPoisonParked() throws Exception {
        kafka = new EmbeddedKafka(kafkaPort, controllerPort, kafkaDir).start();
        EventCodec codec = new EventCodec(JsonMapper.builder().build());
        List<EventEnvelope> sent = new ArrayList<>();
        String poisonId = new ObjectId().toHexString();
        // On the topic before event-service starts, so its first polls bring many at once.
        try (var producer = producer()) {
            for (int i = 0; i < 40; i++) {
                EventEnvelope event = new EventEnvelope(new ObjectId().toHexString(), "file_created", "files",
                        Instant.now().truncatedTo(ChronoUnit.MILLIS), "file-" + i % 3, Map.of("id", "file-" + i));
                sent.add(event);
                producer.send(codec.toRecord(event));
                if (i % 10 == 3) {
                    producer.send(codec.toRecord(event)); // a relay's second copy, in the same poll
                }
                if (i == 20) { // not an event: the value is not JSON
                    EventEnvelope header = new EventEnvelope(poisonId, "file_created", "files", Instant.now(),
                            "file-2", Map.of());
                    producer.send(new ProducerRecord<>("medbase.files", null, "file-2", "{not json",
                            codec.toRecord(header).headers()));
                }
            }
            producer.flush();
        }
        events = startEventService();
        MongoTemplate store = events.getBean(MongoTemplate.class);
        List<String> ids = sent.stream().map(EventEnvelope::id).toList();
        await().atMost(GENEROUS).until(() -> storedIds(store, "files").containsAll(ids));
        await().atMost(GENEROUS).until(() -> deadLetterIds("medbase.files.DLT").contains(poisonId));

        // Copies of stored events in a later poll change nothing.
        EventEnvelope later = new EventEnvelope(new ObjectId().toHexString(), "file_deleted", "files",
                Instant.now().truncatedTo(ChronoUnit.MILLIS), "file-0", Map.of("id", "file-0"));
        try (var producer = producer()) {
            producer.send(codec.toRecord(sent.get(5)));
            producer.send(codec.toRecord(sent.get(33)));
            producer.send(codec.toRecord(later)).get();
        }
        await().atMost(GENEROUS).until(() -> storedIds(store, "files").contains(later.id()));
        await().atMost(GENEROUS).until(() -> caughtUp("medbase.files"));

        assertThat(storedIds(store, "files")).doesNotHaveDuplicates().hasSize(ids.size() + 1)
                .doesNotContain(poisonId);
        List<Document> documents = store.find(new Query(Criteria.where("source").is("files")), Document.class,
                EventStore.COLLECTION);
        List<Long> seqs = documents.stream().map(d -> ((Number) d.get("seq")).longValue()).sorted().toList();
        assertThat(seqs).as("one number per stored event, none taken in vain").doesNotHaveDuplicates()
                .hasSize(ids.size() + 1);
        assertThat(seqs.get(seqs.size() - 1) - seqs.get(0) + 1).isEqualTo(ids.size() + 1);
        assertThat(documents.stream().map(d -> d.getDate("stored_at")).distinct().count())
                .as("events of a poll are stored together").isLessThan(ids.size());
    }

    private ConfigurableApplicationContext startEventService() {
        return new SpringApplicationBuilder(EventServiceApplication.class).run(
                "--server.port=0",
                "--spring.mongodb.uri=" + SharedTestInfra.mongoUri(database),
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--medbase.security.jwks-uri=" + TestTokens.jwksUri(),
                "--medbase.events.consumer-group=" + GROUP,
                "--medbase.events.webhooks.workers=0");
    }

    private KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    private static List<String> storedIds(MongoTemplate mongo) {
        return storedIds(mongo, "users", "data");
    }

    private static List<String> storedIds(MongoTemplate mongo, String... sources) {
        Query query = new Query(Criteria.where("source").in((Object[]) sources));
        query.fields().include("_id");
        return mongo.find(query, Document.class, EventStore.COLLECTION).stream()
                .map(d -> d.get("_id").toString()).collect(Collectors.toList());
    }

    /** The event ids of what {@code topic} holds now. */
    private List<String> deadLetterIds(String topic) {
        List<String> ids = new ArrayList<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> ids.add(new String(
                        r.headers().lastHeader(EventCodec.HEADER_ID).value(), StandardCharsets.UTF_8)));
            }
        }
        return ids;
    }

    private boolean caughtUp() throws Exception {
        return caughtUp("medbase.users", "medbase.data");
    }

    /** event-service's group has committed the end of every partition of the topics. */
    private boolean caughtUp(String... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            for (var topic : admin.describeTopics(List.of(topics)).allTopicNames().get()
                    .values()) {
                topic.partitions().forEach(p -> latest.put(new TopicPartition(topic.name(), p.partition()),
                        OffsetSpec.latest()));
            }
            return admin.listOffsets(latest).all().get().entrySet().stream().allMatch(e -> e.getValue().offset() == 0
                    || (committed.get(e.getKey()) != null
                    && committed.get(e.getKey()).offset() == e.getValue().offset()));
        }
    }
}
