package dev.medbase.tasks.queue;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.medbase.tasks.TasksProperties;
import dev.medbase.tasks.functions.FunctionService;
import dev.medbase.tasks.schedules.ScheduleService;

/**
 * The queue worker of this replica: it fires due schedules, then claims due tasks while fewer than
 * {@code concurrency} run here (skipping functions at {@code function-concurrency} across replicas) and runs each on
 * its own thread. It looks again after {@code poll-interval}, or at once when woken: a run ended (a slot came free
 * while tasks may be waiting) or a task queued through this replica fell due (the queue tells the worker every start
 * time), so neither a busy queue nor a task's start waits for the interval. Idle (nothing found, nothing running), it
 * reads the queue only when woken or after {@code idle-poll-interval}, for tasks only the database knows of. Off with
 * {@code medbase.tasks.worker-enabled=false}; {@link #runDue()} then does one pass synchronously (tests).
 */
@Component
public class TaskWorker implements SmartLifecycle {

    /** Due tasks read per query: each read is a scan of every task on the embedded server, each claim a lookup. */
    private static final int CANDIDATES = 500;
    private static final int MAX_PENDING_STARTS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(TaskWorker.class);

    private final TaskQueue queue;
    private final TaskRunner runner;
    private final ScheduleService schedules;
    private final FunctionService functions;
    private final TasksProperties properties;
    /** The queue's clock, which start times are on; the worker's own waits are in real time. */
    private final Clock clock;
    private final String id = ManagementFactory.getRuntimeMXBean().getName() + ":" + new ObjectId().toHexString();
    private final Semaphore slots;
    /** At most one pending wake-up: several ends of runs while a pass is going need only one more pass. */
    private final Semaphore wakeUps = new Semaphore(0);
    /** Set by a wake-up: the next pass reads due tasks even when the worker is idle. */
    private volatile boolean readWanted = true;
    /** Start times (epoch ms) of tasks queued through this replica that were not due yet; each wakes the worker. */
    private final ConcurrentSkipListSet<Long> pendingStarts = new ConcurrentSkipListSet<>();
    private long lastRead;
    private volatile ExecutorService poller;
    private volatile ExecutorService pool;
    private long lastTick = System.nanoTime();
    /** Tasks of each function this replica runs now. */
    private final Map<String, Integer> localRunning = new ConcurrentHashMap<>();
    private Map<String, Integer> counted;
    private Map<String, Integer> localAtCount;
    private long countedAt;
    /** Due tasks read ahead, best first (see {@link #nextCandidate}); touched by the poller thread only. */
    private final ArrayDeque<Document> candidates = new ArrayDeque<>();
    private long candidatesReadAt;
    private boolean lastReadEmpty;

    public TaskWorker(TaskQueue queue, TaskRunner runner, ScheduleService schedules, FunctionService functions,
                      TasksProperties properties, Clock clock) {
        this.queue = queue;
        this.functions = functions;
        this.runner = runner;
        this.schedules = schedules;
        this.properties = properties;
        this.slots = new Semaphore(properties.concurrency());
        this.clock = clock;
    }

    public String id() {
        return id;
    }

    /**
     * The lease a claim of a task of {@code functionName} takes: what a run of its function needs (see
     * {@link TaskRunner#lease}), or the margin alone for an unknown function (its run fails at once).
     */
    Duration lease(String functionName) {
        return functions.cached(functionName).map(fn -> TaskRunner.lease(fn, properties))
                .orElse(properties.leaseMargin());
    }

    /** Makes the worker look for due tasks now rather than at its next poll (no-op when it is not running). */
    public void wakeUp() {
        readWanted = true;
        if (wakeUps.availablePermits() == 0) {
            wakeUps.release();
        }
    }

    /**
     * Makes the worker look for due tasks at {@code start} (now if it is past): every task queued through this
     * replica — created, requested by an event, retried, scheduled — calls it, so an idle worker needs no polling
     * for them. Beyond {@link #MAX_PENDING_STARTS} start times the idle poll finds the task.
     */
    void wakeUpAt(Instant start) {
        long in = start.toEpochMilli() - clock.millis(); // in milliseconds, as the start is stored
        if (in <= 0) {
            wakeUp();
        } else if (pendingStarts.size() < MAX_PENDING_STARTS) {
            pendingStarts.add(System.currentTimeMillis() + in + 1); // + 1: woken a moment early, it would find nothing
        }
    }

    /** Fires due schedules and runs every due task in the calling thread, one by one; returns how many ran. */
    public int runDue() {
        schedules.tick();
        int ran = 0;
        Document task;
        while ((task = queue.claim(id, this::lease, busy(queue.runningCounts()))) != null) {
            runner.run(task, id);
            ran++;
        }
        return ran;
    }

    private Set<String> busy(Map<String, Integer> running) {
        Set<String> busy = new HashSet<>();
        running.forEach((fn, n) -> {
            if (n >= properties.functionConcurrency()) {
                busy.add(fn);
            }
        });
        return busy;
    }

