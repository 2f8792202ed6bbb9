package dev.medbase.tasks.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import dev.medbase.tasks.TasksProperties;
import dev.medbase.tasks.executors.CodePackage;
import dev.medbase.tasks.executors.HttpExecutor;
import dev.medbase.tasks.testing.TaskApiTest;
import dev.medbase.platform.testing.TestTokens;

/** Function definitions, code checks, direct execution rules and the HTTP executor. */
@TestPropertySource(properties = "medbase.tasks.http-signing-secret=s3cret")
class FunctionsApiTest extends TaskApiTest {

    @Autowired
    TasksProperties properties;

    private Map<String, Object> nodeFunction(String name, String code) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("runtime", "nodejs20.x");
        body.put("entryPoint", "index.handler");
        body.put("code", code);
        return body;
    }

    private static String rawZip(String entryName, String content) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(entryName));
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("index.js"));
            zip.write("exports.handler = async () => 1;".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    @Test
    void crudWithTheWireShapes() {
        String name = uniqueName("crud");
        Map<String, Object> body = nodeFunction(name, zip(Map.of("index.js", "exports.handler = async () => 1;")));
        body.put("description", "d1");
        body.put("timeLimit", 10);
        body.put("environmentVariables", Map.of("K", Map.of("value", "v")));
        body.put("executionOptions", Map.of("permissionMode", "allUsers", "defaultPriority", 4));
        body.put("retryPolicy", Map.of("enabled", true, "errorsToRetry", List.of("X")));
        JsonNode created = post("/tasks/v1/functions", ADMIN, body).expect(200).json();
        assertThat(created.path("name").asString()).isEqualTo(name);
        assertThat(created.has("code")).isFalse();
        assertThat(created.path("timeLimit").asInt()).isEqualTo(10);
        assertThat(created.path("memoryLimit").asInt()).isEqualTo(128);
        assertThat(created.path("environmentVariables").toString()).isEqualTo("{\"K\":{\"value\":\"v\"}}");
        assertThat(created.path("executionOptions").toString())
                .isEqualTo("{\"permissionMode\":\"allUsers\",\"defaultPriority\":4}");
        assertThat(created.path("retryPolicy").toString()).isEqualTo("{\"enabled\":true,\"errorsToRetry\":[\"X\"]}");
        assertThat(created.path("enabled").asBoolean()).isTrue();
        assertThat(created.path("updateTimestamp").asString()).matches("\\d{4}-.*\\.\\d{3}Z");
        // FunctionDetails of SDK 8.14.1: the creation fields without code, plus name, description, updateTimestamp
        assertThat(created.propertyNames()).containsExactlyInAnyOrder("name", "description", "entryPoint", "runtime",
                "timeLimit", "memoryLimit", "environmentVariables", "executionOptions", "retryPolicy", "enabled",
                "updateTimestamp");

        post("/tasks/v1/functions", ADMIN, body).error(400, 17);
        JsonNode got = get("/tasks/v1/functions/" + name, ADMIN).expect(200).json();
        assertThat(got.path("description").asString()).isEqualTo("d1");
        assertThat(got.has("code")).isFalse();
        JsonNode list = get("/tasks/v1/functions/?eq(name," + name + ")", ADMIN).expect(200).json();
        assertThat(list.path("data").path(0).toString()).startsWith("{\"name\":\"" + name + "\",\"description\":\"d1\"");

        assertThat(put("/tasks/v1/functions/" + name, ADMIN, Map.of("timeLimit", 20, "description", "d2"))
                .expect(200).json().path("affectedRecords").asInt()).isEqualTo(1);
        got = get("/tasks/v1/functions/" + name, ADMIN).json();
        assertThat(got.path("timeLimit").asInt()).isEqualTo(20);
        assertThat(got.path("description").asString()).isEqualTo("d2");
        assertThat(got.path("executionOptions").path("defaultPriority").asInt()).isEqualTo(4);

        // defaultPriority applies to new tasks
        assertThat(post("/tasks/v1/", ADMIN, Map.of("functionName", name)).json().path("priority").asInt())
                .isEqualTo(4);

        post("/tasks/v1/functions/" + name + "/disable", ADMIN, Map.of()).expect(200);
        assertThat(get("/tasks/v1/functions/" + name, ADMIN).json().path("enabled").asBoolean()).isFalse();
        post("/tasks/v1/functions/" + name + "/enable", ADMIN, null).expect(200);
        assertThat(get("/tasks/v1/functions/" + name, ADMIN).json().path("enabled").asBoolean()).isTrue();

        assertThat(delete("/tasks/v1/functions/" + name, ADMIN).expect(200).json().path("affectedRecords").asInt())
                .isEqualTo(1);
        get("/tasks/v1/functions/" + name, ADMIN).error(404, 16);
        delete("/tasks/v1/functions/" + name, ADMIN).error(404, 16);
        put("/tasks/v1/functions/" + name, ADMIN, Map.of("timeLimit", 5)).error(404, 16);
        post("/tasks/v1/functions/" + name + "/enable", ADMIN, Map.of()).error(404, 16);
    }

    @Test
    void badDefinitionsAreRefused() throws Exception {
        String ok = zip(Map.of("index.js", "exports.handler = async () => 1;"));
        post("/tasks/v1/functions", ADMIN, "{\"name\":").error(400, 22);
        post("/tasks/v1/functions", ADMIN, null).error(400, 13);
        post("/tasks/v1/functions", ADMIN, Map.of("runtime", "nodejs20.x")).error(400, 14);
        Map<String, Object> b = nodeFunction(uniqueName("bad"), ok);
        b.remove("entryPoint");
        post("/tasks/v1/functions", ADMIN, b).error(400, 14);
        b = nodeFunction(uniqueName("bad"), ok);
        b.remove("code");
        post("/tasks/v1/functions", ADMIN, b).error(400, 14);
        post("/tasks/v1/functions", ADMIN, with(nodeFunction("bad name!", ok), "x", null)).error(400, 1407);
        post("/tasks/v1/functions", ADMIN, with(nodeFunction(uniqueName("b"), ok), "runtime", "cobol")).error(400, 1402);
        post("/tasks/v1/functions", ADMIN, with(nodeFunction(uniqueName("b"), ok), "timeLimit", 301)).error(400, 1402);
        post("/tasks/v1/functions", ADMIN, with(nodeFunction(uniqueName("b"), ok), "timeLimit", "10")).error(400, 15);
        post("/tasks/v1/functions", ADMIN, with(nodeFunction(uniqueName("b"), ok), "memoryLimit", 64)).error(400, 1402);
        post("/tasks/v1/functions", ADMIN, with(nodeFunction(uniqueName("b"), ok), "entryPoint", "index"))
                .error(400, 1402);
        post("/tasks/v1/functions", ADMIN, with(nodeFunction(uniqueName("b"), ok), "entryPoint", "missing.handler"))
                .error(400, 1401);
        post("/tasks/v1/functions", ADMIN, with(nodeFunction(uniqueName("b"), ok), "environmentVariables",
                Map.of("K", "v"))).error(400, 15);
        post("/tasks/v1/functions", ADMIN, with(nodeFunction(uniqueName("b"), ok), "executionOptions",
                Map.of("permissionMode", "everyone"))).error(400, 15);
        post("/tasks/v1/functions", ADMIN, with(nodeFunction(uniqueName("b"), ok), "bogus", 1)).error(400, 15);
        // code that is not base64, not a zip, or escapes its directory
        post("/tasks/v1/functions", ADMIN, nodeFunction(uniqueName("b"), "!!not base64!!")).error(400, 1401);
        post("/tasks/v1/functions", ADMIN, nodeFunction(uniqueName("b"),
                Base64.getEncoder().encodeToString("garbage".getBytes()))).error(400, 1401);
        post("/tasks/v1/functions", ADMIN, nodeFunction(uniqueName("b"), rawZip("../evil.js", "x"))).error(400, 1401);
        post("/tasks/v1/functions", ADMIN, nodeFunction(uniqueName("b"), rawZip("a/../../evil.js", "x")))
                .error(400, 1401);
        post("/tasks/v1/functions", ADMIN, nodeFunction(uniqueName("b"), rawZip("/etc/evil.js", "x"))).error(400, 1401);
        post("/tasks/v1/functions", ADMIN, nodeFunction(uniqueName("b"), rawZip("..\\evil.js", "x"))).error(400, 1401);
        // permissions
        post("/tasks/v1/functions", NOBODY, nodeFunction(uniqueName("b"), ok)).error(401, 10);
        post("/tasks/v1/functions", null, nodeFunction(uniqueName("b"), ok)).error(401, 104);
        get("/tasks/v1/functions", NOBODY).error(401, 10);
        get("/tasks/v1/functions/x", NOBODY).error(401, 10);
        put("/tasks/v1/functions/x", NOBODY, Map.of()).error(401, 10);
        delete("/tasks/v1/functions/x", NOBODY).error(401, 10);
        post("/tasks/v1/functions/x/disable", NOBODY, Map.of()).error(401, 10);
    }

    @Test
    void unpackingNeverWritesOutsideItsDirectory() throws Exception {
        Path root = Files.createTempDirectory("unpack-test");
        try {
            byte[] evil = Base64.getDecoder().decode(rawZip("../escaped.js", "x"));
            Path target = root.resolve("fn");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> CodePackage.unpack(evil, target))
                    .hasMessageContaining("unsafe");
            assertThat(Files.exists(root.resolve("escaped.js"))).isFalse();
        } finally {
            CodePackage.deleteTree(root);
        }
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        if (value == null) {
            return body;
        }
        body.put(key, value);
        return body;
    }

    @Test
    void directExecutionPermissionModes() {
        String required = testFunction(Map.of());
        String allUsers = testFunction(Map.of("executionOptions", Map.of("permissionMode", "allUsers")));
        String open = testFunction(Map.of("executionOptions", Map.of("permissionMode", "public")));
        String path = "/tasks/v1/functions/%s/execute";
        Map<String, Object> body = Map.of("data", Map.of("v", 1));

        post(path.formatted(required), NOBODY, body).error(401, 10);
        post(path.formatted(required), null, body).error(401, 104);
        post(path.formatted(required), TestTokens.user().permissions("EXECUTE_TASK_FUNCTION:" + required).token(),
                body).expect(200);
        post(path.formatted(required), TestTokens.user().permissions("EXECUTE_TASK_FUNCTION:other").token(), body)
                .error(401, 10);
        JsonNode r = post(path.formatted(required), ADMIN, body).expect(200).json();
        assertThat(r.path("result").toString()).isEqualTo("{\"echo\":{\"v\":1}}");

        post(path.formatted(allUsers), null, body).error(401, 104);
        post(path.formatted(allUsers), NOBODY, body).expect(200);
        post(path.formatted(open), null, body).expect(200);
        post(path.formatted(open), null, null).expect(200);

        post(path.formatted("nope-" + required), ADMIN, body).error(404, 16);
        post(path.formatted(open), null, "{\"data\":").error(400, 22);
        post(path.formatted(open), null, Map.of("data", "x")).error(400, 15);
        post(path.formatted(open), null, Map.of("data", Map.of("behavior", "invocation"))).error(400, 1405);
        JsonNode failed = post(path.formatted(open), null, Map.of("data", Map.of("behavior", "fail:Oops")))
                .error(400, 1406).json();
        assertThat(failed.path("runtimeError").path("name").asString()).isEqualTo("Oops");
        assertThat(task(failed.path("taskId").asString()).path("status").asString()).isEqualTo("failed");
        // direct executions never reach the queue's workers
        assertThat(worker.runDue()).isZero();
    }

    @Test
    void directExecutionLimits() throws Exception {
        String slow = testFunction(Map.of("timeLimit", 31, "executionOptions", Map.of("permissionMode", "public")));
        post("/tasks/v1/functions/" + slow + "/execute", null, Map.of()).error(400, 1404);

        String fn = testFunction(Map.of("executionOptions", Map.of("permissionMode", "public")));
        executor.gate = new CountDownLatch(1);
        executor.entered = new CountDownLatch(2);
        Map<String, Object> block = Map.of("data", Map.of("behavior", "block"));
        // medbase.tasks.direct-concurrency=2 in these tests
        CompletableFuture<Response> a = CompletableFuture.supplyAsync(
                () -> post("/tasks/v1/functions/" + fn + "/execute", null, block));
        CompletableFuture<Response> b = CompletableFuture.supplyAsync(
                () -> post("/tasks/v1/functions/" + fn + "/execute", null, block));
        try {
            assertThat(executor.entered.await(30, TimeUnit.SECONDS)).isTrue();
            post("/tasks/v1/functions/" + fn + "/execute", null, Map.of()).error(400, 1403);
        } finally {
            executor.release();
        }
        a.get(30, TimeUnit.SECONDS).expect(200);
        b.get(30, TimeUnit.SECONDS).expect(200);
        post("/tasks/v1/functions/" + fn + "/execute", null, Map.of()).expect(200);
    }

    @Test
    void httpFunctionsGetASignedPost() throws Exception {
        AtomicReference<String> received = new AtomicReference<>();
        AtomicReference<String> signature = new AtomicReference<>();
        AtomicReference<String> timestamp = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/fn", exchange -> {
            received.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            signature.set(exchange.getRequestHeaders().getFirst("X-Medbase-Signature"));
            timestamp.set(exchange.getRequestHeaders().getFirst("X-Medbase-Timestamp"));
            boolean fail = received.get().contains("\"fail\"");
            byte[] out = (fail ? "{\"name\":\"Remote\",\"message\":\"no\"}" : "{\"ok\":42}").getBytes();
            exchange.getResponseHeaders().add("X-Medbase-Log", "remote says hi");
            exchange.sendResponseHeaders(fail ? 500 : 200, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/fn";
            String name = uniqueName("http");
            post("/tasks/v1/functions", ADMIN, Map.of("name", name, "runtime", "http", "entryPoint", url))
                    .expect(200);
            post("/tasks/v1/functions", ADMIN, Map.of("name", uniqueName("http"), "runtime", "http",
                    "entryPoint", "file:///etc/passwd")).error(400, 1402);

            String id = post("/tasks/v1/", ADMIN, Map.of("functionName", name, "data", Map.of("x", 1))).expect(200)
                    .json().path("id").asString();
            worker.runDue();
            assertThat(task(id).path("status").asString()).isEqualTo("complete");
            assertThat(JSON.readTree(received.get()).path("id").asString()).isEqualTo(id);
            assertThat(signature.get()).isEqualTo(HttpExecutor.signature("s3cret", timestamp.get(),
                    received.get().getBytes(StandardCharsets.UTF_8)));
            assertThat(get("/tasks/v1/" + id + "/logs", ADMIN).json().path("data").path(0).path("message")
                    .asString()).isEqualTo("remote says hi");

            JsonNode direct = post("/tasks/v1/functions/" + name + "/execute", ADMIN, Map.of("data", Map.of()))
                    .expect(200).json();
            assertThat(direct.path("result").toString()).isEqualTo("{\"ok\":42}");
            JsonNode failed = post("/tasks/v1/functions/" + name + "/execute", ADMIN,
                    Map.of("data", Map.of("fail", true))).error(400, 1406).json();
            assertThat(failed.path("runtimeError").toString()).isEqualTo("{\"name\":\"Remote\",\"message\":\"no\"}");
        } finally {
            server.stop(0);
        }
    }
}
