package dev.medbase.events;

import java.time.Clock;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.TopicBuilder;

import dev.medbase.events.store.EventStore;
import dev.medbase.platform.events.EventTopics;
import dev.medbase.platform.events.EventsProperties;

/**
 * Events (/events/v1 and /dispatchers/v1, port 8086): the event store and its query API, custom events, dispatchers,
 * webhooks and the realtime stream. Consumes every service's topic (consumer group {@code events}) and publishes to
 * {@code medbase.events} (its own events and the commands of dispatchers) and {@code medbase.custom} (custom events).
 */
@SpringBootApplication
@EnableConfigurationProperties(EventServiceProperties.class)
public class EventServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(EventServiceApplication.class, args);
    }

    /** Every time the service records (creation timestamps, retries, retention) comes from here; tests move it. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Custom events are published to {@code medbase.custom}; created up front so consumers can subscribe at once. */
    @Bean
    NewTopic customEventsTopic(EventsProperties events) {
        return TopicBuilder.name(EventTopics.forSource(EventStore.CUSTOM_SOURCE))
                .partitions(events.topic().partitions()).replicas(events.topic().replicas()).build();
    }
}
