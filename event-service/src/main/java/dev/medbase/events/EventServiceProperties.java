package dev.medbase.events;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * event-service's own settings, under {@code medbase.events.*} beside the platform's event settings
 * ({@code source}, {@code relay}, {@code consumer}, {@code topic}; see {@code dev.medbase.platform.events}).
 *
 * @param retention              how long stored events are kept; unset (the default) keeps them forever
 * @param retentionCheckInterval how often expired events, finished webhook deliveries and dispatch records are purged
 * @param cacheRefresh           how often the dispatchers and webhooks of each event type are read again; changes
 *                               made through another replica take effect here within this time
 * @param redactKeys             content keys whose values are replaced by {@code "[redacted]"} wherever an event leaves
 *                               the service's trust boundary: the store (so the events API, the stream and replays),
 *                               webhook deliveries. Matched at any depth, ignoring case and underscores
 *                               ({@code pin_code} also matches {@code pinCode}). Dispatchers see the full content.
 * @param custom                 custom events ({@code POST /events/v1/})
 * @param dispatchers            dispatchers ({@code /dispatchers/v1})
 * @param webhooks               webhooks ({@code /events/v1/webhooks})
 * @param stream                 the Server-Sent Events stream ({@code GET /events/v1/stream})
 */
@ConfigurationProperties("medbase.events")
public record EventServiceProperties(
        Duration retention,
        @DefaultValue("1h") Duration retentionCheckInterval,
        @DefaultValue("1s") Duration cacheRefresh,
        @DefaultValue({"activation_hash", "reset_hash", "pin_code", "password", "new_password", "secret",
                "client_secret", "access_token", "refresh_token"}) List<String> redactKeys,
        @DefaultValue Custom custom,
        @DefaultValue Dispatchers dispatchers,
        @DefaultValue Webhooks webhooks,
        @DefaultValue Stream stream) {

    public EventServiceProperties {
        if (retention != null && (retention.isNegative() || retention.isZero())) {
            throw new IllegalArgumentException("medbase.events.retention must be positive (or unset to keep events)");
        }
        redactKeys = List.copyOf(redactKeys);
    }

    /**
     * @param maxContentSize largest {@code content} of a custom event, as UTF-8 JSON
     * @param maxTypeLength  longest event type
     */
    public record Custom(
            @DefaultValue("256KB") DataSize maxContentSize,
            @DefaultValue("128") int maxTypeLength) {
    }

    /**
     * @param recordRetention how long the record of each executed (dispatcher, action, event) is kept; a redelivered
     *                        event older than this could run its actions again
     */
    public record Dispatchers(
            @DefaultValue("30d") Duration recordRetention) {
    }

    /**
     * @param allowPrivateTargets   deliver to loopback, private, link-local and other non-public addresses (checked at
     *                              registration and again at every delivery, after DNS resolution); for development
     * @param allowHttp             accept {@code http://} URLs (otherwise only {@code https://}); for development
     * @param workers               delivery threads in this replica
     * @param perWebhookConcurrency deliveries to one webhook in flight at once in this replica, so a slow endpoint
     *                              holds at most this many workers
     * @param maxAttempts           attempts before a delivery is parked in the dead-letter list ({@code status=dead})
     * @param initialBackoff        pause after the first failure; doubles per failure, with jitter (half to all of it)
     * @param maxBackoff            longest pause between attempts
     * @param lease                 how long a worker holds a claimed delivery; must outlast connect + response timeouts
     * @param connectTimeout        TCP (and TLS) connection timeout
     * @param responseTimeout       time to wait for the receiver's response
     * @param pollInterval          how often idle workers look for due deliveries (new events wake them at once)
     * @param maxReplayEvents       most events one replay queues
     * @param historySize           attempts kept in a delivery's history
     * @param deliveryRetention     how long succeeded and dead deliveries are kept
     */
    public record Webhooks(
            @DefaultValue("false") boolean allowPrivateTargets,
            @DefaultValue("false") boolean allowHttp,
            @DefaultValue("4") int workers,
            @DefaultValue("1") int perWebhookConcurrency,
            @DefaultValue("8") int maxAttempts,
            @DefaultValue("10s") Duration initialBackoff,
            @DefaultValue("1h") Duration maxBackoff,
            @DefaultValue("2m") Duration lease,
            @DefaultValue("5s") Duration connectTimeout,
            @DefaultValue("10s") Duration responseTimeout,
            @DefaultValue("1s") Duration pollInterval,
            @DefaultValue("10000") int maxReplayEvents,
            @DefaultValue("20") int historySize,
            @DefaultValue("30d") Duration deliveryRetention) {

        public Webhooks {
            if (workers < 0 || perWebhookConcurrency < 1 || maxAttempts < 1 || historySize < 1) {
                throw new IllegalArgumentException("medbase.events.webhooks: workers >= 0, per-webhook-concurrency, "
                        + "max-attempts and history-size >= 1");
            }
            if (lease.compareTo(connectTimeout.plus(responseTimeout)) <= 0) {
                throw new IllegalArgumentException(
                        "medbase.events.webhooks.lease must exceed connect-timeout + response-timeout");
            }
        }
    }

    /**
     * @param pollInterval   how often the store is read for new events
     * @param heartbeat      interval of keep-alive comments on idle streams
     * @param timeout        how long one stream stays open; clients reconnect with {@code Last-Event-ID}
     * @param maxConnections open streams per replica
     * @param batchSize      most events sent to one stream per poll
     * @param gapGrace       how long the stream waits for an event whose store sequence number was taken but that is
     *                       not yet visible (a concurrent insert), before moving on without it
     */
    public record Stream(
            @DefaultValue("250ms") Duration pollInterval,
            @DefaultValue("15s") Duration heartbeat,
            @DefaultValue("5m") Duration timeout,
            @DefaultValue("100") int maxConnections,
            @DefaultValue("500") int batchSize,
            @DefaultValue("2s") Duration gapGrace) {
    }
}
