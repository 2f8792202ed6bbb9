package dev.medbase.tasks.functions;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Documentation only (OpenAPI, {@code @ApiBody} on {@link FunctionController}): task functions (contract §9.1),
 * camelCase. The example's {@code code} is a real zip of {@code index.js}:
 * {@code exports.handler = async (task) => ({ greeting: 'Hello ' + task.data.name });}
 */
final class FunctionDocs {

    private FunctionDocs() {
    }

    @Schema(description = "A new function; code is the base64 zip holding the entry point's file", example = """
            {"name": "hello-world", "description": "Greets whoever the task names", "runtime": "nodejs20.x",
             "entryPoint": "index.handler", "timeLimit": 30, "memoryLimit": 256,
             "environmentVariables": {"GREETING_STYLE": {"value": "friendly"}},
             "executionOptions": {"permissionMode": "permissionRequired", "defaultPriority": 1},
             "retryPolicy": {"enabled": true, "errorsToRetry": ["TimeoutError"]},
             "code": "UEsDBBQAAAAIAAAAIVzTJfANTQAAAE0AAAAIAAAAaW5kZXguanNLrSjILyop1stIzEvJSS1SsFVILK7MS1bQKEksztZUsLVT0\
            KhWSC9KTS3JzEu3UlD3SM3JyVdQV9BWACnQS0ksSdTLS8xNVajVtOYCAFBLAQIUAxQAAAAIAAAAIVzTJfANTQAAAE0AAAAIAAAAAAAAAAAAAA\
            CAAQAAAABpbmRleC5qc1BLBQYAAAAAAQABADYAAABzAAAAAAA="}""")
    record NewFunction(String name, String description,
                       @Schema(description = "nodejs…, python… or http") String runtime, String entryPoint,
                       @Schema(description = "Seconds, 3–300") Integer timeLimit,
                       @Schema(description = "MB, 128–10240") Integer memoryLimit,
                       Map<String, EnvironmentVariable> environmentVariables, ExecutionOptions executionOptions,
                       RetryPolicy retryPolicy, Boolean enabled, @Schema(format = "byte") String code) {}

    @Schema(description = "The fields to change", example = """
            {"description": "Greets whoever the task names, politely", "timeLimit": 20}""")
    record FunctionChanges(String name, String description, String runtime, String entryPoint, Integer timeLimit,
                           Integer memoryLimit, Map<String, EnvironmentVariable> environmentVariables,
                           ExecutionOptions executionOptions, RetryPolicy retryPolicy, Boolean enabled,
                           @Schema(format = "byte") String code) {}

    record EnvironmentVariable(String value) {}

    record ExecutionOptions(@Schema(allowableValues = {"permissionRequired", "allUsers", "public"})
                            String permissionMode, Integer defaultPriority) {}

    record RetryPolicy(Boolean enabled, List<String> errorsToRetry) {}

    @Schema(description = "A function's definition (never its code)")
    record Function(String name, String description, String runtime, String entryPoint, Integer timeLimit,
                    Integer memoryLimit, Map<String, EnvironmentVariable> environmentVariables,
                    ExecutionOptions executionOptions, RetryPolicy retryPolicy, Boolean enabled,
                    String updateTimestamp) {}

    record FunctionSummary(String name, String description, String updateTimestamp) {}
}
