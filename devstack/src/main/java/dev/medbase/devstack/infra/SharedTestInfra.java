package dev.medbase.devstack.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

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
            Path dir;
            try {
                dir = Files.createTempDirectory("medbase-test-kafka");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            kafka = new EmbeddedKafka(EmbeddedKafka.freePort(), dir).start();
            EmbeddedKafka started = kafka;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.close();
                deleteTree(dir); // else every test JVM leaves its broker's log directory in the temp folder
            }, "test-kafka-stop"));
        }
        return kafka.bootstrapServers();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temp directory is harmless
        }
    }
}
