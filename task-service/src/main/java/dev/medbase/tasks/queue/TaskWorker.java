package dev.medbase.tasks.queue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.medbase.tasks.TasksProperties;
import dev.medbase.tasks.schedules.ScheduleService;

/**
 * The queue worker of this replica: every {@code poll-interval} it fires due schedules, then claims due tasks while
 * fewer than {@code concurrency} run here (skipping functions at {@code function-concurrency} across replicas) and
 * runs each on its own thread. Off with {@code medbase.tasks.worker-enabled=false}; {@link #runDue()} then does one
 * pass synchronously (tests).
 */
@Component
public class TaskWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TaskWorker.class);

    private final TaskQueue queue;
    private final TaskRunner runner;
    private final ScheduleService schedules;
    private final TasksProperties properties;
    private final String id = ManagementFactory.getRuntimeMXBean().getName() + ":" + new ObjectId().toHexString();
    private final Semaphore slots;
    private volatile ScheduledExecutorService poller;
    private volatile ExecutorService pool;

    public TaskWorker(TaskQueue queue, TaskRunner runner, ScheduleService schedules, TasksProperties properties) {
        this.queue = queue;
        this.runner = runner;
        this.schedules = schedules;
        this.properties = properties;
        this.slots = new Semaphore(properties.concurrency());
    }

    public String id() {
        return id;
    }

    /** The lease a claim starts with; the runner extends it to the function's timeLimit plus the margin. */
    Duration initialLease() {
        return properties.leaseMargin();
    }

    /** Fires due schedules and runs every due task in the calling thread, one by one; returns how many ran. */
    public int runDue() {
        schedules.tick();
        int ran = 0;
        Document task;
        while ((task = queue.claim(id, initialLease(), busy())) != null) {
            runner.run(task, id);
            ran++;
        }
        return ran;
    }

    private Set<String> busy() {
        return queue.busyFunctions(properties.functionConcurrency());
    }

    private void poll() {
        try {
            schedules.tick();
            while (slots.tryAcquire()) {
                Document task;
                try {
                    task = queue.claim(id, initialLease(), busy());
                } catch (RuntimeException e) {
                    slots.release();
                    throw e;
                }
                if (task == null) {
                    slots.release();
                    return;
                }
                Document claimed = task;
                pool.execute(() -> {
                    try {
                        runner.run(claimed, id);
                    } catch (RuntimeException e) {
                        log.error("Task {} could not be finished", claimed.get("_id"), e);
                    } finally {
                        slots.release();
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
        pool = java.util.concurrent.Executors.newFixedThreadPool(properties.concurrency(), r -> {
            Thread t = new Thread(r, "task-runner");
            t.setDaemon(true);
            return t;
        });
        poller = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "task-poller");
            t.setDaemon(true);
            return t;
        });
        long ms = properties.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (poller != null) {
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
