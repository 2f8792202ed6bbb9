package dev.medbase.tasks.support;

import java.nio.charset.StandardCharsets;

import tools.jackson.databind.JsonNode;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.tasks.TasksProperties;

/** Input limits shared by tasks and schedules. */
public final class TaskServiceLimits {

    private TaskServiceLimits() {
    }

    /** 15 when the serialised {@code data} exceeds {@code medbase.tasks.max-data-size} (250 KB). */
    public static void checkData(JsonNode data, TasksProperties properties) {
        long size = data.toString().getBytes(StandardCharsets.UTF_8).length;
        if (size > properties.maxDataSize().toBytes()) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "Field 'data' is " + size
                    + " bytes; the limit is " + properties.maxDataSize().toBytes());
        }
    }
}
