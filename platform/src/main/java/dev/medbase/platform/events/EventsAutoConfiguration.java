package dev.medbase.platform.events;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Events for a service that sets {@code medbase.events.source}: an {@link EventPublisher} writing to the outbox, the
 * {@link OutboxRelay} sending it to Kafka, the service's topic, and, if the service declares {@link EventHandler}
 * beans, one idempotent consumer for them with dead-letter topics. Kafka settings (bootstrap servers, security) come
 * from Boot's {@code spring.kafka.*}; the relay forces {@code acks=all} and idempotence and bounds blocking.
 */
@AutoConfiguration(after = {KafkaAutoConfiguration.class, DataMongoAutoConfiguration.class,
        JacksonAutoConfiguration.class})
@ConditionalOnClass({KafkaTemplate.class, MongoTemplate.class})
@ConditionalOnProperty(prefix = "medbase.events", name = "source")
@EnableConfigurationProperties(EventsProperties.class)
public class EventsAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EventsAutoConfiguration.class);

    /** Relay producer defaults, so a down broker blocks the relay for seconds, not minutes. */
    static final Map<String, Object> RELAY_PRODUCER_DEFAULTS = Map.of(
            ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);

    @Bean
    @ConditionalOnMissingBean
    EventCodec medbaseEventCodec(ObjectProvider<JsonMapper> mapper) {
        return new EventCodec(mapper.getIfAvailable(() -> JsonMapper.builder().build()));
    }

    @Bean
    OutboxStore medbaseOutboxStore(MongoTemplate mongo) {
        return new OutboxStore(mongo);
    }

    @Bean
    @ConditionalOnProperty(prefix = "medbase.events.relay", name = "enabled", matchIfMissing = true)
    OutboxRelay medbaseOutboxRelay(OutboxStore outbox, EventCodec codec, ProducerFactory<?, ?> bootProducers,
                                   EventsProperties properties) {
        EventsProperties.Relay relay = properties.relay();
        Map<String, Object> config = relayProducerConfig(bootProducers.getConfigurationProperties());
        Duration sendBound = Duration.ofMillis(millis(config, ProducerConfig.MAX_BLOCK_MS_CONFIG)
                + millis(config, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
        if (relay.lease().compareTo(sendBound) <= 0) {
            log.warn("medbase.events.relay.lease ({}) should exceed max.block.ms + delivery.timeout.ms ({}), or "
                    + "replicas will send the same events twice", relay.lease(), sendBound);
        }
        return new OutboxRelay(outbox, codec, producerFactory(config, new StringSerializer()),
                new OutboxRelay.Settings(relay.batchSize(), relay.pollInterval(), relay.lease(), relay.minBackoff(),
                        relay.maxBackoff(), relay.linger()),
                Clock.systemUTC());
    }

    @Bean
    @ConditionalOnMissingBean
    EventPublisher eventPublisher(OutboxStore outbox, EventCodec codec, ObjectProvider<OutboxRelay> relay,
                                  EventsProperties properties) {
        OutboxRelay r = relay.getIfAvailable();
        return new EventPublisher(outbox, codec, properties.source(), r == null ? record -> { } : r);
    }

    /** The topic this service publishes to, created up front so consumers can subscribe before the first event. */
    @Bean
    NewTopic medbaseEventsTopic(EventsProperties properties) {
        return topic(EventTopics.forSource(properties.source()), properties.topic());
    }

    static Map<String, Object> relayProducerConfig(Map<String, Object> boot) {
        Map<String, Object> config = new HashMap<>(boot);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.remove(ProducerConfig.RETRIES_CONFIG); // idempotence needs retries; delivery.timeout.ms bounds them
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        RELAY_PRODUCER_DEFAULTS.forEach(config::putIfAbsent);
        return config;
    }

    private static <T> ProducerFactory<T, T> producerFactory(Map<String, Object> config, Serializer<T> serializer) {
        DefaultKafkaProducerFactory<T, T> factory = new DefaultKafkaProducerFactory<>(config, serializer, serializer);
        factory.setPhysicalCloseTimeout(5);
        return factory;
    }

    private static long millis(Map<String, Object> config, String key) {
        return Long.parseLong(String.valueOf(config.get(key)));
    }

    private static NewTopic topic(String name, EventsProperties.Topic settings) {
        return TopicBuilder.name(name).partitions(settings.partitions()).replicas(settings.replicas()).build();
    }

    /** The idempotent consumer, when the service has handlers. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(EventHandler.class)
    static class ConsumerConfiguration {

        @Bean
        ProcessedEvents medbaseProcessedEvents(MongoTemplate mongo, EventsProperties properties) {
            ProcessedEvents processed =
                    new ProcessedEvents(mongo, properties.consumer().dedupeRetention(), Clock.systemUTC());
            processed.ensureIndexes();
            return processed;
        }

        @Bean
        EventDispatcher medbaseEventDispatcher(EventCodec codec, ProcessedEvents processed,
                                               List<EventHandler> handlers) {
            return new EventDispatcher(codec, processed, handlers);
        }

        @Bean
        EventConsumer medbaseEventConsumer(ConsumerFactory<?, ?> bootConsumers, ProducerFactory<?, ?> bootProducers,
                                           EventDispatcher dispatcher, EventsProperties properties) {
            Map<String, Object> consumerConfig = new HashMap<>(bootConsumers.getConfigurationProperties());
            // A service that starts for the first time reads what its topics retain, rather than only what comes next.
            consumerConfig.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            var consumers = new DefaultKafkaConsumerFactory<>(consumerConfig, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            var deadLetters = producerFactory(relayProducerConfig(bootProducers.getConfigurationProperties()),
                    new ByteArraySerializer());
            EventsProperties.Consumer consumer = properties.consumer();
            return new EventConsumer(consumers, deadLetters, dispatcher, new EventConsumer.Settings(
                    properties.group(), consumer.concurrency(), consumer.retries(), consumer.retryBackoff()));
        }

        /** Dead-letter topics of what the service consumes. */
        @Bean
        KafkaAdmin.NewTopics medbaseDeadLetterTopics(EventDispatcher dispatcher, EventsProperties properties) {
            Set<String> names = new LinkedHashSet<>();
            dispatcher.topics().forEach(t -> names.add(EventTopics.deadLetter(t)));
            return new KafkaAdmin.NewTopics(names.stream().map(n -> topic(n, properties.topic()))
                    .toArray(NewTopic[]::new));
        }
    }
}
