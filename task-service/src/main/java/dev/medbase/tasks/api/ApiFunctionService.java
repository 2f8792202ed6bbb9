package dev.medbase.tasks.api;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;
import dev.medbase.platform.security.Caller;
import dev.medbase.tasks.TasksProperties;
import dev.medbase.tasks.executors.ExecutionResult;
import dev.medbase.tasks.executors.Executors;
import dev.medbase.tasks.executors.FunctionExecutor;
import dev.medbase.tasks.executors.Invocation;
import dev.medbase.tasks.functions.FunctionDef;
import dev.medbase.tasks.functions.FunctionService;
import dev.medbase.tasks.queue.LogStore;
import dev.medbase.tasks.support.Wire;

/**
 * API functions (contract §9.3): {@code ANY /tasks/v1/api/{functionName}/…} runs the function with an
 * AWS-HTTP-API-v2-style event and answers what it returns. Every request is logged in {@code api_requests}
 * ({@code {functionName, method, path, userId?, applicationId?, statusCode, timestamp, duration (s), error?}}); the
 * run's output lines are its logs.
 */
@Service
public class ApiFunctionService {

    public static final String COLLECTION = "api_requests";
    /** API functions answer within this many seconds (1411 for functions with a larger timeLimit). */
    public static final int MAX_TIME_LIMIT = 30;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final RqlTranslator RQL = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("functionName", FieldType.STRING)
            .field("method", FieldType.STRING)
            .field("path", FieldType.STRING)
            .field("userId", FieldType.STRING)
            .field("applicationId", FieldType.STRING)
            .field("statusCode", FieldType.NUMBER)
            .field("timestamp", FieldType.DATE)
            .field("duration", FieldType.NUMBER)
            .field("error")
            .field("error.type", FieldType.STRING)
            .field("error.name", FieldType.STRING)
            .field("error.message", FieldType.STRING)
            .build();

    private final MongoTemplate mongo;
    private final FunctionService functions;
    private final Executors executors;
    private final LogStore logs;
    private final TasksProperties properties;
    private final Clock clock;
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();

    public ApiFunctionService(MongoTemplate mongo, FunctionService functions, Executors executors, LogStore logs,
                              TasksProperties properties, Clock clock) {
        this.mongo = mongo;
        this.functions = functions;
        this.executors = executors;
        this.logs = logs;
        this.properties = properties;
        this.clock = clock;
    }

    /** The incoming HTTP request, as the controller read it. */
    public record ApiCall(String method, String path, String rawQueryString, Map<String, String> headers,
                          byte[] body) {
    }

