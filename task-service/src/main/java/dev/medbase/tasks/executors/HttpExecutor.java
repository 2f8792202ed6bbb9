package dev.medbase.tasks.executors;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.tasks.TasksProperties;

/**
 * Runs {@code http} functions, hosted elsewhere: the {@code entryPoint} is an http(s) URL that receives
 * {@code POST} with the event (the task) as JSON and answers the result.
 *
 * <p>Signed request: {@code X-Medbase-Timestamp} (epoch seconds) and {@code X-Medbase-Signature:
 * sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with medbase.tasks.http-signing-secret>}; receivers should reject
 * old timestamps. Answers: 2xx → the JSON body is the result (empty = null); another status → a runtime error, named
 * and described by the body's {@code name}/{@code message} when it has them; no answer within {@code timeLimit} →
 * {@code TimeoutError}; unreachable → invocation error. The response's {@code X-Medbase-Log} headers, if any,
 * become log lines.
 */
public class HttpExecutor implements FunctionExecutor {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TasksProperties properties;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public HttpExecutor(TasksProperties properties) {
        this.properties = properties;
    }

    @Override
    public boolean supports(String runtime) {
        return "http".equals(runtime);
    }

    @Override
    public void validate(String runtime, String entryPoint, byte[] code) {
        try {
            URI uri = URI.create(entryPoint);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ExhException(ExhError.INVALID_FUNCTION_PARAMETER,
                    "An http function's entryPoint must be an http(s) URL");
        }
    }

    public static String signature(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public ExecutionResult execute(Invocation invocation) {
        byte[] body = JSON.writeValueAsBytes(invocation.event());
        String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(invocation.function().entryPoint()))
                .timeout(Duration.ofSeconds(invocation.function().timeLimit()))
                .header("Content-Type", "application/json")
                .header("X-Medbase-Function", invocation.function().name())
                .header("X-Medbase-Timestamp", timestamp)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (properties.httpSigningSecret() != null && !properties.httpSigningSecret().isEmpty()) {
            request.header("X-Medbase-Signature", signature(properties.httpSigningSecret(), timestamp, body));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            return ExecutionResult.runtimeError("TimeoutError",
                    String.format("Task timed out after %d.00 seconds", invocation.function().timeLimit()));
        } catch (IOException e) {
            return ExecutionResult.invocationError("The function's URL could not be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExecutionResult.invocationError("The execution was interrupted");
        }
        response.headers().allValues("X-Medbase-Log").forEach(invocation.logs()::line);
        JsonNode json = null;
        try {
            json = response.body() == null || response.body().isBlank() ? null : JSON.readTree(response.body());
        } catch (RuntimeException e) {
            if (response.statusCode() / 100 == 2) {
                return ExecutionResult.runtimeError("InvalidResult", "The function's answer is not JSON");
            }
        }
        if (response.statusCode() / 100 == 2) {
            return ExecutionResult.ok(json == null ? null : JSON.treeToValue(json, Object.class));
        }
        String name = json != null && json.path("name").isString() ? json.path("name").stringValue() : "HttpError";
        String message = json != null && json.path("message").isString() ? json.path("message").stringValue()
                : "The function answered HTTP " + response.statusCode();
        return ExecutionResult.runtimeError(name, message);
    }
}
