package dev.medbase.platform.testing;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.mongodb.MongoDBContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Real MongoDB (a single-node replica set, so transactions and change streams exist) and a real Kafka broker
 * (the official image, KRaft) in containers, the same images as docker-compose.yml, started on first use and shared
 * by every test of the JVM (Testcontainers' reaper removes them afterwards). For the {@code *ContainersTest} suites,
 * which are annotated {@code @Testcontainers(disabledWithoutDocker = true)}: without Docker they are skipped.
 * <pre>{@code
 * @DynamicPropertySource
 * static void infra(DynamicPropertyRegistry registry) {
 *     RealInfra.register(registry, "medbase-users");
 * }
 * }</pre>
 */
public final class RealInfra {

    /** As in docker-compose.yml (deploy's ComposeFileTest checks they agree). */
    public static final String MONGO_IMAGE = "mongo:8.0.12";
    public static final String KAFKA_IMAGE = "apache/kafka:4.1.2";

    private static MongoDBContainer mongo;
    private static KafkaContainer kafka;

    private RealInfra() {
    }

    /** A replica-set connection string to {@code database}. */
    public static synchronized String mongoUri(String database) {
        if (mongo == null) {
            MongoDBContainer container = new MongoDBContainer(DockerImageName.parse(MONGO_IMAGE));
            container.start();
            mongo = container;
        }
        return mongo.getReplicaSetUrl(database);
    }

    public static synchronized String kafkaBootstrapServers() {
        if (kafka == null) {
            KafkaContainer container = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE));
            container.start();
            kafka = container;
        }
        return kafka.getBootstrapServers();
    }

    /** {@code spring.mongodb.uri} (to {@code database}) and {@code spring.kafka.bootstrap-servers}. */
    public static void register(DynamicPropertyRegistry registry, String database) {
        registry.add("spring.mongodb.uri", () -> mongoUri(database));
        registry.add("spring.kafka.bootstrap-servers", RealInfra::kafkaBootstrapServers);
    }
}
