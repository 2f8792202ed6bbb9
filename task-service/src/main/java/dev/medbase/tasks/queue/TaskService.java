package dev.medbase.tasks.queue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.events.EventPublisher;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;
import dev.medbase.tasks.TasksProperties;
import dev.medbase.tasks.executors.ExecutionResult;
import dev.medbase.tasks.executors.Executors;
import dev.medbase.tasks.executors.FunctionExecutor;
import dev.medbase.tasks.executors.Invocation;
import dev.medbase.tasks.functions.FunctionDef;
import dev.medbase.tasks.functions.FunctionService;
import dev.medbase.tasks.support.Body;
import dev.medbase.tasks.support.TaskServiceLimits;
import dev.medbase.tasks.support.Wire;

/** The task endpoints: create, list, cancel, logs, and direct execution of a function. */
@Service
public class TaskService {

    /** Longest timeLimit a function may have to be executed directly (contract: 1404 above). */
    public static final int DIRECT_MAX_TIME_LIMIT = 30;
    private static final Set<String> CREATE_FIELDS = Set.of("functionName", "data", "startTimestamp", "priority",
            "tags");

    private final TaskQueue queue;
    private final LogStore logs;
    private final FunctionService functions;
    private final Executors executors;
    private final EventPublisher events;
    private final TasksProperties properties;
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();

    public TaskService(TaskQueue queue, LogStore logs, FunctionService functions, Executors executors,
                       EventPublisher events, TasksProperties properties) {
        this.queue = queue;
        this.logs = logs;
        this.functions = functions;
        this.executors = executors;
        this.events = events;
        this.properties = properties;
    }

