package dev.medbase.tasks.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import dev.medbase.tasks.executors.ProcessExecutor;
import dev.medbase.tasks.testing.TaskApiTest;

/** Real Node and Python functions run end to end through the queue and direct execution. */
class ProcessFunctionsTest extends TaskApiTest {

    static final String NODE = """
            exports.echo = async (task) => {
              console.log('hello from node', task.data.n);
              console.error('a warning');
              return { doubled: task.data.n * 2, id: task.id };
            };
            exports.fail = async () => { const e = new Error('it broke'); e.name = 'MyError'; throw e; };
            exports.loop = async () => { console.log('looping'); while (true) {} };
            exports.hog = async () => { const a = []; while (true) { a.push(new Array(1e6).fill(1)); } };
            exports.env = async () => Object.keys(process.env).sort();
            exports.envValue = async () => ({ mine: process.env.MY_VAR, configured: process.env.MEDBASE_TEST_CONFIGURED });
            """;

    static final String PYTHON = """
            def echo(task, context):
                print("hello from python", task["data"]["n"], flush=True)
                return {"tripled": task["data"]["n"] * 3}

            def fail(task, context):
                raise ValueError("bad value")

            def hog(task, context):
                blocks = []
                while True:
                    blocks.append(bytearray(50 * 1024 * 1024))

            def env(task, context):
                import os
                return sorted(os.environ.keys())
            """;

    @Autowired
    ProcessExecutor processes;

    private String function(String runtime, String entryPoint, Map<String, String> files, Map<String, Object> extra) {
        String name = uniqueName("proc");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("runtime", runtime);
        body.put("entryPoint", entryPoint);
        body.put("code", zip(files));
        body.putAll(extra);
        post("/tasks/v1/functions", ADMIN, body).expect(200);
        return name;
    }

    private String node(String handler, Map<String, Object> extra) {
        assumeTrue(processes.available("nodejs20.x"), "node is not installed here: Node function tests skipped");
        return function("nodejs20.x", "index." + handler, Map.of("index.js", NODE), extra);
    }

    private String python(String handler, Map<String, Object> extra) {
        assumeTrue(processes.available("python3.11"), "python3 is not installed here: Python function tests skipped");
        return function("python3.11", "lambda_function." + handler, Map.of("lambda_function.py", PYTHON), extra);
    }

    private JsonNode runTask(String fn, Map<String, Object> data) {
        String id = post("/tasks/v1/", ADMIN, Map.of("functionName", fn, "data", data)).expect(200).json()
                .path("id").asString();
        assertThat(worker.runDue()).isEqualTo(1);
        return task(id);
    }

    private List<String> logLines(String id) {
        JsonNode logs = get("/tasks/v1/" + id + "/logs", ADMIN).expect(200).json();
        return logs.path("data").valueStream().map(l -> l.path("message").asString()).toList();
    }

    @Test
    void nodeFunctionRunsAsTaskWithLogs() {
        String fn = node("echo", Map.of());
        JsonNode task = runTask(fn, Map.of("n", 21));
        assertThat(task.path("status").asString()).as(task.toString()).isEqualTo("complete");
        assertThat(logLines(task.path("id").asString())).contains("hello from node 21", "a warning");
    }

    @Test
    void nodeFunctionExecutedDirectlyReturnsItsResult() {
        String fn = node("echo", Map.of());
        JsonNode r = post("/tasks/v1/functions/" + fn + "/execute", ADMIN, Map.of("data", Map.of("n", 4)))
                .expect(200).json();
        assertThat(r.path("result").path("doubled").asInt()).isEqualTo(8);
        assertThat(r.path("result").path("id").asString()).isEqualTo(r.path("id").asString());
        assertThat(r.path("status").asString()).isEqualTo("complete");
        assertThat(r.path("functionName").asString()).isEqualTo(fn);
        // the result is not stored
        assertThat(task(r.path("id").asString()).has("result")).isFalse();
    }

    @Test
    void nodeErrorsAreRuntimeErrors() {
        String fn = node("fail", Map.of());
        JsonNode task = runTask(fn, Map.of());
        assertThat(task.path("status").asString()).isEqualTo("failed");
        assertThat(task.path("error").toString())
                .isEqualTo("{\"type\":\"runtime\",\"name\":\"MyError\",\"message\":\"it broke\"}");

        JsonNode error = post("/tasks/v1/functions/" + fn + "/execute", ADMIN, Map.of("data", Map.of()))
                .error(400, 1406).json();
        assertThat(error.path("taskId").asString()).matches("[0-9a-f]{24}");
        assertThat(error.path("runtimeError").toString()).isEqualTo("{\"name\":\"MyError\",\"message\":\"it broke\"}");
    }

    @Test
    void aFunctionThatRunsTooLongIsKilled() {
        String fn = node("loop", Map.of("timeLimit", 3));
        JsonNode task = runTask(fn, Map.of());
        assertThat(task.path("status").asString()).isEqualTo("failed");
        assertThat(task.path("error").path("name").asString()).isEqualTo("TimeoutError");
        assertThat(task.path("error").path("message").asString()).isEqualTo("Task timed out after 3.00 seconds");
        assertThat(logLines(task.path("id").asString())).contains("looping");
        assertThat(ProcessHandle.current().descendants().filter(p -> p.info().commandLine().orElse("")
                .contains("node-bootstrap")).count()).isZero();
    }

