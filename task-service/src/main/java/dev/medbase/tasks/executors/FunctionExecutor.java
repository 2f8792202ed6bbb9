package dev.medbase.tasks.executors;

/**
 * Runs functions of some runtimes. Implementations: {@link ProcessExecutor} ({@code nodejs*}, {@code python*}) and
 * {@link HttpExecutor} ({@code http}); a Kubernetes Job executor would be one more bean. The first bean that
 * {@link #supports} a runtime runs it.
 *
 * <p>{@link #execute} must never throw for a function's own failure; it answers an {@link ExecutionResult} error,
 * and it must return within the function's {@code timeLimit} (plus a little).
 */
public interface FunctionExecutor {

    boolean supports(String runtime);

    /** Checks a definition when it is created or updated; throws an ExH 14xx error when it cannot run. */
    void validate(String runtime, String entryPoint, byte[] code);

    ExecutionResult execute(Invocation invocation);
}
