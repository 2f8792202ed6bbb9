package dev.medbase.tasks.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.events.EventEnvelope;
import dev.medbase.tasks.TasksProperties;
import dev.medbase.tasks.support.Wire;
import dev.medbase.tasks.testing.TaskApiTest;
import dev.medbase.platform.testing.TestTokens;

class TaskQueueTest extends TaskApiTest {

    @Autowired
    TaskQueue queue;
    @Autowired
    TaskRunner runner;
    @Autowired
    TaskRequestedHandler requested;
    @Autowired
    dev.medbase.tasks.schedules.ScheduleService schedules;
    @Autowired
    dev.medbase.tasks.functions.FunctionService functions;
    @Autowired
    TasksProperties properties;

    private String createTask(String fn, Map<String, Object> body) {
        Map<String, Object> b = new java.util.LinkedHashMap<>(body);
        b.put("functionName", fn);
        return post("/tasks/v1/", ADMIN, b).expect(200).json().path("id").asString();
    }

    @Test
    void createdTaskHasTheWireShapeAndRunsToComplete() {
        String fn = testFunction(Map.of());
        TestTokens.Builder user = TestTokens.user().permissions("CREATE_TASKS");
        JsonNode created = post("/tasks/v1/", user.token(), Map.of("functionName", fn, "data", Map.of("a", 1),
                "tags", List.of("t1"), "priority", 3)).expect(200).json();
        assertThat(created.path("id").asString()).matches("[0-9a-f]{24}");
        assertThat(created.path("functionName").asString()).isEqualTo(fn);
        assertThat(created.path("status").asString()).isEqualTo("new");
        assertThat(created.path("data").path("a").asInt()).isEqualTo(1);
        assertThat(created.path("tags").path(0).asString()).isEqualTo("t1");
        assertThat(created.path("priority").asInt()).isEqualTo(3);
        assertThat(created.path("createdByUserId").asString()).isEqualTo(user.id());
        assertThat(created.path("createdByApplicationId").asString()).isEqualTo("app1");
        assertThat(created.path("startTimestamp").asString()).isEqualTo(Wire.iso(clock.instant()));
        assertThat(created.path("creationTimestamp").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(created.has("error")).isFalse();

        assertThat(worker.runDue()).isEqualTo(1);
        String id = created.path("id").asString();
        JsonNode done = task(id);
        assertThat(done.path("status").asString()).isEqualTo("complete");
        assertThat(events(id, "task_succeeded")).hasSize(1);

        JsonNode logs = get("/tasks/v1/" + id + "/logs", ADMIN).expect(200).json();
        assertThat(logs.path("page").has("total")).isFalse();
        assertThat(logs.path("page").path("offset").asInt()).isZero();
        assertThat(logs.path("data").path(0).path("message").asString()).isEqualTo("running " + id);
        assertThat(logs.path("data").path(0).path("timestamp").asString()).isNotEmpty();
    }

    @Test
    void listFiltersWithRqlAndPages() {
        String fn = testFunction(Map.of());
        createTask(fn, Map.of("tags", List.of("x")));
        createTask(fn, Map.of());
        JsonNode page = get("/tasks/v1/?eq(functionName," + fn + ")&limit(1)", ADMIN).expect(200).json();
        assertThat(page.path("page").path("total").asInt()).isEqualTo(2);
        assertThat(page.path("page").path("limit").asInt()).isEqualTo(1);
        assertThat(page.path("data")).hasSize(1);
        assertThat(get("/tasks/v1/?in(tags,x)", ADMIN).expect(200).json().path("page").path("total").asInt())
                .isEqualTo(1);
        get("/tasks/v1/?eq(", ADMIN).error(400, 19);
        get("/tasks/v1/?eq(secret,1)", ADMIN).error(400, 19);
        get("/tasks/v1/", NOBODY).error(401, 10);
        get("/tasks/v1/", null).error(401, 104);
    }

    @Test
    void dueTasksRunByPriorityThenStartTime() {
        String fn = testFunction(Map.of());
        Instant now = clock.instant();
        String low = createTask(fn, Map.of("priority", 1, "startTimestamp", Wire.iso(now.minusSeconds(10))));
        String high = createTask(fn, Map.of("priority", 5, "startTimestamp", Wire.iso(now.minusSeconds(5))));
        String highOlder = createTask(fn, Map.of("priority", 5, "startTimestamp", Wire.iso(now.minusSeconds(20))));
        String later = createTask(fn, Map.of("priority", 9, "startTimestamp", Wire.iso(now.plusSeconds(60))));

        assertThat(worker.runDue()).isEqualTo(3);
        assertThat(executor.runs).containsExactly(highOlder, high, low);
        assertThat(task(later).path("status").asString()).isEqualTo("new");

        clock.advance(Duration.ofSeconds(61));
        assertThat(worker.runDue()).isEqualTo(1);
        assertThat(executor.runs).last().isEqualTo(later);
    }

    @Test
    void twoWorkersRacingNeverRunOneTaskTwice() throws Exception {
        String fn = testFunction(Map.of());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(queue.create(new TaskQueue.NewTask(fn, Map.of(), List.of(), null, 0, null, null, null, null))
                    .getObjectId("_id").toHexString());
        }
        ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            String owner = "worker-" + w;
            workers.add(threads.submit(() -> {
                start.await();
                int ran = 0;
                Document task;
                while ((task = queue.claim(owner, name -> Duration.ofMinutes(1), Set.of())) != null) {
                    runner.run(task, owner);
                    ran++;
                }
                return ran;
            }));
        }
        start.countDown();
        int total = 0;
        for (Future<Integer> f : workers) {
            total += f.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();
        assertThat(total).isEqualTo(30);
        assertThat(executor.counts.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(executor.counts.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(get("/tasks/v1/?eq(status,complete)&eq(functionName," + fn + ")", ADMIN).json()
                .path("page").path("total").asInt()).isEqualTo(30);
    }

    @Test
    void aTaskHeldByADeadWorkerIsRunAgainAfterItsLease() {
        String fn = testFunction(Map.of());
        String id = createTask(fn, Map.of());
        Document claimed = queue.claim("dead-worker", name -> Duration.ofSeconds(30), Set.of());
        assertThat(claimed.getObjectId("_id").toHexString()).isEqualTo(id);
        assertThat(task(id).path("status").asString()).isEqualTo("inProgress");

        assertThat(worker.runDue()).isZero(); // leased
        clock.advance(Duration.ofSeconds(31));
        assertThat(worker.runDue()).isEqualTo(1);
        assertThat(task(id).path("status").asString()).isEqualTo("complete");
        // the dead worker coming back cannot overwrite the result
        assertThat(queue.finish(new ObjectId(id), "dead-worker", "failed", Map.of("type", "runtime",
                "message", "late"), null)).isFalse();
        assertThat(task(id).path("status").asString()).isEqualTo("complete");
    }

    @Test
    void cancelOnlyNewTasks() {
        String fn = testFunction(Map.of());
        String id = createTask(fn, Map.of());
        assertThat(post("/tasks/v1/" + id + "/cancel", ADMIN, Map.of()).expect(200).json()
                .path("affectedRecords").asInt()).isEqualTo(1);
        assertThat(task(id).path("status").asString()).isEqualTo("canceled");
        post("/tasks/v1/" + id + "/cancel", ADMIN, Map.of()).error(400, 27);
        assertThat(worker.runDue()).isZero();

        String ran = createTask(fn, Map.of());
        worker.runDue();
        post("/tasks/v1/" + ran + "/cancel", ADMIN, Map.of()).error(400, 27);
        post("/tasks/v1/" + new ObjectId() + "/cancel", ADMIN, Map.of()).error(404, 16);
        post("/tasks/v1/not-an-id/cancel", ADMIN, Map.of()).error(400, 12);
        post("/tasks/v1/" + createTask(fn, Map.of()) + "/cancel", NOBODY, Map.of()).error(401, 10);
        post("/tasks/v1/" + createTask(fn, Map.of()) + "/cancel", null, null).error(401, 104);
    }

    @Test
    void retryPolicyCreatesFollowUpTasksThenFails() {
        String fn = testFunction(Map.of("retryPolicy", Map.of("enabled", true, "errorsToRetry", List.of("Boom"))));
        String first = createTask(fn, Map.of("data", Map.of("behavior", "fail:Boom")));
        assertThat(worker.runDue()).isEqualTo(1);
        JsonNode failed = task(first);
        assertThat(failed.path("status").asString()).isEqualTo("retried");
        assertThat(failed.path("error").path("type").asString()).isEqualTo("runtime");
        assertThat(failed.path("error").path("name").asString()).isEqualTo("Boom");
        String second = failed.path("retriedByTaskId").asString();
        JsonNode retry = task(second);
        assertThat(retry.path("status").asString()).isEqualTo("new");
        assertThat(retry.path("retryForTaskIds").toString()).isEqualTo("[\"" + first + "\"]");
        assertThat(retry.path("data").path("behavior").asString()).isEqualTo("fail:Boom");
        assertThat(retry.path("startTimestamp").asString()).isEqualTo(Wire.iso(clock.instant().plusSeconds(2)));

        assertThat(worker.runDue()).isZero(); // not due before 2 s
        List<String> chain = new ArrayList<>(List.of(first, second));
        for (int delay : new int[] {2, 5, 10}) {
            clock.advance(Duration.ofSeconds(delay));
            assertThat(worker.runDue()).isEqualTo(1);
            String next = task(chain.get(chain.size() - 1)).path("retriedByTaskId").asString();
            if (!next.isEmpty()) {
                chain.add(next);
            }
        }
        assertThat(chain).hasSize(4); // the task and 3 retries
        JsonNode last = task(chain.get(3));
        assertThat(last.path("status").asString()).isEqualTo("failed");
        assertThat(last.path("retryForTaskIds")).hasSize(3);
        assertThat(events(chain.get(3), "task_failed")).singleElement()
                .satisfies(e -> assertThat(e.path("error").path("name").asString()).isEqualTo("Boom"));
        assertThat(events(first, "task_failed")).isEmpty();
    }

    @Test
    void errorsOutsideTheRetryFilterFailAtOnce() {
        String fn = testFunction(Map.of("retryPolicy", Map.of("enabled", true, "errorsToRetry", List.of("Boom"))));
        String id = createTask(fn, Map.of("data", Map.of("behavior", "fail:Other")));
        worker.runDue();
        JsonNode t = task(id);
        assertThat(t.path("status").asString()).isEqualTo("failed");
        assertThat(t.has("retriedByTaskId")).isFalse();
        assertThat(events(id, "task_failed")).hasSize(1);

        String invocation = createTask(testFunction(Map.of()), Map.of("data", Map.of("behavior", "invocation")));
        worker.runDue();
        assertThat(task(invocation).path("error").toString())
                .isEqualTo("{\"type\":\"invocation\",\"message\":\"cannot invoke\"}");
    }

    @Test
    void disabledAndRemovedFunctionsFailTheirTasks() {
        String fn = testFunction(Map.of());
        String id = createTask(fn, Map.of());
        post("/tasks/v1/functions/" + fn + "/disable", ADMIN, Map.of()).expect(200);
        worker.runDue();
        assertThat(task(id).path("error").path("message").asString()).contains("disabled");
        assertThat(executor.runs).isEmpty();
    }

    @Test
    void logsOfTasksThatDidNotRunOrLoggedNothing() {
        String fn = testFunction(Map.of());
        String id = createTask(fn, Map.of());
        get("/tasks/v1/" + id + "/logs", ADMIN).error(400, 27);
        get("/tasks/v1/" + new ObjectId() + "/logs", ADMIN).error(404, 16);
        get("/tasks/v1/bad/logs", ADMIN).error(400, 12);
        get("/tasks/v1/" + id + "/logs", NOBODY).error(401, 10);
        post("/tasks/v1/functions/" + fn + "/disable", ADMIN, Map.of()).expect(200);
        worker.runDue(); // fails before running: no logs
        get("/tasks/v1/" + id + "/logs", ADMIN).error(400, 1408);
    }

    @Test
    void badInputOnCreate() {
        String fn = testFunction(Map.of());
        post("/tasks/v1/", ADMIN, "{\"functionName\":").error(400, 22);
        post("/tasks/v1/", ADMIN, null).error(400, 13);
        post("/tasks/v1/", ADMIN, "[]").error(400, 22);
        post("/tasks/v1/", ADMIN, Map.of("data", Map.of())).error(400, 14);
        post("/tasks/v1/", ADMIN, Map.of("functionName", 5)).error(400, 15);
        post("/tasks/v1/", ADMIN, Map.of("functionName", fn, "priority", "high")).error(400, 15);
        post("/tasks/v1/", ADMIN, Map.of("functionName", fn, "startTimestamp", "tomorrow")).error(400, 15);
        post("/tasks/v1/", ADMIN, Map.of("functionName", fn, "tags", "x")).error(400, 15);
        post("/tasks/v1/", ADMIN, Map.of("functionName", fn, "data", List.of(1))).error(400, 15);
        post("/tasks/v1/", ADMIN, Map.of("functionName", fn, "status", "complete")).error(400, 15);
        post("/tasks/v1/", ADMIN, Map.of("functionName", "nope-" + fn)).error(404, 16);
        post("/tasks/v1/", NOBODY, Map.of("functionName", fn)).error(401, 10);
        post("/tasks/v1/", null, Map.of("functionName", fn)).error(401, 104);
        String big = "x".repeat(251 * 1024);
        post("/tasks/v1/", ADMIN, Map.of("functionName", fn, "data", Map.of("big", big))).error(400, 15);
        post("/tasks/v1/", ADMIN, Map.of("functionName", fn, "data", Map.of("big", "x".repeat(200 * 1024))))
                .expect(200);
    }

    @Test
    void taskRequestedEventsCreateOneTaskEach() {
        String fn = testFunction(Map.of());
        EventEnvelope event = EventEnvelope.create("task_requested", "data", "doc1", Map.of("functionName", fn,
                "priority", 1, "data", Map.of("schemaId", "s1", "documentId", "doc1"), "initiatorId", "u1"));
        requested.handle(event);
        requested.handle(event); // redelivered
        JsonNode page = get("/tasks/v1/?eq(functionName," + fn + ")", ADMIN).json();
        assertThat(page.path("page").path("total").asInt()).isEqualTo(1);
        JsonNode t = page.path("data").path(0);
        assertThat(t.path("data").path("documentId").asString()).isEqualTo("doc1");
        assertThat(t.path("priority").asInt()).isEqualTo(1);
        assertThat(t.path("createdByUserId").asString()).isEqualTo("u1");
        assertThat(t.path("status").asString()).isEqualTo("new");
        assertThat(t.has("sourceEventId")).isFalse();
        requested.handle(EventEnvelope.create("task_requested", "data", "doc1", Map.of("priority", 1)));
        assertThat(get("/tasks/v1/", ADMIN).json().path("page").path("total").asInt()).isEqualTo(1);

        // a dispatcher command (event-service, medbase.events)
        String withDefault = testFunction(Map.of("executionOptions", Map.of("defaultPriority", 7)));
        Map<String, Object> command = new java.util.LinkedHashMap<>();
        command.put("functionName", withDefault);
        command.put("data", Map.of("event", Map.of("type", "user_created")));
        command.put("tags", List.of("tag1"));
        command.put("priority", null);
        command.put("startTimestamp", "2030-01-02T03:04:05.678Z");
        command.put("dispatcherId", "d1");
        requested.handle(EventEnvelope.create("task_requested", "events", "u1", command));
        JsonNode t2 = get("/tasks/v1/?eq(functionName," + withDefault + ")", ADMIN).json().path("data").path(0);
        assertThat(t2.path("priority").asInt()).isEqualTo(7);
        assertThat(t2.path("tags").toString()).isEqualTo("[\"tag1\"]");
        assertThat(t2.path("startTimestamp").asString()).isEqualTo("2030-01-02T03:04:05.678Z");
        assertThat(t2.path("data").path("event").path("type").asString()).isEqualTo("user_created");
        assertThat(requested.topics()).containsExactlyInAnyOrder("medbase.data", "medbase.events");
    }

    @Test
    void aFunctionAtItsConcurrencyLimitWaitsWhileOthersRun() {
        String busy = testFunction(Map.of());
        String other = testFunction(Map.of());
        for (int i = 0; i < 6; i++) {
            createTask(busy, Map.of());
        }
        String free = createTask(other, Map.of());
        for (int i = 0; i < 5; i++) { // function-concurrency is 5: another replica holds five runs
            assertThat(queue.claim("other-replica", name -> Duration.ofMinutes(5), Set.of()).getString("functionName"))
                    .isEqualTo(busy);
        }
        assertThat(worker.runDue()).isEqualTo(1);
        assertThat(executor.runs).containsExactly(free);
        assertThat(get("/tasks/v1/?eq(functionName," + busy + ")&eq(status,new)", ADMIN).json()
                .path("page").path("total").asInt()).isEqualTo(1);
    }

    @Test
    void aPollingWorkerThatWasIdleStillLeavesAFunctionAtItsLimitOnAnotherReplicaAlone() throws Exception {
        worker.runDue(); // what earlier tests left due runs now, not under the polling worker
        String busy = testFunction(Map.of());
        String other = testFunction(Map.of());
        for (int i = 0; i < 5; i++) { // function-concurrency is 5: another replica holds five runs
            createTask(busy, Map.of());
            assertThat(queue.claim("other-replica", name -> Duration.ofMinutes(5), Set.of())).isNotNull();
        }
        TaskWorker poller = new TaskWorker(queue, runner, schedules, functions, polling(Duration.ofMillis(20)), clock);
        poller.start();
        try {
            Thread.sleep(100); // idle: nothing is due, so the worker's next read does not count running tasks first
            String waiting = createTask(busy, Map.of());
            String free = createTask(other, Map.of());
            for (int i = 0; i < 200 && !executor.runs.contains(free); i++) {
                Thread.sleep(20);
            }
            Thread.sleep(200); // ten more polls
            assertThat(executor.runs).containsExactly(free);
            assertThat(get("/tasks/v1/?eq(id," + waiting + ")", ADMIN).json().path("data").path(0).path("status")
                    .asString()).isEqualTo("new");
        } finally {
            poller.stop();
        }
    }

    /** The worker settings of these tests, with the worker on and the given idle poll interval. */
    private TasksProperties polling(Duration idlePollInterval) {
        return new TasksProperties(true, Duration.ofMillis(20), idlePollInterval, properties.concurrency(),
                properties.functionConcurrency(), properties.directConcurrency(), properties.leaseMargin(),
                properties.maxDataSize(), properties.maxLogBytes(), properties.cacheDir(), properties.nodeCommand(),
                properties.pythonCommand(), properties.apiHost(), properties.functionEnvironment(),
                properties.httpSigningSecret());
    }

    @Test
    void anIdleWorkerRunsWhatIsQueuedThroughItsReplicaWhenItFallsDueWithoutPollingTheQueue() throws Exception {
        worker.runDue(); // what earlier tests left due runs now, not under the polling worker
        String fn = testFunction(Map.of());
        // real time here: the worker waits in real time for a start time the queue's clock must reach
        TaskQueue realTime = new TaskQueue(mongo, java.time.Clock.systemUTC());
        TaskWorker poller = new TaskWorker(realTime, runner, schedules, functions, polling(Duration.ofHours(1)),
                java.time.Clock.systemUTC());
        poller.start();
        try {
            Thread.sleep(100); // the first read found nothing: idle, its next unprompted read an hour away
            String later = realTime.create(new TaskQueue.NewTask(fn, Map.of(), List.of(),
                    Instant.now().plusMillis(300), 0, null, null, null, null)).getObjectId("_id").toHexString();
            String requested = realTime.createOnce(new TaskQueue.NewTask(fn, Map.of(), List.of(), null, 0, null,
                    null, null, "event-" + new ObjectId())).getObjectId("_id").toHexString();
            for (int i = 0; i < 500 && executor.runs.size() < 2; i++) {
                Thread.sleep(20);
            }
            assertThat(executor.runs).containsExactly(requested, later);
        } finally {
            poller.stop();
        }
    }

    @Test
    void aClaimedTaskCanNoLongerBeCanceled() {
        String fn = testFunction(Map.of());
        String id = createTask(fn, Map.of());
        queue.claim("w1", name -> Duration.ofMinutes(1), Set.of());
        post("/tasks/v1/" + id + "/cancel", ADMIN, Map.of()).error(400, 27);
        String second = createTask(fn, Map.of());
        post("/tasks/v1/" + second + "/cancel", ADMIN, Map.of()).expect(200);
        assertThat(queue.claim("w1", name -> Duration.ofMinutes(1), Set.of())).isNull();
    }

    @Test
    void aDueTaskReadBeforeAnotherWorkerClaimedItOrItWasCanceledIsNotClaimed() {
        String fn = testFunction(Map.of());
        String taken = createTask(fn, Map.of());
        String canceled = createTask(fn, Map.of());
        List<Document> due = queue.due(10, Set.of());
        assertThat(due).extracting(d -> d.getObjectId("_id").toHexString()).contains(taken, canceled);
        Document takenCandidate = due.stream().filter(d -> d.getObjectId("_id").toHexString().equals(taken))
                .findFirst().orElseThrow();
        Document canceledCandidate = due.stream().filter(d -> d.getObjectId("_id").toHexString().equals(canceled))
                .findFirst().orElseThrow();

        assertThat(queue.claim(takenCandidate, "w1", Duration.ofMinutes(1))).isNotNull();
        assertThat(queue.claim(takenCandidate, "w2", Duration.ofMinutes(1))).as("w1 has it").isNull();
        post("/tasks/v1/" + canceled + "/cancel", ADMIN, Map.of()).expect(200);
        assertThat(queue.claim(canceledCandidate, "w2", Duration.ofMinutes(1))).isNull();

        // w1 dies: once its lease ran out, the task is due again and taken over exactly once
        clock.advance(Duration.ofMinutes(2));
        Document lapsed = queue.due(10, Set.of()).get(0);
        assertThat(lapsed.getObjectId("_id").toHexString()).isEqualTo(taken);
        assertThat(queue.claim(lapsed, "w2", Duration.ofMinutes(1)).getString("leaseOwner")).isEqualTo("w2");
        assertThat(queue.claim(lapsed, "w3", Duration.ofMinutes(1))).isNull();
    }

    @Test
    void aClaimTakesTheLeaseItsFunctionNeedsAndAShorterLeaseIsExtendedBeforeTheRun() throws Exception {
        String fn = testFunction(Map.of("timeLimit", 60));
        TaskWorker worker = new TaskWorker(queue, runner, schedules, functions, properties, clock);
        assertThat(worker.lease(fn)).isEqualTo(Duration.ofSeconds(60).plus(properties.leaseMargin()));
        assertThat(worker.lease("no-such-function")).isEqualTo(properties.leaseMargin());

        for (Duration claimed : List.of(worker.lease(fn), Duration.ofSeconds(1))) {
            String id = createTask(fn, Map.of("data", Map.of("behavior", "block")));
            Document task = queue.claim("w1", f -> claimed, Set.of());
            java.util.Date claimedUntil = task.getDate("leaseUntil");
            executor.gate = new CountDownLatch(1);
            executor.entered = new CountDownLatch(1);
            Thread run = new Thread(() -> runner.run(task, "w1"));
            run.start();
            assertThat(executor.entered.await(30, TimeUnit.SECONDS)).isTrue();
            java.util.Date during = mongo.findById(new ObjectId(id), Document.class, "tasks")
                    .getDate("leaseUntil");
            executor.release();
            run.join(30_000);
            assertThat(during.toInstant()).as("lease while running, claimed for %s", claimed)
                    .isAfterOrEqualTo(clock.instant().plusSeconds(60));
            if (claimed.getSeconds() > 60) {
                assertThat(during).as("a claim with the function's lease is not extended").isEqualTo(claimedUntil);
            }
            assertThat(task(id).path("status").asString()).isEqualTo("complete");
        }
    }

    @Test
    void theBackgroundWorkerRunsTasks() throws Exception {
        String fn = testFunction(Map.of());
        String id = createTask(fn, Map.of());
        TasksProperties p = new TasksProperties(true, Duration.ofMillis(20),
                Duration.ofSeconds(5), 2, 5,
                5, Duration.ofSeconds(30), org.springframework.util.unit.DataSize.ofKilobytes(250),
                org.springframework.util.unit.DataSize.ofMegabytes(1), null, "node", "python3", null, null, null);
        TaskWorker background = new TaskWorker(queue, runner, schedules, functions, p, clock);
        background.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!task(id).path("status").asString().equals("complete") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            background.stop();
        }
        assertThat(task(id).path("status").asString()).isEqualTo("complete");
        assertThat(executor.runs).containsExactly(id);
    }

    @Test
    void aWokenWorkerDrainsTheQueueWithoutWaitingForItsPollInterval() throws Exception {
        String fn = testFunction(Map.of());
        List<String> ids = List.of(createTask(fn, Map.of()), createTask(fn, Map.of()), createTask(fn, Map.of()));
        // one slot and an hour between polls: only the wake-up and the ends of runs can start these tasks
        TasksProperties p = new TasksProperties(true, Duration.ofHours(1),
                Duration.ofHours(1), 1, 5,
                5, Duration.ofSeconds(30), org.springframework.util.unit.DataSize.ofKilobytes(250),
                org.springframework.util.unit.DataSize.ofMegabytes(1), null, "node", "python3", null, null, null);
        TaskWorker background = new TaskWorker(queue, runner, schedules, functions, p, clock);
        background.start();
        try {
            background.wakeUp();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ids.stream().anyMatch(id -> !task(id).path("status").asString().equals("complete"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            background.stop();
        }
        assertThat(ids).allSatisfy(id -> assertThat(task(id).path("status").asString()).isEqualTo("complete"));
        assertThat(executor.runs).containsExactlyElementsOf(ids);
    }
    @Test
    void aTaskThatKeepsKillingItsWorkersFails() {
        String fn = testFunction(Map.of());
        String id = createTask(fn, Map.of());
        for (int i = 0; i < 3; i++) {
            assertThat(queue.claim("crashing-" + i, name -> Duration.ofSeconds(30), Set.of())).isNotNull();
            clock.advance(Duration.ofSeconds(31));
        }
        assertThat(worker.runDue()).isEqualTo(1);
        JsonNode t = task(id);
        assertThat(t.path("status").asString()).isEqualTo("failed");
        assertThat(t.path("error").path("type").asString()).isEqualTo("invocation");
        assertThat(executor.runs).isEmpty();
    }
    @Test
    void aDirectExecutionCutShortByAStopIsFailedNotRunAgain() {
        String fn = testFunction(Map.of());
        String id = queue.createDirect(new TaskQueue.NewTask(fn, Map.of(), List.of(), null, 0, null, null, null,
                null), "direct:gone", Duration.ofSeconds(30)).getObjectId("_id").toHexString();
        assertThat(worker.runDue()).isZero();
        clock.advance(Duration.ofSeconds(31));
        assertThat(worker.runDue()).isEqualTo(1);
        JsonNode t = task(id);
        assertThat(t.path("status").asString()).isEqualTo("failed");
        assertThat(t.path("error").path("message").asString()).contains("interrupted");
        assertThat(executor.runs).isEmpty();
    }
}
