package dev.medbase.tasks.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import dev.medbase.tasks.support.Wire;
import dev.medbase.tasks.testing.TaskApiTest;

class SchedulesTest extends TaskApiTest {

    @Autowired
    ScheduleService schedules;

    private int tasksOf(String fn) {
        return get("/tasks/v1/?eq(functionName," + fn + ")", ADMIN).json().path("page").path("total").asInt();
    }

    @Test
    void aScheduleCreatesOneTaskPerTick() {
        String fn = testFunction(Map.of());
        Instant start = clock.instant().plusSeconds(10);
        JsonNode created = post("/tasks/v1/schedules", ADMIN, Map.of("functionName", fn, "interval", 60,
                "data", Map.of("k", "v"), "priority", 2, "startTimestamp", Wire.iso(start))).expect(200).json();
        assertThat(created.path("id").asString()).matches("[0-9a-f]{24}");
        assertThat(created.path("interval").asInt()).isEqualTo(60);
        assertThat(created.path("startTimestamp").asString()).isEqualTo(Wire.iso(start));
        assertThat(created.path("nextTimestamp").asString()).isEqualTo(Wire.iso(start));
        assertThat(created.path("data").path("k").asString()).isEqualTo("v");

        assertThat(schedules.tick()).isZero();
        clock.advance(Duration.ofSeconds(10));
        assertThat(schedules.tick()).isEqualTo(1);
        assertThat(schedules.tick()).isZero();
        JsonNode task = get("/tasks/v1/?eq(functionName," + fn + ")", ADMIN).json().path("data").path(0);
        assertThat(task.path("startTimestamp").asString()).isEqualTo(Wire.iso(start));
        assertThat(task.path("priority").asInt()).isEqualTo(2);
        assertThat(task.path("data").path("k").asString()).isEqualTo("v");
        assertThat(worker.runDue()).isEqualTo(1);

        // missed ticks are skipped, not replayed
        clock.advance(Duration.ofSeconds(130));
        assertThat(schedules.tick()).isEqualTo(1);
        JsonNode listed = get("/tasks/v1/schedules?eq(id," + created.path("id").asString() + ")", ADMIN).expect(200)
                .json().path("data").path(0);
        assertThat(listed.path("nextTimestamp").asString()).isEqualTo(Wire.iso(start.plusSeconds(180)));
        assertThat(tasksOf(fn)).isEqualTo(2);

        assertThat(delete("/tasks/v1/schedules/" + created.path("id").asString(), ADMIN).expect(200).json()
                .path("affectedRecords").asInt()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(600));
        assertThat(schedules.tick()).isZero();
    }

    @Test
    void replicasTickingTogetherCreateEachTaskOnce() throws Exception {
        String fn = testFunction(Map.of());
        for (int i = 0; i < 5; i++) {
            post("/tasks/v1/schedules", ADMIN, Map.of("functionName", fn, "interval", 30)).expect(200);
        }
        ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
        List<Callable<Integer>> ticks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ticks.add(schedules::tick);
        }
        int total = 0;
        for (Future<Integer> f : threads.invokeAll(ticks)) {
            total += f.get();
        }
        threads.shutdown();
        assertThat(total).isEqualTo(5);
        assertThat(tasksOf(fn)).isEqualTo(5);
    }

    @Test
    void badInput() {
        String fn = testFunction(Map.of());
        post("/tasks/v1/schedules", ADMIN, "{").error(400, 22);
        post("/tasks/v1/schedules", ADMIN, null).error(400, 13);
        post("/tasks/v1/schedules", ADMIN, Map.of("functionName", fn)).error(400, 14);
        post("/tasks/v1/schedules", ADMIN, Map.of("interval", 10)).error(400, 14);
        post("/tasks/v1/schedules", ADMIN, Map.of("functionName", fn, "interval", "10")).error(400, 15);
        post("/tasks/v1/schedules", ADMIN, Map.of("functionName", fn, "interval", 0)).error(400, 15);
        post("/tasks/v1/schedules", ADMIN, Map.of("functionName", fn, "interval", 10, "data", 1)).error(400, 15);
        post("/tasks/v1/schedules", ADMIN, Map.of("functionName", fn, "interval", 10, "startTimestamp", "x"))
                .error(400, 15);
        post("/tasks/v1/schedules", ADMIN, Map.of("functionName", "nope-" + fn, "interval", 10)).error(404, 16);
        post("/tasks/v1/schedules", NOBODY, Map.of("functionName", fn, "interval", 10)).error(401, 10);
        get("/tasks/v1/schedules", NOBODY).error(401, 10);
        get("/tasks/v1/schedules", null).error(401, 104);
        delete("/tasks/v1/schedules/" + new ObjectId(), ADMIN).error(404, 16);
        delete("/tasks/v1/schedules/nope", ADMIN).error(400, 12);
        delete("/tasks/v1/schedules/" + new ObjectId(), NOBODY).error(401, 10);
    }
}
