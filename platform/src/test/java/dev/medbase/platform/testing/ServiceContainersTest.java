package dev.medbase.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.medbase.platform.events.EventEnvelope;
import dev.medbase.platform.events.EventHandler;
import dev.medbase.platform.events.EventPublisher;
import dev.medbase.platform.events.EventTopics;
import dev.medbase.platform.mongo.MongoTransactions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * What every service must do on real infrastructure (MongoDB 8 as a replica set, Kafka from the official image), as
 * docker compose and Kubernetes run it: start (creating its collections and indexes on a real server), answer its
 * health checks, get real transactions, publish its events to {@code medbase.<source>} through the outbox, and join
 * the consumer group of every topic its handlers read. A service's suite extends this:
 * <pre>{@code
 * @Testcontainers(disabledWithoutDocker = true)
 * @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
 * class UserServiceContainersTest extends ServiceContainersTest {
 *     @DynamicPropertySource
 *     static void infra(DynamicPropertyRegistry registry) {
 *         RealInfra.register(registry, "medbase-users");
 *         registry.add("medbase.security.jwks-uri", TestTokens::jwksUri);
 *     }
 * }
 * }</pre>
 * and may add tests of its own repositories and flows. Without Docker the suite is skipped.
 */
public abstract class ServiceContainersTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @LocalServerPort
    protected int port;
    @Autowired
    protected MongoTemplate mongo;
    @Autowired
    protected ApplicationContext context;
    @Value("${medbase.service.prefix}")
    protected String prefix;
    @Value("${medbase.events.source}")
    protected String source;
    @Value("${spring.kafka.bootstrap-servers}")
    protected String bootstrapServers;

    protected final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void answersItsHealthChecks() throws Exception {
        assertThat(get(prefix + "/health").statusCode()).isEqualTo(200);
        HttpResponse<String> actuator = get("/actuator/health");
        assertThat(actuator.statusCode()).as(actuator.body()).isEqualTo(200);
        assertThat(actuator.body()).contains("\"UP\"");
    }

    @Test
    void hasRealTransactions() {
        assertThat(context.getBean(MongoTransactions.class).supported()).isTrue();
    }

    @Test
    void createdItsIndexesOnARealServer() {
        // the outbox's, at least; a service's own index definitions that MongoDB refuses would have failed start-up
        assertThat(mongo.indexOps("outbox").getIndexInfo()).extracting(i -> i.getName())
                .contains("outbox_order", "outbox_aggregate");
    }

    @Test
    void publishesItsEventsToItsTopic() {
        String aggregate = "containers-" + new ObjectId().toHexString();
        EventEnvelope event = context.getBean(EventPublisher.class)
                .publish("containers_test", aggregate, Map.of("id", aggregate));
        String topic = EventTopics.forSource(source);
        Awaitility.await().atMost(PATIENCE).untilAsserted(() -> assertThat(readAll(topic))
                .anySatisfy(r -> {
                    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(aggregate);
                    assertThat(new String(r.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8))
                            .isEqualTo(event.id());
                }));
    }

    @Test
    void consumesTheTopicsItsHandlersRead() {
        Set<String> topics = new TreeSet<>();
        context.getBeansOfType(EventHandler.class).values().forEach(h -> topics.addAll(h.topics()));
        if (topics.isEmpty()) {
            return; // a service without handlers consumes nothing
        }
        String group = context.getEnvironment().getProperty("medbase.events.consumer-group", source);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Awaitility.await().atMost(PATIENCE).untilAsserted(() -> {
                ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group))
                        .describedGroups().get(group).get();
                Set<String> assigned = new TreeSet<>();
                for (MemberDescription member : description.members()) {
                    member.assignment().topicPartitions().forEach(p -> assigned.add(p.topic()));
                }
                assertThat(assigned).as("topics assigned to consumer group %s", group).containsAll(topics);
            });
        }
    }

    protected HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Every record {@code topic} holds now, read without a consumer group. */
    protected List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }
}
