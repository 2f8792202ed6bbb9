package dev.medbase.platform.events;

import static dev.medbase.platform.events.TestServices.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.medbase.devstack.infra.EmbeddedKafka;
import dev.medbase.devstack.infra.EmbeddedMongo;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The promise of the outbox, end to end with a real broker and a real MongoDB-wire server: events published while
 * Kafka is down wait and are delivered when it is back, and the idempotent consumer sees every event exactly once, in
 * order per aggregate, even when the relay sends one twice.
 */
class EventsBrokerRestartIntegrationTest {

    private static final String TOPIC = "medbase.users";
    private static final Duration GENEROUS = Duration.ofSeconds(60);

    @TempDir
    Path kafkaDir;

    int kafkaPort = EmbeddedKafka.freePort();
    int controllerPort = EmbeddedKafka.freePort();
    EmbeddedKafka kafka;
    EmbeddedMongo mongo;
    ConfigurableApplicationContext users;

    @Configuration(proxyBeanMethods = false)
    static class UsersService {
        @Bean
        TestServices.Recorder recorder() {
            return new TestServices.Recorder();
        }

        /** The service consumes its own topic here; any service's handler works the same way. */
        @Bean
        EventHandler auditTrail(TestServices.Recorder recorder) {
            return EventHandler.of("audit-trail", List.of(TOPIC), recorder::record);
        }
    }

    @BeforeEach
    void startInfrastructure() {
        mongo = new EmbeddedMongo(EmbeddedKafka.freePort(), null).start();
        kafka = new EmbeddedKafka(kafkaPort, controllerPort, kafkaDir).start();
        users = TestServices.start(UsersService.class,
                "spring.mongodb.uri=" + mongo.uri("users"),
                "spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "medbase.events.source=users",
                "medbase.events.relay.min-backoff=100ms",
                "medbase.events.relay.max-backoff=1s",
                // Shorter than the relay's defaults (5 s / 15 s) only to keep the outage phase of the test short.
                "spring.kafka.producer.properties.max.block.ms=2000",
                "spring.kafka.producer.properties.request.timeout.ms=2000",
                "spring.kafka.producer.properties.delivery.timeout.ms=4000");
    }

    @AfterEach
    void stopEverything() {
        if (users != null) {
            users.close();
        }
        kafka.close();
        mongo.close();
    }

    @Test
    void everyEventArrivesExactlyOnceAndInOrderAcrossABrokerOutage() {
        EventPublisher events = users.getBean(EventPublisher.class);
        OutboxStore outbox = users.getBean(OutboxStore.class);
        OutboxRelay relay = users.getBean(OutboxRelay.class);
        TestServices.Recorder recorder = users.getBean(TestServices.Recorder.class);
        List<EventEnvelope> published = new ArrayList<>();

        // 1. Kafka up: events flow.
        for (int i = 0; i < 10; i++) {
            published.add(events.publish("user_updated", "user-" + i % 3, Map.of("seq", i)));
        }
        await().atMost(GENEROUS).until(() -> recorder.ids().size() >= 10);

        // 2. Kafka down: publishing still works at once, events wait in the outbox.
        kafka.close();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> { // would take minutes if it waited for Kafka
            for (int i = 10; i < 20; i++) {
                published.add(events.publish("user_updated", "user-" + i % 3, Map.of("seq", i)));
            }
        });
        assertThat(outbox.count()).isEqualTo(10);
        // The relay sends an already delivered event a second time (as after a lease ran out).
        EventEnvelope duplicate = published.get(0);
        events.publish(duplicate);
        await().atMost(GENEROUS).until(relay::inOutage);
        assertThat(recorder.ids()).hasSize(10);

        // 3. Kafka back on the same port and directory: everything waiting is delivered.
        kafka = new EmbeddedKafka(kafkaPort, controllerPort, kafkaDir).start();
        await().atMost(GENEROUS).until(() -> outbox.count() == 0);
        await().atMost(GENEROUS).until(() -> recorder.ids().size() >= 20);
        await().atMost(GENEROUS).until(this::consumerCaughtUp);

        // The duplicate really is on the topic twice...
        long copies = TestServices.readAll(kafka.bootstrapServers(), TOPIC).stream()
                .filter(r -> duplicate.id().equals(header(r, EventCodec.HEADER_ID))).count();
        assertThat(copies).isEqualTo(2);
        // ...yet the handler saw every event exactly once, with its content, in publish order per aggregate.
        assertThat(recorder.ids()).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(published.stream().map(EventEnvelope::id).toList());
        assertThat(byAggregate(recorder.events)).isEqualTo(byAggregate(published));
        assertThat(recorder.events).contains(published.toArray(EventEnvelope[]::new));
        assertThat(relay.inOutage()).isFalse();
    }

    private static Map<String, List<String>> byAggregate(List<EventEnvelope> events) {
        synchronized (events) {
            return events.stream().collect(Collectors.groupingBy(EventEnvelope::aggregateId,
                    Collectors.mapping(EventEnvelope::id, Collectors.toList())));
        }
    }

    /** The service's consumer group has committed every partition's end offset (nothing left to deliver). */
    private boolean consumerCaughtUp() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets("users").partitionsToOffsetAndMetadata().get();
            var partitions = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions();
            Map<TopicPartition, OffsetSpec> latest = partitions.stream().collect(Collectors.toMap(
                    p -> new TopicPartition(TOPIC, p.partition()), p -> OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get();
            return ends.entrySet().stream().allMatch(e -> e.getValue().offset() == 0
                    || (committed.get(e.getKey()) != null
                    && committed.get(e.getKey()).offset() == e.getValue().offset()));
        }
    }
}
