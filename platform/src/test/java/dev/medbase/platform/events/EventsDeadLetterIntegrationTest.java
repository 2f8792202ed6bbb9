package dev.medbase.platform.events;

import static dev.medbase.platform.events.TestServices.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.medbase.devstack.infra.EmbeddedKafka;
import dev.medbase.devstack.infra.EmbeddedMongo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.mock.MockProducerFactory;
import tools.jackson.databind.json.JsonMapper;

/** What a consumer can't handle ends on {@code <topic>.DLT}, and the partition moves on. */
class EventsDeadLetterIntegrationTest {

    private static final String TOPIC = "medbase.data";
    private static final String DLT = "medbase.data.DLT";
    private static final Duration GENEROUS = Duration.ofSeconds(60);

    @TempDir
    static Path kafkaDir;

    static EmbeddedKafka kafka;
    static EmbeddedMongo mongo;
    static ConfigurableApplicationContext data;

    @Configuration(proxyBeanMethods = false)
    static class DataService {
        @Bean
        TestServices.Recorder recorder() {
            return new TestServices.Recorder();
        }

        @Bean
        AtomicInteger boomAttempts() {
            return new AtomicInteger();
        }

        /** Declared first, so it runs before the failing handler on the same record. */
        @Bean
        EventHandler recorderHandler(TestServices.Recorder recorder) {
            return EventHandler.of("recorder", List.of(TOPIC), recorder::record);
        }

        @Bean
        EventHandler alwaysFails(AtomicInteger boomAttempts) {
            return new EventHandler() {
                @Override
                public List<String> topics() {
                    return List.of(TOPIC);
                }

                @Override
                public List<String> types() {
                    return List.of("boom");
                }

                @Override
                public void handle(EventEnvelope event) {
                    boomAttempts.incrementAndGet();
                    throw new IllegalStateException("the mail server is on fire");
                }
            };
        }
    }

    @BeforeAll
    static void start() {
        mongo = new EmbeddedMongo(EmbeddedKafka.freePort(), null).start();
        kafka = new EmbeddedKafka(EmbeddedKafka.freePort(), EmbeddedKafka.freePort(), kafkaDir).start();
        data = TestServices.start(DataService.class,
                "spring.mongodb.uri=" + mongo.uri("data"),
                "spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "medbase.events.source=data",
                "medbase.events.consumer.retries=2",
                "medbase.events.consumer.retry-backoff=50ms");
    }

    @AfterAll
    static void stop() {
        data.close();
        kafka.close();
        mongo.close();
    }

    @Test
    void aHandlerThatKeepsFailingIsRetriedThenItsRecordIsParkedOnTheDeadLetterTopic() {
        EventPublisher events = data.getBean(EventPublisher.class);
        TestServices.Recorder recorder = data.getBean(TestServices.Recorder.class);
        AtomicInteger attempts = data.getBean("boomAttempts", AtomicInteger.class);

        EventEnvelope boom = events.publish("boom", "doc-1", Map.of("why", "test"));
        EventEnvelope after = events.publish("document_updated", "doc-1", Map.of());

        ConsumerRecord<byte[], byte[]> parked = awaitDeadLetter(boom.id());
        assertThat(header(parked, "kafka_dlt-original-topic")).isEqualTo(TOPIC);
        assertThat(header(parked, "kafka_dlt-original-consumer-group")).isEqualTo("data");
        assertThat(header(parked, "kafka_dlt-exception-cause-fqcn"))
                .isEqualTo(EventDispatcher.EventHandlingException.class.getName());
        assertThat(header(parked, "kafka_dlt-exception-message"))
                .contains("DataService$1 failed on event " + boom.id(), "the mail server is on fire");
        assertThat(header(parked, EventCodec.HEADER_TYPE)).isEqualTo("boom");
        assertThat(new String(parked.value(), StandardCharsets.UTF_8)).isEqualTo("{\"why\":\"test\"}");
        assertThat(attempts).as("first try + 2 retries").hasValue(3);

        // The partition moved on, and the handler that succeeded on the first try did not run again on the retries.
        await().atMost(GENEROUS).until(() -> recorder.ids().contains(after.id()));
        assertThat(recorder.ids()).containsOnlyOnce(boom.id());
    }

    @Test
    void recordsThatAreNotEventsGoStraightToTheDeadLetterTopic() throws Exception {
        TestServices.Recorder recorder = data.getBean(TestServices.Recorder.class);
        ProducerRecord<String, String> notJson = new EventCodec(JsonMapper.builder().build())
                .toRecord(new EventEnvelope("65b0c0ffee0000000000beef", "document_created", "data", Instant.now(),
                        "doc-2", Map.of()));
        notJson = new ProducerRecord<>(TOPIC, null, "doc-2", "{not json", notJson.headers());
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(notJson).get();
            producer.send(new ProducerRecord<>(TOPIC, "doc-2", "hello, no headers")).get();
        }
        EventEnvelope after = data.getBean(EventPublisher.class).publish("document_created", "doc-2", Map.of());

        ConsumerRecord<byte[], byte[]> parked = awaitDeadLetter("65b0c0ffee0000000000beef");
        assertThat(header(parked, "kafka_dlt-exception-cause-fqcn")).isEqualTo(PoisonEventException.class.getName());
        await().atMost(GENEROUS).until(() -> readDeadLetters().stream()
                .anyMatch(r -> "hello, no headers".equals(new String(r.value(), StandardCharsets.UTF_8))));
        await().atMost(GENEROUS).until(() -> recorder.ids().contains(after.id()));
        assertThat(recorder.ids()).doesNotContain("65b0c0ffee0000000000beef");
    }

    @Test
    void poisonIsNotRetriedButHandlerFailuresAre() {
        DefaultErrorHandler handler = EventConsumer.errorHandler(
                new KafkaTemplate<>(new MockProducerFactory<byte[], byte[]>(() -> null)),
                new EventConsumer.Settings("g", 1, 3, Duration.ofMillis(100)));

        assertThat(handler.removeClassification(PoisonEventException.class)).isFalse();
        assertThat(handler.removeClassification(EventDispatcher.EventHandlingException.class)).isNull(); // default: retry
    }

    private static ConsumerRecord<byte[], byte[]> awaitDeadLetter(String eventId) {
        return await().atMost(GENEROUS).until(() -> readDeadLetters().stream()
                        .filter(r -> eventId.equals(header(r, EventCodec.HEADER_ID))).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
    }

    private static List<ConsumerRecord<byte[], byte[]>> readDeadLetters() {
        return TestServices.readAll(kafka.bootstrapServers(), DLT);
    }
}
