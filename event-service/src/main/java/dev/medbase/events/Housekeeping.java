package dev.medbase.events;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs every {@link Purge} once per {@code medbase.events.retention-check-interval}: events past their retention,
 * finished webhook deliveries, old dispatch records. Deletes are plain {@code deleteMany} by time, safe to run on every
 * replica at once (TTL indexes would do the same on MongoDB, but mongo-java-server ignores them).
 */
@Component
public class Housekeeping implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

    /** Something that deletes what has expired. */
    public interface Purge {
        String name();

        /** @return how many records were deleted */
        long purge(Instant now);
    }

    private final List<Purge> purges;
    private final Clock clock;
    private final long intervalMillis;
    private ScheduledExecutorService scheduler;

    public Housekeeping(List<Purge> purges, Clock clock, EventServiceProperties properties) {
        this.purges = purges;
        this.clock = clock;
        this.intervalMillis = properties.retentionCheckInterval().toMillis();
    }

    /** One pass over every purge, now. */
    public void runOnce() {
        Instant now = clock.instant();
        for (Purge purge : purges) {
            try {
                long deleted = purge.purge(now);
                if (deleted > 0) {
                    log.info("Housekeeping: {} deleted {}", purge.name(), deleted);
                }
            } catch (RuntimeException e) {
                log.warn("Housekeeping: {} failed: {}", purge.name(), e.toString());
            }
        }
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "events-housekeeping");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::runOnce, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
