package dev.medbase.platform.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.util.ReflectionTestUtils;

class EventsAutoConfigurationTest {

    static TestMongo mongo;

    @BeforeAll
    static void startMongo() {
        mongo = TestMongo.start("autoconfig-test");
    }

    @AfterAll
    static void stopMongo() {
        mongo.close();
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, MongoAutoConfiguration.class,
                        DataMongoAutoConfiguration.class, KafkaAutoConfiguration.class, EventsAutoConfiguration.class))
                .withPropertyValues(
                        "spring.mongodb.uri=" + mongo.server.uri("autoconfig-test"),
                        "spring.kafka.bootstrap-servers=127.0.0.1:1", // nobody there: nothing may need the broker
                        "spring.kafka.admin.auto-create=false",
                        "medbase.events.relay.enabled=false");
    }

    @Test
    void isRegisteredAsAnAutoConfiguration() {
        List<String> candidates = ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
                .getCandidates();
        assertThat(candidates).contains(EventsAutoConfiguration.class.getName());
    }

    @Test
    void staysOffUntilTheServiceNamesItsSource() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(EventPublisher.class);
            assertThat(context).doesNotHaveBean(OutboxRelay.class);
            assertThat(context).doesNotHaveBean(EventsProperties.class);
        });
    }

    @Test
    void withASourceGivesAPublisherARelayAndTheServiceTopic() {
        runner().withPropertyValues("medbase.events.source=users", "medbase.events.relay.enabled=true").run(context -> {
            assertThat(context).hasSingleBean(EventPublisher.class);
            assertThat(context).hasSingleBean(OutboxRelay.class);
            assertThat(context).doesNotHaveBean(EventConsumer.class);
            assertThat(context.getBean(OutboxRelay.class).isRunning()).isTrue();
            NewTopic topic = context.getBean("medbaseEventsTopic", NewTopic.class);
            assertThat(topic.name()).isEqualTo("medbase.users");
            assertThat(topic.numPartitions()).isEqualTo(3);
            assertThat(topic.replicationFactor()).isEqualTo((short) 1);
            // Boot's own Kafka beans are untouched (no second ProducerFactory to confuse them).
            assertThat(context).hasSingleBean(KafkaTemplate.class);
        });
    }

    @Test
    void bindsDefaultsAndOverrides() {
        runner().withPropertyValues("medbase.events.source=users").run(context -> {
            EventsProperties p = context.getBean(EventsProperties.class);
            assertThat(p.group()).isEqualTo("users");
            assertThat(p.relay().pollInterval()).isEqualTo(Duration.ofSeconds(1));
            assertThat(p.relay().batchSize()).isEqualTo(100);
            assertThat(p.relay().lease()).isEqualTo(Duration.ofSeconds(30));
            assertThat(p.consumer().retries()).isEqualTo(3);
            assertThat(p.consumer().dedupeRetention()).isEqualTo(Duration.ofDays(7));
        });
        runner().withPropertyValues("medbase.events.source=data", "medbase.events.consumer-group=data-workers",
                "medbase.events.topic.partitions=6", "medbase.events.consumer.dedupe-retention=2d").run(context -> {
            EventsProperties p = context.getBean(EventsProperties.class);
            assertThat(p.group()).isEqualTo("data-workers");
            assertThat(p.consumer().dedupeRetention()).isEqualTo(Duration.ofDays(2));
            assertThat(context.getBean("medbaseEventsTopic", NewTopic.class).numPartitions()).isEqualTo(6);
        });
    }

    @Test
    void refusesASourceThatCannotNameATopic() {
        runner().withPropertyValues("medbase.events.source=my users").run(context ->
                assertThat(context).hasFailed());
    }

    @Test
    void handlersGetAConsumerADedupeStoreAndDeadLetterTopics() {
        runner().withPropertyValues("medbase.events.source=mail")
                .withBean("welcome", EventHandler.class,
                        () -> EventHandler.of("welcome", List.of("medbase.users", "medbase.auth"), e -> { }))
                .run(context -> {
                    assertThat(context).hasSingleBean(EventConsumer.class);
                    assertThat(context).hasSingleBean(ProcessedEvents.class);
                    KafkaAdmin.NewTopics dlts = context.getBean(KafkaAdmin.NewTopics.class);
                    Collection<NewTopic> topics = ReflectionTestUtils.invokeMethod(dlts, "getNewTopics");
                    assertThat(topics).extracting(NewTopic::name)
                            .containsExactlyInAnyOrder("medbase.users.DLT", "medbase.auth.DLT");
                    assertThat(context.getBean(MongoTemplate.class).indexOps(ProcessedEvents.COLLECTION)
                            .getIndexInfo()).extracting(i -> i.getName())
                            .contains(ProcessedEvents.UNIQUE_INDEX, ProcessedEvents.TTL_INDEX);
                });
    }

    @Test
    void twoHandlersMayNotShareAName() {
        runner().withPropertyValues("medbase.events.source=mail")
                .withBean("a", EventHandler.class, () -> EventHandler.of("same", List.of("medbase.users"), e -> { }))
                .withBean("b", EventHandler.class, () -> EventHandler.of("same", List.of("medbase.auth"), e -> { }))
                .run(context -> assertThat(context).hasFailed());
    }

    @Test
    void theRelayProducerAlwaysWaitsForAllReplicasAndIsIdempotentWithBoundedBlocking() {
        Map<String, Object> config = EventsAutoConfiguration.relayProducerConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.RETRIES_CONFIG, 0,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000,
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092"));

        assertThat(config).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000) // the service's choice is kept
                .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000)
                .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000)
                .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092")
                .doesNotContainKey(ProducerConfig.RETRIES_CONFIG);
        assertThat(Arrays.asList(ProducerConfig.configNames().toArray()))
                .as("keys are real producer settings").containsAll(config.keySet());
    }
}