    public Map<String, Object> create(Caller caller, JsonNode json) {
        caller.requirePermission("CREATE_TASKS");
        Body body = Body.of(json).allowOnly(CREATE_FIELDS);
        String functionName = body.requiredText("functionName");
        FunctionDef fn = functions.require(functionName);
        Map<String, Object> data = data(body);
        List<String> tags = body.strings("tags");
        Integer priority = body.integer("priority");
        Document task = queue.create(new TaskQueue.NewTask(functionName, data, tags, body.instant("startTimestamp"),
                priority != null ? priority : fn.defaultPriority() != null ? fn.defaultPriority() : 0,
                caller.userId(), caller.applicationId(), null, null));
        return TaskQueue.wire(task);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> data(Body body) {
        JsonNode data = body.get("data");
        if (data == null || data.isNull()) {
            return Map.of();
        }
        if (!data.isObject()) {
            throw Body.format("data", "must be an object");
        }
        TaskServiceLimits.checkData(data, properties);
        return Document.parse(data.toString());
    }

    public PageEnvelope<Map<String, Object>> list(Caller caller, RqlQuery rql) {
        caller.requirePermission("VIEW_TASKS");
        return queue.list(rql);
    }

    public Map<String, Object> cancel(Caller caller, String taskId) {
        caller.requirePermission("CANCEL_TASKS");
        ObjectId id = Wire.objectId(taskId);
        if (queue.cancel(id)) {
            return Wire.affected(1);
        }
        Document task = queue.find(id);
        if (task == null) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Task '" + taskId + "' is unknown");
        }
        throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION,
                "Only new tasks can be canceled; this task is " + task.getString("status"));
    }

    public Map<String, Object> logs(Caller caller, String taskId, RqlQuery rql) {
        caller.requirePermission("VIEW_TASK_LOGS");
        ObjectId id = Wire.objectId(taskId);
        Document task = queue.find(id);
        if (task == null) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Task '" + taskId + "' is unknown");
        }
        if (List.of("new", "canceled").contains(task.getString("status"))) {
            throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION, "The task has not run");
        }
        if (!logs.any(id)) {
            throw new ExhException(ExhError.NO_TASK_LOGS_FOUND, "No logs were found for task '" + taskId + "'");
        }
        return logs.page(id, rql);
    }

    /** {@code POST /functions/{name}/execute}: runs now, in this request, and answers the task with its result. */
    public Map<String, Object> execute(Caller caller, String functionName, JsonNode json) {
        FunctionDef fn = functions.find(functionName).orElse(null);
        authorize(caller, fn, functionName, "EXECUTE_TASK_FUNCTION");
        if (fn == null) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Function '" + functionName + "' is unknown");
        }
        Body body = json == null || json.isNull() || json.isMissingNode() ? null : Body.of(json);
        Map<String, Object> data = body == null ? Map.of() : data(body);
        if (fn.timeLimit() > DIRECT_MAX_TIME_LIMIT) {
            throw new ExhException(ExhError.TIME_LIMIT_EXCEEDS_DIRECT_EXECUTION_MAXIMUM_EXCEPTION,
                    "The function's timeLimit of " + fn.timeLimit() + " s is above the direct execution maximum of "
                            + DIRECT_MAX_TIME_LIMIT + " s");
        }
        if (!fn.enabled()) {
            throw new ExhException(ExhError.LAMBDA_INVOCATION_EXCEPTION, "Function '" + functionName + "' is disabled");
        }
        FunctionExecutor executor = executors.find(fn.runtime()).orElseThrow(() -> new ExhException(
                ExhError.LAMBDA_INVOCATION_EXCEPTION, "Runtime '" + fn.runtime() + "' is not supported"));
        AtomicInteger counter = running.computeIfAbsent(functionName, k -> new AtomicInteger());
        if (counter.incrementAndGet() > properties.directConcurrency()) {
            counter.decrementAndGet();
            throw new ExhException(ExhError.CONCURRENT_EXECUTION_LIMIT_EXCEPTION,
                    "Function '" + functionName + "' already runs " + properties.directConcurrency()
                            + " direct executions");
        }
        try {
            String owner = "direct:" + new ObjectId().toHexString();
            Document task = queue.createDirect(new TaskQueue.NewTask(functionName, data, List.of(), null,
                    fn.defaultPriority() == null ? 0 : fn.defaultPriority(), caller.userId(), caller.applicationId(),
                    null, null), owner, Duration.ofSeconds(fn.timeLimit()).plus(properties.leaseMargin()));
            ObjectId id = task.getObjectId("_id");
            ExecutionResult outcome;
            try {
                outcome = executor.execute(new Invocation(id.toHexString(), fn, TaskRunner.event(task),
                        logs.sink(id)));
            } catch (RuntimeException e) {
                outcome = ExecutionResult.invocationError("The function could not be invoked");
            }
            if (outcome.success()) {
                queue.finish(id, owner, "complete", null, null);
                Map<String, Object> out = TaskQueue.wire(queue.find(id));
                out.put("result", outcome.result());
                return out;
            }
            Map<String, Object> error = TaskRunner.error(outcome);
            queue.finish(id, owner, "failed", error, null);
            events.publish("task_failed", id.toHexString(),
                    Map.of("id", id.toHexString(), "functionName", functionName, "error", error));
            if (ExecutionResult.INVOCATION.equals(outcome.errorType())) {
                throw new ExhException(ExhError.LAMBDA_INVOCATION_EXCEPTION, outcome.errorMessage(),
                        Map.of("taskId", id.toHexString()));
            }
            Map<String, Object> runtimeError = new LinkedHashMap<>();
            runtimeError.put("name", outcome.errorName());
            runtimeError.put("message", outcome.errorMessage());
            throw new ExhException(ExhError.LAMBDA_RUNTIME_EXCEPTION, "The function failed: " + outcome.errorMessage(),
                    Map.of("taskId", id.toHexString(), "runtimeError", runtimeError));
        } finally {
            counter.decrementAndGet();
        }
    }

    /** Permission by the function's permissionMode: public, allUsers (any user), permissionRequired. */
    static void authorize(Caller caller, FunctionDef fn, String functionName, String permission) {
        String mode = fn == null ? "permissionRequired" : fn.permissionMode();
        switch (mode) {
            case "public" -> {
            }
            case "allUsers" -> caller.requireUser();
            default -> caller.requirePermission(permission, functionName);
        }
    }
}
