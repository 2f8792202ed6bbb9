package dev.medbase.events;

import dev.medbase.platform.testing.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.types.ObjectId;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.medbase.devstack.infra.SharedTestInfra;
import dev.medbase.platform.events.EventCodec;
import dev.medbase.platform.events.EventEnvelope;

/**
 * The one event-service context most tests share (same configuration, so Spring builds it once): real MongoDB-wire
 * server and Kafka broker of the test JVM, tokens signed by {@link TestTokens}, a {@link MutableClock}, webhooks
 * allowed to reach this machine over HTTP. Tests keep out of each other's way with their own event types and ids.
 */
@SpringBootTest(classes = EventServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "medbase.events.consumer-group=events-test",
                "medbase.events.webhooks.allow-private-targets=true",
                "medbase.events.webhooks.allow-http=true",
                "medbase.events.webhooks.poll-interval=50ms",
                "medbase.events.webhooks.connect-timeout=2s",
                "medbase.events.webhooks.response-timeout=5s",
                "medbase.events.webhooks.lease=30s",
                "medbase.events.webhooks.max-attempts=3",
                "medbase.events.stream.poll-interval=50ms",
                "medbase.events.relay.poll-interval=200ms",
        })
@Import(EventServiceTest.TestClock.class)
public abstract class EventServiceTest {

    public static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    protected static final JsonMapper JSON = JsonMapper.builder().build();
    protected static final Duration GENEROUS = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestConfiguration(proxyBeanMethods = false)
    static class TestClock {
        @Bean
        @Primary
        Clock testClock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void infra(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> SharedTestInfra.mongoUri("medbase-events-test"));
        registry.add("spring.kafka.bootstrap-servers", SharedTestInfra::kafkaBootstrapServers);
        registry.add("medbase.security.jwks-uri", TestTokens::jwksUri);
    }

    @LocalServerPort
    protected int port;

    @Autowired
    protected MongoTemplate mongo;

    /** A status and a parsed JSON body (null when the body is empty or not JSON). */
    public record Response(int status, JsonNode body, String raw, HttpResponse<String> http) {
        public Response assertError(int expectedStatus, int code) {
            assertThat(status).as(raw).isEqualTo(expectedStatus);
            assertThat(body).as(raw).isNotNull();
            assertThat(body.path("code").asInt()).as(raw).isEqualTo(code);
            assertThat(body.path("name").isString()).as(raw).isTrue();
            assertThat(body.path("message").isString()).as(raw).isTrue();
            return this;
        }

        public Response assertOk() {
            assertThat(status).as(raw).isEqualTo(200);
            return this;
        }
    }

    protected Response get(String path, String token) {
        return send("GET", path, token, null, "application/json");
    }

    protected Response post(String path, String token, Object body) {
        return send("POST", path, token, body, "application/json");
    }

    protected Response put(String path, String token, Object body) {
        return send("PUT", path, token, body, "application/json");
    }

    protected Response delete(String path, String token) {
        return send("DELETE", path, token, null, "application/json");
    }

    /** {@code body}: a String is sent as is, anything else as JSON, null as no body. */
    protected Response send(String method, String path, String token, Object body, String contentType) {
        String text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, text == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(text));
        if (text != null && contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = response.body().isEmpty() ? null : JSON.readTree(response.body());
            } catch (RuntimeException notJson) {
                // left null
            }
            return new Response(response.statusCode(), json, response.body(), response);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        }
    }

    /** A unique event type for one test. */
    protected static String uniqueType(String name) {
        return name + "_" + new ObjectId().toHexString().substring(16);
    }

    /** An event as another service publishes it, sent straight to its topic (as the outbox relay would). */
    protected static void sendToKafka(EventEnvelope... events) {
        EventCodec codec = new EventCodec(JSON);
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedTestInfra.kafkaBootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            for (EventEnvelope event : events) {
                producer.send(codec.toRecord(event)).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An event of another service, timed by the test clock. */
    protected static EventEnvelope event(String type, String source, Map<String, Object> content) {
        String id = new ObjectId().toHexString();
        return new EventEnvelope(id, type, source, CLOCK.instant().truncatedTo(ChronoUnit.MILLIS), id, content);
    }

    /** Reads a topic from the start until {@code enough} holds for what matched {@code wanted}. */
    protected static List<EventEnvelope> readTopic(String topic, Predicate<EventEnvelope> wanted,
                                                   Predicate<List<EventEnvelope>> enough) {
        EventCodec codec = new EventCodec(JSON);
        List<EventEnvelope> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedTestInfra.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + new ObjectId(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + GENEROUS.toNanos();
            while (!enough.test(found)) {
                assertThat(System.nanoTime()).as("reading %s", topic).isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    EventEnvelope event = codec.fromRecord(record);
                    if (wanted.test(event)) {
                        found.add(event);
                    }
                }
            }
            // and nothing more than that arrives soon after
            consumer.poll(Duration.ofMillis(500)).forEach(record -> {
                EventEnvelope event = codec.fromRecord(record);
                if (wanted.test(event)) {
                    found.add(event);
                }
            });
        }
        return found;
    }
}