    /**
     * Running tasks per function for the next claim: all replicas' as of the last count (taken at most once per
     * poll interval, as each count reads every running task), corrected by what this replica started and ended
     * since — so woken passes claim without counting again.
     */
    private Map<String, Integer> estimatedRunning() {
        long now = System.nanoTime();
        if (counted == null || now - countedAt >= properties.pollInterval().toNanos()) {
            localAtCount = new HashMap<>(localRunning);
            counted = queue.runningCounts();
            countedAt = now;
        }
        Map<String, Integer> estimate = new HashMap<>(counted);
        localRunning.forEach((fn, n) -> estimate.merge(fn, n - localAtCount.getOrDefault(fn, 0), Integer::sum));
        localAtCount.forEach((fn, n) -> {
            if (!localRunning.containsKey(fn)) {
                estimate.merge(fn, -n, Integer::sum);
            }
        });
        return estimate;
    }

    /**
     * The next due task to try, best first, of a function not at its limit. Due tasks are read {@link #CANDIDATES}
     * at a time, because on the embedded MongoDB-wire server each read is a scan of every task; a read is used for at
     * most one poll interval, so while a backlog drains, a task of higher priority created meanwhile waits at most
     * that long for its turn. Candidates claimed by other replicas meanwhile fail their claim and are skipped.
     */
    private Document nextCandidate() {
        if (candidates.isEmpty() || System.nanoTime() - candidatesReadAt >= properties.pollInterval().toNanos()) {
            candidates.clear();
            // An idle worker reads without counting running tasks first (on the embedded server each count reads
            // every stored task): the count comes when something is due.
            boolean idle = lastReadEmpty && localRunning.isEmpty();
            candidates.addAll(queue.due(CANDIDATES, idle ? Set.of() : busy(estimatedRunning())));
            candidatesReadAt = System.nanoTime();
            lastRead = candidatesReadAt;
            lastReadEmpty = candidates.isEmpty();
        }
        if (candidates.isEmpty()) {
            return null;
        }
        Set<String> busy = busy(estimatedRunning());
        Document next;
        while ((next = candidates.poll()) != null && busy.contains(next.getString("functionName"))) {
            // skipped: its function reached its limit since the read
        }
        return next;
    }

    private void poll() {
        try {
            long now = System.nanoTime();
            if (now - lastTick >= properties.pollInterval().toNanos()) { // wake-ups do not speed up schedules
                lastTick = now;
                schedules.tick();
            }
            // Idle (the last read found nothing, nothing runs here): read again only when woken (a task queued
            // through this replica fell due, a run ended) or after the idle poll interval, for what only the
            // database knows of (tasks queued through other replicas, leases that ran out). On the embedded server
            // each read scans every stored task.
            boolean idle = lastReadEmpty && localRunning.isEmpty() && candidates.isEmpty();
            if (idle && !readWanted && now - lastRead < properties.idlePollInterval().toNanos()) {
                return;
            }
            readWanted = false;
            while (slots.tryAcquire()) {
                Document task = null;
                try {
                    Document candidate;
                    int missed = 0; // claims lost to other replicas; bounded, so a pass always ends
                    while (task == null && missed < CANDIDATES && (candidate = nextCandidate()) != null) {
                        task = queue.claim(candidate, id, lease(candidate.getString("functionName")));
                        missed++;
                    }
                } catch (RuntimeException e) {
                    slots.release();
                    throw e;
                }
                if (task == null) {
                    slots.release();
                    return;
                }
                Document claimed = task;
                String functionName = claimed.getString("functionName");
                localRunning.merge(functionName, 1, Integer::sum);
                pool.execute(() -> {
                    try {
                        runner.run(claimed, id);
                    } catch (RuntimeException e) {
                        log.error("Task {} could not be finished", claimed.get("_id"), e);
                    } finally {
                        localRunning.computeIfPresent(functionName, (fn, n) -> n > 1 ? n - 1 : null);
                        slots.release();
                        wakeUp();
                    }
                });
            }
        } catch (RuntimeException e) {
            log.warn("Task queue poll failed", e);
        }
    }

    @Override
    public synchronized void start() {
        if (!properties.workerEnabled() || poller != null) {
            return;
        }
        queue.onQueued(this::wakeUpAt);
        pool = java.util.concurrent.Executors.newFixedThreadPool(properties.concurrency(), r -> {
            Thread t = new Thread(r, "task-runner");
            t.setDaemon(true);
            return t;
        });
        poller = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "task-poller");
            t.setDaemon(true);
            return t;
        });
        poller.execute(this::pollUntilStopped);
    }

    private void pollUntilStopped() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                long ms = properties.pollInterval().toMillis();
                Long next = pendingStarts.isEmpty() ? null : pendingStarts.first();
                if (next != null) {
                    ms = Math.max(0, Math.min(ms, next - System.currentTimeMillis()));
                }
                if (wakeUps.tryAcquire(ms, TimeUnit.MILLISECONDS)) {
                    wakeUps.drainPermits();
                }
                java.util.NavigableSet<Long> fallenDue = pendingStarts.headSet(System.currentTimeMillis(), true);
                if (!fallenDue.isEmpty()) {
                    fallenDue.clear();
                    readWanted = true;
                }
                poll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop() ends the loop
        }
    }

    @Override
    public synchronized void stop() {
        if (poller != null) {
            queue.onQueued(start -> { });
            poller.shutdownNow();
            pool.shutdown(); // running tasks finish (or their leases run out and another replica retries them)
            poller = null;
        }
    }

    @Override
    public boolean isRunning() {
        return poller != null;
    }
}
