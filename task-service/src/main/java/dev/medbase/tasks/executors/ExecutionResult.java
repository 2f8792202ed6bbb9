package dev.medbase.tasks.executors;

/**
 * How a run ended: a result (any JSON value, may be null) or an error. {@code type} is {@code runtime} (the function
 * ran and failed: threw, timed out, ran out of memory, crashed) or {@code invocation} (it could not be started).
 */
public record ExecutionResult(boolean success, Object result, String errorType, String errorName,
                              String errorMessage) {

    public static final String RUNTIME = "runtime";
    public static final String INVOCATION = "invocation";

    public static ExecutionResult ok(Object result) {
        return new ExecutionResult(true, result, null, null, null);
    }

    public static ExecutionResult runtimeError(String name, String message) {
        return new ExecutionResult(false, null, RUNTIME, name, message);
    }

    public static ExecutionResult invocationError(String message) {
        return new ExecutionResult(false, null, INVOCATION, null, message);
    }
}
