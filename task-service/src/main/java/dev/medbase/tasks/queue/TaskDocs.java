package dev.medbase.tasks.queue;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Documentation only (OpenAPI, {@code @ApiBody} on {@link TaskController}): tasks and their logs (contract §9.1),
 * camelCase; {@code data} and {@code result} are the caller's and the function's own JSON.
 */
public final class TaskDocs {

    private TaskDocs() {
    }

    @Schema(description = "A task to queue for a function", example = """
            {"functionName": "hello-world", "data": {"name": "Ada"}, "tags": ["greeting"], "priority": 2,
             "startTimestamp": "2030-01-01T08:00:00.000Z"}""")
    record NewTask(String functionName, Map<String, Object> data, List<String> tags, Integer priority,
                   String startTimestamp) {}

    @Schema(description = "A task; error only when it failed")
    record Task(String id, String functionName,
                @Schema(allowableValues = {"new", "inProgress", "complete", "failed", "retried", "canceled"})
                String status, String statusChangedTimestamp, Map<String, Object> data, List<String> tags,
                String startTimestamp, Integer priority, String createdByApplicationId, String createdByUserId,
                String retriedByTaskId, List<String> retryForTaskIds, TaskError error, String creationTimestamp,
                String updateTimestamp) {}

    record TaskError(@Schema(allowableValues = {"runtime", "invocation"}) String type, String name,
                     String message) {}

    @Schema(description = "Nothing is read from it; the SDK sends {}", example = "{}")
    record Cancel() {}

    @Schema(description = "The input of a direct (synchronous) execution", example = """
            {"data": {"name": "Ada"}}""")
    record Execution(Map<String, Object> data) {}

    @Schema(description = "The completed task and what the function returned (not stored)")
    record Executed(String id, String functionName, String status, String statusChangedTimestamp,
                    Map<String, Object> data, List<String> tags, String startTimestamp, Integer priority,
                    String createdByApplicationId, String createdByUserId, TaskError error,
                    String creationTimestamp, String updateTimestamp,
                    @Schema(description = "The function's return value") Object result) {}

    @Schema(description = "A page of log lines, oldest first (no total)")
    public record Logs(LogsPage page, List<LogLine> data) {}

    public record LogsPage(long offset, int limit) {}

    public record LogLine(String message, String timestamp) {}
}
