package dev.medbase.devstack.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One in-memory MongoDB-wire server and one Kafka broker per test JVM, started on first use and stopped when the JVM
 * exits, so that every Spring context of a module's tests talks to real infrastructure without paying for it twice:
 * <pre>{@code
 * @DynamicPropertySource
 * static void infra(DynamicPropertyRegistry registry) {
 *     registry.add("spring.mongodb.uri", () -> SharedTestInfra.mongoUri("medbase-users"));
 *     registry.add("spring.kafka.bootstrap-servers", SharedTestInfra::kafkaBootstrapServers);
 * }
 * }</pre>
 * Use a database name per test class when tests must not see each other's data.
 */
public final class SharedTestInfra {

    private static EmbeddedMongo mongo;
    private static EmbeddedKafka kafka;

    private SharedTestInfra() {
    }

    public static synchronized String mongoUri(String database) {
        if (mongo == null) {
            mongo = new EmbeddedMongo(EmbeddedKafka.freePort(), null).start();
            Runtime.getRuntime().addShutdownHook(new Thread(mongo::close, "test-mongo-stop"));
        }
        return mongo.uri(database);
    }

    public static synchronized String kafkaBootstrapServers() {
        if (kafka == null) {
            try {
                Path dir = Files.createTempDirectory("medbase-test-kafka");
                kafka = new EmbeddedKafka(EmbeddedKafka.freePort(), dir).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "test-kafka-stop"));
        }
        return kafka.bootstrapServers();
    }
}
