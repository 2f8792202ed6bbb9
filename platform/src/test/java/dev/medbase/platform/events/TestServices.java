package dev.medbase.platform.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/** Starts a minimal Boot service with events (only the auto-configurations events need) and reads topics raw. */
final class TestServices {

    private TestServices() {
    }

    /** Deliberately not {@code @SpringBootConfiguration}: other packages' {@code @SpringBootTest}s must not find it. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({JacksonAutoConfiguration.class, MongoAutoConfiguration.class,
            DataMongoAutoConfiguration.class, KafkaAutoConfiguration.class, EventsAutoConfiguration.class})
    static class EventsOnly {
    }

    static ConfigurableApplicationContext start(Class<?> service, String... properties) {
        return new SpringApplicationBuilder(EventsOnly.class, service)
                .web(WebApplicationType.NONE)
                .properties(properties)
                .run();
    }

    /** Events recorded by a handler, in arrival order. */
    static final class Recorder {
        final List<EventEnvelope> events = Collections.synchronizedList(new ArrayList<>());

        void record(EventEnvelope event) {
            events.add(event);
        }

        List<String> ids() {
            synchronized (events) {
                return events.stream().map(EventEnvelope::id).toList();
            }
        }
    }

    /** Every record of {@code topic} from the beginning, read by a throwaway consumer group. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic, int atLeast,
                                                       Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < atLeast && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
