package dev.medbase.platform.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ProducerFactory;

/**
 * Publishes what waits in the outbox to Kafka, on its own thread: claim a batch (a lease per event), send it in
 * creation order, wait for the broker's acknowledgement ({@code acks=all}), delete what was acknowledged and give the
 * rest back. It runs soon after {@link #wakeUp()} (the publisher calls it) and otherwise every poll interval, which
 * picks up events other replicas wrote and leases that ran out.
 *
 * <p>Order per aggregate: an event is only sent when no earlier event of its aggregate is still waiting outside the
 * batch being sent; within a batch the idempotent producer keeps per-partition order. When Kafka is unreachable the
 * relay backs off exponentially and logs one warning per outage (and one line when it recovers), not one per try.
 *
 * <p>The lease must outlast a send ({@code max.block.ms} + {@code delivery.timeout.ms}); otherwise a second relay may
 * send the same event while the first is still trying, which is harmless (consumers dedupe) but wasteful.
 */
final class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    /** How long an event waits when an earlier event of its aggregate is held by another relay. */
    static final Duration BLOCKED_RETRY = Duration.ofMillis(200);

    private static final Comparator<OutboxRecord> ORDER =
            Comparator.comparing(OutboxRecord::time).thenComparing(OutboxRecord::id);

    record Settings(int batchSize, Duration pollInterval, Duration lease, Duration minBackoff, Duration maxBackoff,
                    Duration linger) {
    }

    /** What one pass did: how many events it claimed and sent, and the first failure, if any. */
    record Pass(int claimed, int sent, Exception failure) {
        static Pass failed(Exception e) {
            return new Pass(0, 0, e);
        }
    }

    private record InFlight(OutboxRecord entry, CompletableFuture<RecordMetadata> ack) {
    }

    private final OutboxStore store;
    private final EventCodec codec;
    private final ProducerFactory<String, String> producers;
    private final Settings settings;
    private final Clock clock;
    private final String owner = "relay-" + new ObjectId().toHexString();

    // Touched by the relay thread only (or by a test calling relayOnce directly, with no thread running).
    private boolean indexesEnsured;
    private volatile boolean outage;
    private Duration backoff;
    private final AtomicLong passes = new AtomicLong();
    private final AtomicLong claims = new AtomicLong();

    private volatile boolean running;
    private Thread thread;
    private boolean wakeRequested; // guarded by this

    OutboxRelay(OutboxStore store, EventCodec codec, ProducerFactory<String, String> producers, Settings settings,
                Clock clock) {
        this.store = store;
        this.codec = codec;
        this.producers = producers;
        this.settings = settings;
        this.clock = clock;
    }

    /** Asks the relay to run a pass now rather than at the next poll (ignored while it backs off from a failure). */
    synchronized void wakeUp() {
        wakeRequested = true;
        notifyAll();
    }

    /**
     * One pass over the outbox: a handful of round trips to the database whatever the batch size (claim, order check,
     * delete). The relay thread calls it in a loop; tests call it directly.
     */
    Pass relayOnce() {
        if (!indexesEnsured) {
            store.ensureIndexes();
            indexesEnsured = true;
        }
        Instant now = clock.instant();
        String claim = owner + "/" + claims.incrementAndGet();
        List<OutboxRecord> batch = store.claim(claim, now, settings.lease(), settings.batchSize());
        if (batch.isEmpty()) {
            return new Pass(0, 0, null);
        }
        List<InFlight> inFlight = send(inOrder(batch, claim, now));
        List<String> acknowledged = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        Exception failure = null;
        for (InFlight f : inFlight) {
            try {
                f.ack().get(settings.lease().toMillis(), TimeUnit.MILLISECONDS);
                acknowledged.add(f.entry().id());
            } catch (ExecutionException | TimeoutException | InterruptedException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                Exception cause = e instanceof ExecutionException && e.getCause() instanceof Exception c ? c : e;
                failure = failure == null ? cause : failure;
                failed.add(f.entry().id());
            }
        }
        store.delete(acknowledged);
        if (failure != null) {
            store.release(failed, claim, clock.instant(), describe(failure));
        }
        return new Pass(batch.size(), acknowledged.size(), failure);
    }

    /** The events of the batch that may go now; the others are given back for a little later. */
    private List<OutboxRecord> inOrder(List<OutboxRecord> batch, String claim, Instant now) {
        Map<String, OutboxRecord> earlier = store.earliestPendingOutside(batch);
        Set<String> blocked = new HashSet<>();
        List<String> later = new ArrayList<>();
        List<OutboxRecord> sendable = new ArrayList<>();
        for (OutboxRecord entry : batch) {
            OutboxRecord before = earlier.get(entry.aggregateId());
            if (blocked.contains(entry.aggregateId()) || (before != null && ORDER.compare(before, entry) < 0)) {
                blocked.add(entry.aggregateId());
                later.add(entry.id());
            } else {
                sendable.add(entry);
            }
        }
        store.release(later, claim, now.plus(BLOCKED_RETRY), null);
        return sendable;
    }

    private List<InFlight> send(List<OutboxRecord> entries) {
        Producer<String, String> producer = producers.createProducer();
        List<InFlight> inFlight = new ArrayList<>();
        boolean brokerUnreachable = false;
        for (OutboxRecord entry : entries) {
            CompletableFuture<RecordMetadata> ack = new CompletableFuture<>();
            if (brokerUnreachable) {
                ack.completeExceptionally(new IllegalStateException("not sent: an earlier send of this batch failed"));
            } else {
                try {
                    producer.send(codec.toRecord(entry), (metadata, e) -> {
                        if (e == null) {
                            ack.complete(metadata);
                        } else {
                            ack.completeExceptionally(e);
                        }
                    });
                } catch (RuntimeException e) {
                    ack.completeExceptionally(e);
                }
                // A send that failed at once (typically no metadata within max.block.ms) means the broker is out of
                // reach: don't make every other event of the batch wait max.block.ms too.
                brokerUnreachable = ack.isCompletedExceptionally();
            }
            inFlight.add(new InFlight(entry, ack));
        }
        return inFlight;
    }

    /** Logs the transitions between "publishing" and "cannot publish" once each, and says how long to pause. */
    private Duration afterPass(Pass pass) {
        if (pass.failure() == null) {
            if (outage) {
                outage = false;
                log.info("Outbox relay publishes events again");
            }
            backoff = null;
            return pass.claimed() >= settings.batchSize() ? Duration.ZERO : settings.pollInterval();
        }
        backoff = backoff == null ? settings.minBackoff() : min(backoff.multipliedBy(2), settings.maxBackoff());
        if (!outage) {
            outage = true;
            log.warn("Outbox relay cannot publish events ({}); they wait in the outbox and are retried with backoff "
                    + "up to {}", describe(pass.failure()), settings.maxBackoff());
        } else {
            log.debug("Outbox relay still cannot publish events, retrying in {}", backoff, pass.failure());
        }
        return backoff;
    }

    private void loop() {
        while (running) {
            Pass pass;
            try {
                pass = relayOnce();
            } catch (RuntimeException e) { // the database is unreachable, or something unexpected
                pass = Pass.failed(e);
            }
            Duration pause = afterPass(pass);
            passes.incrementAndGet();
            if (!pause.isZero() && await(pause, pass.failure() == null) && !settings.linger().isZero()) {
                // Woken by a publish: events of a busy service keep coming, let a few more join this pass.
                await(settings.linger(), false);
            }
        }
    }

    /**
     * Pauses, until woken if {@code wakeable} (after a failure, wake-ups don't shorten the backoff: a burst of
     * publishes must not hammer a broker that is down). @return whether a wake-up ended the pause
     */
    private synchronized boolean await(Duration pause, boolean wakeable) {
        long deadline = System.nanoTime() + pause.toNanos();
        try {
            while (running && !(wakeable && wakeRequested)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
        boolean woken = wakeable && wakeRequested;
        wakeRequested = false;
        return woken;
    }

    boolean inOutage() {
        return outage;
    }

    /** Passes the relay thread completed. */
    long passes() {
        return passes.get();
    }

    @Override
    public void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, "medbase-outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        synchronized (this) {
            notifyAll();
        }
        Thread t = thread;
        if (t == null) {
            return;
        }
        try {
            t.join(2_000);
            producers.reset(); // closes the producer: a pass still waiting for acks ends now
            t.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