    public ResponseEntity<byte[]> call(Caller caller, String functionName, ApiCall call) {
        FunctionDef fn = functions.find(functionName).orElse(null);
        authorize(caller, fn, functionName);
        if (fn == null) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Function '" + functionName + "' is unknown");
        }
        if (fn.timeLimit() > MAX_TIME_LIMIT) {
            throw new ExhException(ExhError.API_FUNCTION_MAXIMUM_TIME_LIMIT, "The function's timeLimit of "
                    + fn.timeLimit() + " s is above the API function maximum of " + MAX_TIME_LIMIT + " s");
        }
        if (!fn.enabled()) {
            throw new ExhException(ExhError.LAMBDA_INVOCATION_EXCEPTION, "Function '" + functionName + "' is disabled");
        }
        FunctionExecutor executor = executors.find(fn.runtime()).orElseThrow(() -> new ExhException(
                ExhError.LAMBDA_INVOCATION_EXCEPTION, "Runtime '" + fn.runtime() + "' is not supported"));
        AtomicInteger counter = running.computeIfAbsent(functionName, k -> new AtomicInteger());
        if (counter.incrementAndGet() > properties.directConcurrency()) {
            counter.decrementAndGet();
            throw new ExhException(ExhError.CONCURRENT_API_FUNCTION_LIMIT_EXCEPTION,
                    "Function '" + functionName + "' already answers " + properties.directConcurrency()
                            + " requests");
        }
        ObjectId id = new ObjectId();
        Instant started = clock.instant();
        long startNanos = System.nanoTime();
        Document record = new Document("_id", id).append("functionName", functionName)
                .append("method", call.method()).append("path", call.path());
        if (caller.userId() != null) {
            record.append("userId", caller.userId());
        }
        if (caller.applicationId() != null) {
            record.append("applicationId", caller.applicationId());
        }
        record.append("timestamp", Date.from(started));
        try {
            ExecutionResult outcome;
            try {
                outcome = executor.execute(new Invocation(id.toHexString(), fn, event(caller, call), logs.sink(id)));
            } catch (RuntimeException e) {
                outcome = ExecutionResult.invocationError("The function could not be invoked");
            }
            if (!outcome.success()) {
                ExhException error = ExecutionResult.INVOCATION.equals(outcome.errorType())
                        ? new ExhException(ExhError.LAMBDA_INVOCATION_EXCEPTION, outcome.errorMessage())
                        : new ExhException(ExhError.LAMBDA_RUNTIME_EXCEPTION,
                                "The function failed: " + outcome.errorMessage(),
                                Map.of("runtimeError", runtimeError(outcome)));
                log(record, error.error().status().value(), errorOf(outcome.errorType(), outcome.errorName(),
                        outcome.errorMessage()), startNanos);
                throw error;
            }
            ResponseEntity<byte[]> response;
            try {
                response = response(outcome.result());
            } catch (IllegalArgumentException e) {
                log(record, ExhError.INVALID_API_FUNCTION_RESULT.status().value(),
                        errorOf("response", "InvalidApiFunctionResult", e.getMessage()), startNanos);
                throw new ExhException(ExhError.INVALID_API_FUNCTION_RESULT, e.getMessage());
            }
            log(record, response.getStatusCode().value(), null, startNanos);
            return response;
        } finally {
            counter.decrementAndGet();
        }
    }

    private static Map<String, Object> runtimeError(ExecutionResult outcome) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", outcome.errorName());
        m.put("message", outcome.errorMessage());
        return m;
    }

    private static Document errorOf(String type, String name, String message) {
        Document d = new Document();
        if (name != null) {
            d.append("name", name);
        }
        d.append("message", message).append("type", type);
        return d;
    }

    private void log(Document record, int status, Document error, long startNanos) {
        record.append("statusCode", status).append("duration", (System.nanoTime() - startNanos) / 1e9);
        if (error != null) {
            record.append("error", error);
        }
        mongo.insert(record, COLLECTION);
    }

    static void authorize(Caller caller, FunctionDef fn, String name) {
        String mode = fn == null ? "permissionRequired" : fn.permissionMode();
        switch (mode) {
            case "public" -> {
            }
            case "allUsers" -> caller.requireUser();
            default -> caller.requirePermission("EXECUTE_API_FUNCTION", name);
        }
    }

    /** The function's event (§9.3). */
    static Map<String, Object> event(Caller caller, ApiCall call) {
        Map<String, Object> headers = new LinkedHashMap<>();
        call.headers().forEach((k, v) -> {
            String name = k.toLowerCase(Locale.ROOT);
            if (!name.startsWith("x-exh-requesting-") && !name.equals("authorization")
                    && !name.equals("cookie")) {
                headers.put(name, v);
            }
        });
        if (caller.userId() != null) {
            headers.put("x-exh-requesting-user-id", caller.userId());
        }
        if (caller.applicationId() != null) {
            headers.put("x-exh-requesting-application-id", caller.applicationId());
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "2.0");
        event.put("rawPath", call.path());
        event.put("rawQueryString", call.rawQueryString() == null ? "" : "?" + call.rawQueryString());
        event.put("headers", headers);
        event.put("requestContext", Map.of("http", Map.of("method", call.method(), "path", call.path())));
        byte[] body = call.body();
        if (body != null && body.length > 0) {
            String type = String.valueOf(headers.getOrDefault("content-type", "")).toLowerCase(Locale.ROOT);
            boolean text = type.contains("json") || type.startsWith("text/") || type.contains("xml")
                    || type.contains("x-www-form-urlencoded");
            event.put("body", text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
            event.put("isBase64Encoded", !text);
        } else {
            event.put("isBase64Encoded", false);
        }
        return event;
    }

    /** The function's result as the HTTP answer; IllegalArgumentException when it is not a valid result. */
    @SuppressWarnings("unchecked")
    static ResponseEntity<byte[]> response(Object result) {
        if (!(result instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("An API function must return an object with a statusCode");
        }
        Object status = map.get("statusCode");
        if (!(status instanceof Integer code) || code < 200 || code > 499) {
            throw new IllegalArgumentException("The statusCode must be an integer from 200 to 499");
        }
        HttpHeaders headers = new HttpHeaders();
        Object h = map.get("headers");
        if (h != null) {
            if (!(h instanceof Map<?, ?> hm)) {
                throw new IllegalArgumentException("The headers must be an object");
            }
            for (Map.Entry<?, ?> e : hm.entrySet()) {
                Object v = e.getValue();
                if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                    throw new IllegalArgumentException("Header '" + e.getKey() + "' must be a string");
                }
                headers.set(String.valueOf(e.getKey()), String.valueOf(v));
            }
        }
        if (headers.getContentType() == null) {
            headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
        }
        Object body = map.get("body");
        Object base64 = map.get("isBase64Encoded");
        if (base64 != null && !(base64 instanceof Boolean)) {
            throw new IllegalArgumentException("isBase64Encoded must be a boolean");
        }
        byte[] bytes;
        if (body == null) {
            bytes = new byte[0];
        } else if (body instanceof String s) {
            if (Boolean.TRUE.equals(base64)) {
                try {
                    bytes = Base64.getDecoder().decode(s);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("The body is not valid base64");
                }
            } else {
                bytes = s.getBytes(StandardCharsets.UTF_8);
            }
        } else {
            bytes = JSON.writeValueAsBytes(body);
        }
        return ResponseEntity.status(code).headers(headers).body(bytes);
    }

    public PageEnvelope<Map<String, Object>> list(Caller caller, RqlQuery rql) {
        caller.requirePermission("VIEW_API_FUNCTION_REQUESTS");
        return RqlPaging.find(mongo, RQL.toQuery(rql), rql, Document.class, COLLECTION, d -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", d.getObjectId("_id").toHexString());
            for (String k : new String[] {"functionName", "method", "path", "userId", "applicationId",
                    "statusCode"}) {
                if (d.get(k) != null) {
                    out.put(k, d.get(k));
                }
            }
            out.put("timestamp", Wire.iso(d.getDate("timestamp")));
            out.put("duration", d.get("duration"));
            if (d.get("error") != null) {
                out.put("error", Wire.plain(d.get("error")));
            }
            return out;
        });
    }

    public Map<String, Object> logs(Caller caller, String requestId, RqlQuery rql) {
        caller.requirePermission("VIEW_API_FUNCTION_REQUEST_LOGS");
        ObjectId id = Wire.objectId(requestId);
        if (mongo.findById(id, Document.class, COLLECTION) == null) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "API request '" + requestId + "' is unknown");
        }
        if (!logs.any(id)) {
            throw new ExhException(ExhError.NO_API_REQUEST_LOGS_FOUND, "No logs were found for API request '"
                    + requestId + "'");
        }
        return logs.page(id, rql);
    }

}
