package dev.medbase.tasks.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.medbase.tasks.executors.ExecutionResult;
import dev.medbase.tasks.executors.FunctionExecutor;
import dev.medbase.tasks.executors.Invocation;

/**
 * Runtime {@code test}: behaves as the task's {@code data.behavior} says — {@code ok} (default, answers
 * {@code {echo: data}}), {@code fail:<Name>} (runtime error), {@code invocation} (invocation error), {@code block}
 * (waits for {@link #release}). Records every run.
 */
public class TestExecutor implements FunctionExecutor {

    public final List<String> runs = new CopyOnWriteArrayList<>();
    public final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    public volatile CountDownLatch gate = new CountDownLatch(0);
    public volatile CountDownLatch entered = new CountDownLatch(0);

    public void reset() {
        runs.clear();
        counts.clear();
    }

    public void release() {
        gate.countDown();
    }

    @Override
    public boolean supports(String runtime) {
        return "test".equals(runtime);
    }

    @Override
    public void validate(String runtime, String entryPoint, byte[] code) {
    }

    @Override
    @SuppressWarnings("unchecked")
    public ExecutionResult execute(Invocation invocation) {
        runs.add(invocation.id());
        counts.computeIfAbsent(invocation.id(), k -> new AtomicInteger()).incrementAndGet();
        Map<String, Object> data = (Map<String, Object>) invocation.event().get("data");
        Object behavior = data == null ? null : data.get("behavior");
        invocation.logs().line("running " + invocation.id());
        if (behavior instanceof String b && b.startsWith("fail:")) {
            return ExecutionResult.runtimeError(b.substring(5), "failed on purpose");
        }
        if ("invocation".equals(behavior)) {
            return ExecutionResult.invocationError("cannot invoke");
        }
        if ("block".equals(behavior)) {
            entered.countDown();
            try {
                gate.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ExecutionResult.ok(Map.of("echo", data == null ? Map.of() : data));
    }
}
