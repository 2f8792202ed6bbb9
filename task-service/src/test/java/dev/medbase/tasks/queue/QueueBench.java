package dev.medbase.tasks.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.medbase.tasks.testing.TaskApiTest;

/**
 * Measurements, not assertions (docs/benchmarks.md). Not matched by surefire's default includes; run with
 * {@code ./mvnw -o -q -B -pl task-service -am test -Dtest=QueueBench -Dsurefire.failIfNoSpecifiedTests=false}
 * and read {@code task-service/target/surefire-reports/dev.medbase.tasks.queue.QueueBench-output.txt}.
 */
class QueueBench extends TaskApiTest {

    @Autowired
    TaskQueue queue;
    @Autowired
    TaskRunner runner;

    @Test
    void queueThroughputWithANoOpExecutor() throws Exception {
        String fn = testFunction(Map.of());
        int tasks = Integer.getInteger("bench.tasks", 2000);
        int workers = Integer.getInteger("bench.workers", 5);
        for (int i = 0; i < tasks; i++) {
            queue.create(new TaskQueue.NewTask(fn, Map.of("i", i), List.of(), null, i % 3, null, null, null, null));
        }
        ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(workers);
        List<Future<Integer>> results = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < workers; w++) {
            String owner = "bench-" + w;
            results.add(threads.submit(() -> {
                int ran = 0;
                Document task;
                while ((task = queue.claim(owner, name -> Duration.ofMinutes(1), Set.of())) != null) {
                    runner.run(task, owner);
                    ran++;
                }
                return ran;
            }));
        }
        int ran = 0;
        for (Future<Integer> f : results) {
            ran += f.get(10, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        threads.shutdown();
        System.out.printf("BENCH queue: %d no-op tasks, %d workers, %.2f s, %.0f tasks/s%n", ran, workers, seconds,
                ran / seconds);
    }

    @Test
    void nodeColdAndWarmStart() {
        String name = uniqueName("bench-node");
        post("/tasks/v1/functions", ADMIN, Map.of("name", name, "runtime", "nodejs20.x", "entryPoint",
                "index.handler", "code", zip(Map.of("index.js", "exports.handler = async () => 1;")),
                "executionOptions", Map.of("permissionMode", "public"))).expect(200);
        long t0 = System.nanoTime();
        post("/tasks/v1/functions/" + name + "/execute", null, Map.of()).expect(200);
        double cold = (System.nanoTime() - t0) / 1e6;
        List<Double> warm = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long t = System.nanoTime();
            post("/tasks/v1/functions/" + name + "/execute", null, Map.of()).expect(200);
            warm.add((System.nanoTime() - t) / 1e6);
        }
        warm.sort(Double::compare);
        System.out.printf("BENCH node: cold (unpack + start) %.0f ms, warm p50 %.0f ms, max %.0f ms%n", cold,
                warm.get(5), warm.get(9));
    }
}
