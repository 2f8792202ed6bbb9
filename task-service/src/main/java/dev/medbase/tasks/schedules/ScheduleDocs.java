package dev.medbase.tasks.schedules;

import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/** Documentation only (OpenAPI, {@code @ApiBody} on {@link ScheduleController}): schedules (§9.1), camelCase. */
final class ScheduleDocs {

    private ScheduleDocs() {
    }

    @Schema(description = "Queues a task for the function every interval seconds from startTimestamp", example = """
            {"functionName": "hello-world", "interval": 3600, "data": {"name": "Ada"}, "priority": 1,
             "startTimestamp": "2030-01-01T08:00:00.000Z"}""")
    record NewSchedule(String functionName, @Schema(description = "Seconds") Integer interval,
                       Map<String, Object> data, Integer priority, String startTimestamp) {}

    record Schedule(String id, String functionName, Integer interval, Map<String, Object> data, Integer priority,
                    String startTimestamp, String nextTimestamp, String creationTimestamp, String updateTimestamp) {}
}
