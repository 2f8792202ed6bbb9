package dev.medbase.platform.events;

import java.time.Duration;

import org.apache.kafka.common.TopicPartition;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;

/**
 * The service's one Kafka consumer for its {@link EventHandler}s: a spring-kafka listener container in the service's
 * consumer group, with a {@link DefaultErrorHandler} that retries a failing record with exponential backoff and then
 * publishes it to {@code <topic>.DLT} ({@link DeadLetterPublishingRecoverer}; poison records go there at once). The
 * offset is committed only after that publish succeeded, so a partition never stops silently and nothing is skipped.
 */
final class EventConsumer implements SmartLifecycle {

    record Settings(String group, int concurrency, int retries, Duration retryBackoff) {
    }

    private final ConcurrentMessageListenerContainer<byte[], byte[]> container;
    private final ProducerFactory<byte[], byte[]> deadLetterProducers;

    EventConsumer(ConsumerFactory<byte[], byte[]> consumers, ProducerFactory<byte[], byte[]> deadLetterProducers,
                  EventDispatcher dispatcher, Settings settings) {
        this.deadLetterProducers = deadLetterProducers;
        ContainerProperties properties = new ContainerProperties(dispatcher.topics().toArray(String[]::new));
        properties.setGroupId(settings.group());
        properties.setClientId(settings.group() + "-events");
        properties.setMessageListener(dispatcher);
        container = new ConcurrentMessageListenerContainer<>(consumers, properties);
        container.setBeanName("medbase-events-" + settings.group());
        container.setConcurrency(settings.concurrency());
        container.setCommonErrorHandler(errorHandler(new KafkaTemplate<>(deadLetterProducers), settings));
    }

    static DefaultErrorHandler errorHandler(KafkaTemplate<byte[], byte[]> deadLetters, Settings settings) {
        // Partition -1: let the producer pick, so a DLT may have fewer partitions than its topic.
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(deadLetters,
                (record, e) -> new TopicPartition(EventTopics.deadLetter(record.topic()), -1));
        ExponentialBackOffWithMaxRetries backOff = new ExponentialBackOffWithMaxRetries(settings.retries());
        backOff.setInitialInterval(settings.retryBackoff().toMillis());
        backOff.setMultiplier(2);
        backOff.setMaxInterval(Math.max(settings.retryBackoff().toMillis(), Duration.ofSeconds(30).toMillis()));
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, backOff);
        handler.addNotRetryableExceptions(PoisonEventException.class);
        return handler;
    }

    @Override
    public void start() {
        container.start();
    }

    @Override
    public void stop() {
        container.stop();
        deadLetterProducers.reset();
    }

    @Override
    public boolean isRunning() {
        return container.isRunning();
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100; // like spring-kafka's own containers: stop before the things handlers use
    }
}
