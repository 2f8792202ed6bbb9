package dev.medbase.platform.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
 * rest back.
 *
 * <p>Events published in this process are claimed as they are stored ({@link #toStore}: the record is written with
 * this relay's lease already on it) and handed to the relay in memory ({@link #stored}), which sends them soon
 * without a claim's round trips. The relay claims from the database only every poll interval, and at once when a
 * publisher stored an event it could not take (it is not running, in an outage, or holds
 * {@value #TAKEN_PER_BATCH} batches already) or when it gave events back: that picks up events other replicas wrote,
 * leases that ran out and events to retry. An event taken at birth whose process dies waits in the outbox until its
 * lease runs out, then any relay sends it.
 *
 * <p>Order per aggregate: an event is only sent when no earlier event of its aggregate is still waiting outside the
 * batch being sent; within a batch the idempotent producer keeps per-partition order. When Kafka is unreachable the
 * relay backs off exponentially and logs one warning per outage (and one line when it recovers), not one per try.
 *
 * <p>The lease must outlast a send ({@code max.block.ms} + {@code delivery.timeout.ms}); otherwise a second relay may
 * send the same event while the first is still trying, which is harmless (consumers dedupe) but wasteful.
 */
final class OutboxRelay implements SmartLifecycle, EventPublisher.Handover {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    /** How long an event waits when an earlier event of its aggregate is held by another relay. */
    static final Duration BLOCKED_RETRY = Duration.ofMillis(200);

    /** Events taken at birth that may wait in memory, in batches: beyond that they wait in the database. */
    static final int TAKEN_PER_BATCH = 10;

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
    /** The owner of the events this relay takes as they are stored. */
    private final String takenOwner = owner + "/taken";

    // Touched by the relay thread only (or by a test calling relayOnce directly, with no thread running).
    private boolean indexesEnsured;
    private volatile boolean outage;
    private Duration backoff;
    private final AtomicLong passes = new AtomicLong();
    private final AtomicLong claims = new AtomicLong();

    private volatile boolean running;
    private Thread thread;
    private boolean wakeRequested; // guarded by this
    /** Events taken at birth, to send (guarded by this). */
    private final ArrayDeque<OutboxRecord> taken = new ArrayDeque<>();
    /** When the next pass claims from the database (guarded by this): at once until the first claim. */
    private Instant nextClaim = Instant.MIN;

    OutboxRelay(OutboxStore store, EventCodec codec, ProducerFactory<String, String> producers, Settings settings,
                Clock clock) {
        this.store = store;
        this.codec = codec;
        this.producers = producers;
        this.settings = settings;
        this.clock = clock;
    }

    /** Asks the relay to claim from the database and run a pass now rather than at the next poll (ignored while it
     * backs off from a failure). */
    synchronized void wakeUp() {
        nextClaim = Instant.MIN;
        wakeRequested = true;
        notifyAll();
    }

    @Override
    public synchronized OutboxRecord toStore(OutboxRecord pending) {
        if (!running || outage || taken.size() >= TAKEN_PER_BATCH * settings.batchSize()) {
            return pending;
        }
        return pending.claimedBy(takenOwner, clock.instant().plus(settings.lease()));
    }

    @Override
    public void stored(OutboxRecord record) {
        if (!takenOwner.equals(record.owner())) {
            wakeUp();
            return;
        }
        synchronized (this) {
            if (running) {
                taken.add(record);
                wakeRequested = true;
                notifyAll();
                return;
            }
        }
        // stopped since the record was made: any relay may send it now
        store.release(List.of(record.id()), takenOwner, clock.instant(), null);
    }

    /** A whole pass, as the relay thread runs it when a claim is due: what was taken at birth, then a claim. */
    Pass relayOnce() {
        return relayOnce(true);
    }

    /**
     * One pass: the events taken at birth and, if {@code claim} (or a claim is due), a claim of events waiting in the
     * database. A handful of round trips to the database whatever the batch size (the claim's three, order check,
     * delete).
     */
    private Pass relayOnce(boolean claim) {
        if (!indexesEnsured) {
            store.ensureIndexes();
            indexesEnsured = true;
        }
        Instant now = clock.instant();
        List<OutboxRecord> batch = new ArrayList<>(settings.batchSize());
        boolean claimNow;
        synchronized (this) {
            while (batch.size() < settings.batchSize() && !taken.isEmpty()) {
                batch.add(taken.poll());
            }
            claimNow = claim || !now.isBefore(nextClaim);
        }
        if (claimNow && batch.size() < settings.batchSize()) {
            int max = settings.batchSize() - batch.size();
            List<OutboxRecord> claimed = store.claim(owner + "/" + claims.incrementAndGet(), now, settings.lease(),
                    max);
            synchronized (this) { // a full claim leaves more to claim at once
                nextClaim = claimed.size() >= max ? Instant.MIN : now.plus(settings.pollInterval());
            }
            batch.addAll(claimed);
            batch.sort(ORDER);
        }
        if (batch.isEmpty()) {
            return new Pass(0, 0, null);
        }
        List<InFlight> inFlight = send(inOrder(batch, now));
        List<String> acknowledged = new ArrayList<>();
        List<OutboxRecord> failed = new ArrayList<>();
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
                failed.add(f.entry());
            }
        }
        store.delete(acknowledged);
        if (failure != null) {
            giveBack(failed, clock.instant(), describe(failure));
        }
        return new Pass(batch.size(), acknowledged.size(), failure);
    }

    /** Releases events of a batch, claimable again from {@code availableAt} (by this relay's next claim, too). */
    private void giveBack(List<OutboxRecord> records, Instant availableAt, String error) {
        if (records.isEmpty()) {
            return;
        }
        Map<String, List<String>> byOwner = new HashMap<>();
        records.forEach(r -> byOwner.computeIfAbsent(r.owner(), o -> new ArrayList<>()).add(r.id()));
        byOwner.forEach((claim, ids) -> store.release(ids, claim, availableAt, error));
        synchronized (this) {
            nextClaim = availableAt.isBefore(nextClaim) ? availableAt : nextClaim;
        }
    }

    /** The events of the batch that may go now; the others are given back for a little later. */
    private List<OutboxRecord> inOrder(List<OutboxRecord> batch, Instant now) {
        Map<String, OutboxRecord> earlier = store.earliestPendingOutside(batch);
        Set<String> blocked = new HashSet<>();
        List<OutboxRecord> later = new ArrayList<>();
        List<OutboxRecord> sendable = new ArrayList<>();
        for (OutboxRecord entry : batch) {
            OutboxRecord before = earlier.get(entry.aggregateId());
            if (blocked.contains(entry.aggregateId()) || (before != null && ORDER.compare(before, entry) < 0)) {
                blocked.add(entry.aggregateId());
                later.add(entry);
            } else {
                sendable.add(entry);
            }
        }
        giveBack(later, now.plus(BLOCKED_RETRY), null);
        return sendable;
    }

    private List<InFlight> send(List<OutboxRecord> entries) {
        if (entries.isEmpty()) {
            return List.of();
        }
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
            return pass.claimed() >= settings.batchSize() || hasTaken() ? Duration.ZERO : settings.pollInterval();
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

    private synchronized boolean hasTaken() {
        return !taken.isEmpty();
    }

    private void loop() {
        while (running) {
            Pass pass;
            try {
                pass = relayOnce(false);
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

    /** Claims this relay made from the database. */
    long claims() {
        return claims.get();
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
        List<OutboxRecord> left;
        synchronized (this) {
            left = List.copyOf(taken);
            taken.clear();
        }
        try { // whoever runs next sends them at once, not after the lease
            giveBack(left, clock.instant(), null);
        } catch (RuntimeException e) {
            log.warn("{} events taken by the stopping relay wait for their lease to run out: {}", left.size(),
                    describe(e));
        }
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
