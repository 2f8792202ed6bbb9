package dev.medbase.tasks.executors;

import java.util.Map;

import dev.medbase.tasks.functions.FunctionDef;

/**
 * One run of a function.
 *
 * @param id    the task id (also the id of the run's logs)
 * @param event the JSON object the handler receives: the task ({@code id, functionName, data, …}) or, for API
 *              functions, the HTTP event
 * @param logs  where the run's output lines go, as they come
 */
public record Invocation(String id, FunctionDef function, Map<String, Object> event, LogSink logs) {

    /** Receives output lines of a run. */
    @FunctionalInterface
    public interface LogSink {
        void line(String message);
    }
}
