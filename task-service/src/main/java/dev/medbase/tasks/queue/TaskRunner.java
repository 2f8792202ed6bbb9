package dev.medbase.tasks.queue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.medbase.platform.events.EventPublisher;
import dev.medbase.tasks.TasksProperties;
import dev.medbase.tasks.executors.ExecutionResult;
import dev.medbase.tasks.executors.Executors;
import dev.medbase.tasks.executors.FunctionExecutor;
import dev.medbase.tasks.executors.Invocation;
import dev.medbase.tasks.functions.FunctionDef;
import dev.medbase.tasks.functions.FunctionService;

/**
 * Runs one claimed task to its end: finds the function and its executor, runs it with the task as event, stores the
 * logs, then finishes the task — {@code complete}; {@code retried} with a follow-up task when the retry policy
 * applies (at most 3 retries, after 2, 5 and 10 s, for errors whose name or type is in {@code errorsToRetry}, or any
 * error when that list is empty); else {@code failed}. Emits {@code task_succeeded} {@code {id, functionName}} and
 * {@code task_failed} {@code {id, functionName, error}}.
 */
@Component
public class TaskRunner {

    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);
    static final Duration[] RETRY_DELAYS = {Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)};
    /** A task whose worker died this many times is failed instead of being run again. */
    static final int MAX_CLAIMS = 3;

    private final TaskQueue queue;
    private final LogStore logs;
    private final FunctionService functions;
    private final Executors executors;
    private final EventPublisher events;
    private final TasksProperties properties;
    private final Clock clock;

    public TaskRunner(TaskQueue queue, LogStore logs, FunctionService functions, Executors executors,
                      EventPublisher events, TasksProperties properties, Clock clock) {
        this.queue = queue;
        this.logs = logs;
        this.functions = functions;
        this.executors = executors;
        this.events = events;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * The lease a run of {@code fn} needs: its timeLimit plus the margin. Workers claim with it, so the runner
     * extends the lease only when the function changed between the claim and the run.
     */
    static Duration lease(FunctionDef fn, TasksProperties properties) {
        return Duration.ofSeconds(fn.timeLimit()).plus(properties.leaseMargin());
    }

    /** The event a function receives: the task as on the wire. */
    public static Map<String, Object> event(Document task) {
        return TaskQueue.wire(task);
    }

    public void run(Document task, String owner) {
        ObjectId id = task.getObjectId("_id");
        String functionName = task.getString("functionName");
        ExecutionResult outcome;
        FunctionDef fn = null;
        if (Boolean.TRUE.equals(task.getBoolean("direct"))) {
            outcome = ExecutionResult.invocationError("The direct execution was interrupted (the service stopped)");
        } else if (task.getInteger("claims", 1) > MAX_CLAIMS) {
            outcome = ExecutionResult.invocationError("The task was abandoned by its worker " + MAX_CLAIMS + " times");
        } else {
            Optional<FunctionDef> found = functions.cached(functionName);
            fn = found.orElse(null);
            outcome = invoke(fn, functionName, id, owner, task);
        }
        finish(task, owner, fn, outcome);
    }

    private ExecutionResult invoke(FunctionDef fn, String functionName, ObjectId id, String owner, Document task) {
        if (fn == null) {
            return ExecutionResult.invocationError("Function '" + functionName + "' is unknown");
        }
        if (!fn.enabled()) {
            return ExecutionResult.invocationError("Function '" + functionName + "' is disabled");
        }
        Optional<FunctionExecutor> executor = executors.find(fn.runtime());
        if (executor.isEmpty()) {
            return ExecutionResult.invocationError("Runtime '" + fn.runtime() + "' is not supported");
        }
        Duration lease = lease(fn, properties);
        Date leaseUntil = task.getDate("leaseUntil");
        boolean leaseCoversRun = leaseUntil != null
                && !leaseUntil.toInstant().isBefore(clock.instant().plus(lease).minus(properties.leaseMargin().dividedBy(2)));
        if (!leaseCoversRun && !queue.extend(id, owner, lease)) {
            return null; // lost the task already
        }
        try {
            return executor.get().execute(new Invocation(id.toHexString(), fn, event(task), logs.sink(id)));
        } catch (RuntimeException e) {
            log.warn("Executor failed on task {}", id, e);
            return ExecutionResult.invocationError("The function could not be invoked");
        }
    }

    private void finish(Document task, String owner, FunctionDef fn, ExecutionResult outcome) {
        ObjectId id = task.getObjectId("_id");
        String functionName = task.getString("functionName");
        if (outcome == null) {
            return;
        }
        if (outcome.success()) {
            if (queue.finish(id, owner, "complete", null, null)) {
                events.publish("task_succeeded", id.toHexString(),
                        Map.of("id", id.toHexString(), "functionName", functionName));
            }
            return;
        }
        Map<String, Object> error = error(outcome);
        @SuppressWarnings("unchecked")
        List<String> previous = task.get("retryForTaskIds") == null ? List.of()
                : (List<String>) task.get("retryForTaskIds");
        if (fn != null && retryable(fn, outcome) && previous.size() < RETRY_DELAYS.length) {
            List<String> chain = new ArrayList<>(previous);
            chain.add(id.toHexString());
            @SuppressWarnings("unchecked")
            Document retry = queue.create(new TaskQueue.NewTask(functionName,
                    task.get("data", Document.class), (List<String>) task.get("tags"),
                    clock.instant().plus(RETRY_DELAYS[previous.size()]), task.getInteger("priority", 0),
                    task.getString("createdByUserId"), task.getString("createdByApplicationId"), chain, null));
            ObjectId retryId = retry.getObjectId("_id");
            if (queue.finish(id, owner, "retried", error, retryId.toHexString())) {
                return;
            }
            queue.delete(retryId); // lost the lease: the new owner decides
            return;
        }
        if (queue.finish(id, owner, "failed", error, null)) {
            Map<String, Object> content = new LinkedHashMap<>();
            content.put("id", id.toHexString());
            content.put("functionName", functionName);
            content.put("error", error);
            events.publish("task_failed", id.toHexString(), content);
        }
    }

    static boolean retryable(FunctionDef fn, ExecutionResult outcome) {
        if (!fn.retryEnabled()) {
            return false;
        }
        List<String> filter = fn.errorsToRetry();
        return filter.isEmpty() || filter.contains(outcome.errorType())
                || (outcome.errorName() != null && filter.contains(outcome.errorName()));
    }

    public static Map<String, Object> error(ExecutionResult outcome) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", outcome.errorType());
        if (outcome.errorName() != null) {
            error.put("name", outcome.errorName());
        }
        error.put("message", outcome.errorMessage());
        return error;
    }

}
