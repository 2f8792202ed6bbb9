package dev.medbase.platform.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerAwareRecordRecoverer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;

/**
 * The service's one Kafka consumer for its {@link EventHandler}s: a spring-kafka batch listener container in the
 * service's consumer group (the {@link EventDispatcher} gets each poll whole), with a {@link DefaultErrorHandler}
 * that, given the first failed record of a batch, commits the records before it, retries it with exponential backoff
 * and then publishes it to {@code <topic>.DLT} ({@link DeadLetterPublishingRecoverer}; poison records go there at
 * once). The offset is committed only after that publish succeeded, so a partition never stops silently and nothing is
 * skipped.
 */
final class EventConsumer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventConsumer.class);

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
        ConsumerAwareRecordRecoverer parkAndTell = (record, consumer, e) -> {
            Exception reason = withoutBatchWrapper(e, settings.group());
            recoverer.accept(record, consumer, reason); // throws if the DLT can't be written: the record is retried
            log.warn("Parked {}-{}@{} (event {}) on {}: {}", record.topic(), record.partition(), record.offset(),
                    eventId(record), EventTopics.deadLetter(record.topic()),
                    reason.getCause() == null ? reason.getMessage() : reason.getCause().getMessage());
        };
        DefaultErrorHandler handler = new DefaultErrorHandler(parkAndTell, backOff);
        handler.addNotRetryableExceptions(PoisonEventException.class);
        return handler;
    }

    /**
     * The listener names the failed record of a batch with a {@link BatchListenerFailedException}; the DLT headers
     * ({@code kafka_dlt-exception-cause-fqcn}, {@code -message}) should name what went wrong, not that wrapper.
     */
    static Exception withoutBatchWrapper(Exception e, String group) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BatchListenerFailedException failed && failed.getCause() != null) {
                return new ListenerExecutionFailedException(failed.getCause().getMessage(), group,
                        failed.getCause());
            }
        }
        return e;
    }

    private static String eventId(ConsumerRecord<?, ?> record) {
        Header id = record.headers().lastHeader(EventCodec.HEADER_ID);
        return id == null ? "without id" : new String(id.value(), StandardCharsets.UTF_8);
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