    @Test
    void nodeMemoryLimitIsEnforced() {
        String fn = node("hog", Map.of("memoryLimit", 128, "timeLimit", 60));
        JsonNode task = runTask(fn, Map.of());
        assertThat(task.path("status").asString()).isEqualTo("failed");
        assertThat(task.path("error").path("name").asString()).as(task.toString()).isEqualTo("MemoryLimitExceeded");
    }

    @Test
    void functionsSeeACleanEnvironment() {
        Set<String> allowed = Set.of("PATH", "HOME", "LANG", "TZ", "MEDBASE_FUNCTION_NAME", "MY_VAR",
                "MEDBASE_TEST_CONFIGURED");
        Set<String> parent = new HashSet<>(System.getenv().keySet());
        parent.removeAll(allowed);
        assumeTrue(!parent.isEmpty(), "the test JVM has no environment of its own to leak");
        String fn = node("env", Map.of("environmentVariables", Map.of("MY_VAR", Map.of("value", "v1"))));
        JsonNode r = post("/tasks/v1/functions/" + fn + "/execute", ADMIN, Map.of()).expect(200).json();
        Set<String> seen = new HashSet<>();
        r.path("result").forEach(k -> seen.add(k.asString()));
        assertThat(seen).contains("MY_VAR", "PATH", "MEDBASE_TEST_CONFIGURED").isSubsetOf(allowed)
                .doesNotContainAnyElementsOf(parent);

        String values = node("envValue", Map.of("environmentVariables", Map.of("MY_VAR", Map.of("value", "v1"))));
        JsonNode v = post("/tasks/v1/functions/" + values + "/execute", ADMIN, Map.of()).expect(200).json();
        assertThat(v.path("result").toString()).isEqualTo("{\"mine\":\"v1\",\"configured\":\"yes\"}");
    }

    @Test
    void pythonFunctionRunsWithLogsAndErrors() {
        String fn = python("echo", Map.of());
        JsonNode task = runTask(fn, Map.of("n", 5));
        assertThat(task.path("status").asString()).as(task.toString()).isEqualTo("complete");
        assertThat(logLines(task.path("id").asString())).contains("hello from python 5");
        JsonNode direct = post("/tasks/v1/functions/" + fn + "/execute", ADMIN, Map.of("data", Map.of("n", 2)))
                .expect(200).json();
        assertThat(direct.path("result").path("tripled").asInt()).isEqualTo(6);

        JsonNode failed = runTask(python("fail", Map.of()), Map.of());
        assertThat(failed.path("error").toString())
                .isEqualTo("{\"type\":\"runtime\",\"name\":\"ValueError\",\"message\":\"bad value\"}");
    }

    @Test
    void pythonMemoryLimitAndEnvironment() {
        JsonNode hog = runTask(python("hog", Map.of("memoryLimit", 128, "timeLimit", 30)), Map.of());
        assertThat(hog.path("error").path("name").asString()).as(hog.toString()).isEqualTo("MemoryLimitExceeded");
        String env = python("env", Map.of());
        JsonNode r = post("/tasks/v1/functions/" + env + "/execute", ADMIN, Map.of()).expect(200).json();
        Set<String> seen = new HashSet<>();
        r.path("result").forEach(k -> seen.add(k.asString()));
        assertThat(seen).isSubsetOf(Set.of("PATH", "HOME", "LANG", "TZ", "MEDBASE_FUNCTION_NAME",
                "MEDBASE_TEST_CONFIGURED", "LC_CTYPE"));
    }
    @Autowired
    dev.medbase.tasks.TasksProperties properties;

    @Test
    void newCodeIsANewVersionUnpackedOnce() throws Exception {
        String fn = node("echo", Map.of("executionOptions", Map.of("permissionMode", "public")));
        assertThat(post("/tasks/v1/functions/" + fn + "/execute", null, Map.of("data", Map.of("n", 1))).expect(200)
                .json().path("result").path("doubled").asInt()).isEqualTo(2);
        put("/tasks/v1/functions/" + fn, ADMIN, Map.of("code", zip(Map.of("index.js",
                "exports.echo = async (t) => ({ version: 2 });")))).expect(200);
        post("/tasks/v1/functions/" + fn + "/execute", null, Map.of()).expect(200);
        JsonNode r = post("/tasks/v1/functions/" + fn + "/execute", null, Map.of()).expect(200).json();
        assertThat(r.path("result").toString()).isEqualTo("{\"version\":2}");
        try (var versions = java.nio.file.Files.list(properties.cacheDir().resolve(fn))) {
            assertThat(versions.filter(java.nio.file.Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith(".")).count()).isEqualTo(2);
        }
        put("/tasks/v1/functions/" + fn, ADMIN, Map.of("code", zip(Map.of("other.js", "x")))).error(400, 1401);
    }
}
