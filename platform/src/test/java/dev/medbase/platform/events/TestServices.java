package dev.medbase.platform.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
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

    /** Every record {@code topic} holds now (read without a consumer group, so it is quick to call repeatedly). */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic) {
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

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
