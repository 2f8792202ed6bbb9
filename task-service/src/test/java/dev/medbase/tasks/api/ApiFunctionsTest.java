package dev.medbase.tasks.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import dev.medbase.tasks.executors.ProcessExecutor;
import dev.medbase.tasks.testing.TaskApiTest;
import dev.medbase.platform.testing.TestTokens;

/** API functions (§9.3) with a real Node function, and their request logs. */
class ApiFunctionsTest extends TaskApiTest {

    static final String NODE = """
            exports.handler = async (event) => {
              console.log('api call', event.requestContext.http.method, event.rawPath);
              if (event.rawPath === '/bad') return { nope: true };
              if (event.rawPath === '/text') return { statusCode: 201, headers: { 'content-type': 'text/plain', 'x-a': 'b' }, body: 'plain' };
              if (event.rawPath === '/throw') throw new TypeError('boom');
              return { statusCode: 200, body: { event } };
            };
            """;

    @Autowired
    ProcessExecutor processes;

    private String apiFunction(String mode) {
        assumeTrue(processes.available("nodejs20.x"), "node is not installed here: API function tests skipped");
        String name = uniqueName("api");
        post("/tasks/v1/functions", ADMIN, Map.of("name", name, "runtime", "nodejs20.x", "entryPoint",
                "index.handler", "code", zip(Map.of("index.js", NODE)),
                "executionOptions", Map.of("permissionMode", mode))).expect(200);
        return name;
    }

    @Test
    void requestsAreMappedToTheEventAndResultsBack() throws Exception {
        String fn = apiFunction("permissionRequired");
        TestTokens.Builder user = TestTokens.user().permissions("EXECUTE_API_FUNCTION:" + fn);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/tasks/v1/api/" + fn + "/hello/world?x=1"))
                .header("Authorization", "Bearer " + user.token())
                .header("Content-Type", "application/json")
                .header("X-Exh-Requesting-User-Id", "forged")
                .header("X-Custom", "c1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode event = JSON.readTree(r.body()).path("event");
        assertThat(event.path("version").asString()).isEqualTo("2.0");
        assertThat(event.path("rawPath").asString()).isEqualTo("/hello/world");
        assertThat(event.path("rawQueryString").asString()).isEqualTo("?x=1");
        assertThat(event.path("requestContext").path("http").path("method").asString()).isEqualTo("POST");
        assertThat(event.path("body").asString()).isEqualTo("{\"a\":1}");
        assertThat(event.path("isBase64Encoded").asBoolean()).isFalse();
        assertThat(event.path("headers").path("x-custom").asString()).isEqualTo("c1");
        assertThat(event.path("headers").path("x-exh-requesting-user-id").asString()).isEqualTo(user.id());
        assertThat(event.path("headers").path("x-exh-requesting-application-id").asString()).isEqualTo("app1");
        assertThat(event.path("headers").has("authorization")).isFalse();

        Response text = get("/tasks/v1/api/" + fn + "/text", user.token()).expect(201);
        assertThat(text.body()).isEqualTo("plain");

        get("/tasks/v1/api/" + fn + "/bad", user.token()).error(400, 1409);
        JsonNode thrown = get("/tasks/v1/api/" + fn + "/throw", user.token()).error(400, 1406).json();
        assertThat(thrown.path("runtimeError").path("name").asString()).isEqualTo("TypeError");

        // request log and its logs
        JsonNode requests = get("/tasks/v1/apiRequests?eq(functionName," + fn + ")&sort(timestamp)",
                TestTokens.user().permissions("VIEW_API_FUNCTION_REQUESTS").token()).expect(200).json();
        assertThat(requests.path("page").path("total").asInt()).isEqualTo(4);
        JsonNode first = requests.path("data").path(0);
        assertThat(first.path("method").asString()).isEqualTo("POST");
        assertThat(first.path("path").asString()).isEqualTo("/hello/world");
        assertThat(first.path("statusCode").asInt()).isEqualTo(200);
        assertThat(first.path("userId").asString()).isEqualTo(user.id());
        assertThat(first.path("duration").isNumber()).isTrue();
        JsonNode bad = get("/tasks/v1/apiRequests?eq(path,/bad)&eq(functionName," + fn + ")",
                TestTokens.user().permissions("VIEW_API_FUNCTION_REQUESTS").token()).json().path("data").path(0);
        assertThat(bad.path("error").path("type").asString()).isEqualTo("response");
        String logsToken = TestTokens.user().permissions("VIEW_API_FUNCTION_REQUEST_LOGS").token();
        JsonNode logs = get("/tasks/v1/apiRequests/" + first.path("id").asString() + "/logs", logsToken)
                .expect(200).json();
        assertThat(logs.path("data").path(0).path("message").asString()).isEqualTo("api call POST /hello/world");
    }

    @Test
    void permissionModesAndBadCalls() {
        String fn = apiFunction("permissionRequired");
        get("/tasks/v1/api/" + fn + "/x", NOBODY).error(401, 10);
        get("/tasks/v1/api/" + fn + "/x", null).error(401, 104);
        String open = apiFunction("public");
        get("/tasks/v1/api/" + open, null).expect(200);
        String users = apiFunction("allUsers");
        get("/tasks/v1/api/" + users + "/x", null).error(401, 104);
        get("/tasks/v1/api/" + users + "/x", NOBODY).expect(200);
        get("/tasks/v1/api/nope-" + fn + "/x", TestTokens.user().permissions("EXECUTE_API_FUNCTION").token())
                .error(404, 16);
        String slow = testFunction(Map.of("timeLimit", 60, "executionOptions", Map.of("permissionMode", "public")));
        get("/tasks/v1/api/" + slow + "/x", null).error(400, 1411);

        get("/tasks/v1/apiRequests", NOBODY).error(401, 10);
        String logsToken = TestTokens.user().permissions("VIEW_API_FUNCTION_REQUEST_LOGS").token();
        get("/tasks/v1/apiRequests/" + new ObjectId() + "/logs", logsToken).error(404, 16);
        get("/tasks/v1/apiRequests/bad/logs", logsToken).error(400, 12);
        get("/tasks/v1/apiRequests/" + new ObjectId() + "/logs", NOBODY).error(401, 10);
        // a test-runtime function logs one line; one that returns an invalid result is 1409
        String quiet = testFunction(Map.of("executionOptions", Map.of("permissionMode", "public")));
        get("/tasks/v1/api/" + quiet + "/x", null).error(400, 1409);
    }
}
