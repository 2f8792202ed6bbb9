package dev.medbase.platform.events;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code medbase.events.*}. Only {@code source} is required; everything else has a default that suits the devstack.
 *
 * @param source        this service's name as an event source, e.g. {@code users}: it publishes to
 *                      {@code medbase.users}. Events are off (no publisher, relay or consumer) until it is set.
 * @param consumerGroup Kafka consumer group of the service's handlers; defaults to {@code source}
 * @param relay         the outbox relay
 * @param consumer      consumption of other services' events
 * @param topic         how the service's own topic (and the DLTs of what it consumes) are created
 */
@ConfigurationProperties("medbase.events")
public record EventsProperties(
        String source,
        String consumerGroup,
        @DefaultValue Relay relay,
        @DefaultValue Consumer consumer,
        @DefaultValue Topic topic) {

    public EventsProperties {
        if (source != null && !source.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("medbase.events.source must be a valid topic name part: " + source);
        }
    }

    /** The consumer group: {@code consumer-group} if set, else the source. */
    public String group() {
        return consumerGroup == null || consumerGroup.isBlank() ? source : consumerGroup;
    }

    /**
     * @param enabled      run the relay in this process (turn off only in tests that inspect the outbox)
     * @param pollInterval how often the relay claims from the outbox what it did not take itself (other replicas'
     *                     events, expired leases, events given back)
     * @param batchSize    events claimed per pass
     * @param lease        how long a claim holds an event; must outlast a send ({@code max.block.ms} +
     *                     {@code delivery.timeout.ms}), after that another replica may send it again
     * @param minBackoff   first pause after a failed pass; doubles up to {@code maxBackoff}
     * @param maxBackoff   longest pause between tries while Kafka is down
     * @param linger       how long a woken relay waits for more events before its pass: a busy service then sends
     *                     its events in fewer, larger passes (each pass costs a few database round trips)
     */
    public record Relay(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("1s") Duration pollInterval,
            @DefaultValue("100") int batchSize,
            @DefaultValue("30s") Duration lease,
            @DefaultValue("200ms") Duration minBackoff,
            @DefaultValue("10s") Duration maxBackoff,
            @DefaultValue("5ms") Duration linger) {
    }

    /**
     * @param retries         retries of a failing handler before the record goes to the DLT
     * @param retryBackoff    first pause between retries; doubles each time
     * @param concurrency     consumer threads (at most the partition count is useful)
     * @param dedupeRetention how long processed event ids are remembered
     */
    public record Consumer(
            @DefaultValue("3") int retries,
            @DefaultValue("500ms") Duration retryBackoff,
            @DefaultValue("1") int concurrency,
            @DefaultValue("7d") Duration dedupeRetention) {
    }

    /**
     * @param partitions partitions of created topics
     * @param replicas   replication factor of created topics (1 for the devstack's single broker)
     */
    public record Topic(
            @DefaultValue("3") int partitions,
            @DefaultValue("1") short replicas) {
    }
}
