package dev.medbase.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import dev.medbase.platform.error.ExhErrorHandler;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The shared web conventions, checked on the wire of a real server. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "medbase.service.prefix=/things/v1", "medbase.web.max-body-size=1KB"})
@ExtendWith(OutputCaptureExtension.class)
class PlatformWebTest {

    @SpringBootApplication
    static class App {
        @RestController
        static class Things {
            record Thing(@NotNull String name, Integer size) {}

            @PostMapping("/things/v1/")
            Thing create(@Valid @RequestBody Thing thing) {
                return thing;
            }

            @PostMapping("/things/v1/{id}/touch")
            Map<String, Object> touch(@PathVariable String id, @RequestBody(required = false) Map<String, Object> b) {
                return Map.of("touched", id, "body", b == null ? "none" : b);
            }

            @GetMapping("/things/v1/{id}")
            Thing get(@PathVariable String id) {
                throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION);
            }

            @GetMapping("/things/v1/boom")
            Thing boom() {
                throw new IllegalStateException("secret internal detail");
            }
        }
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), BodyHandlers.ofString());
    }

    private HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    private HttpRequest.Builder postJson(String path, String body) {
        return at(path).header("Content-Type", "application/json").POST(BodyPublishers.ofString(body));
    }

    private void assertError(HttpResponse<String> response, int status, ExhError error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("code").asInt()).isEqualTo(error.code());
        assertThat(body.get("name").asString()).isEqualTo(error.name());
        assertThat(body.get("message").asString()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception:", "at dev.", "trace");
    }

    @Test
    void prefixHealthAnswers200() throws Exception {
        assertThat(send(at("/things/v1/health")).statusCode()).isEqualTo(200);
    }

    @Test
    void validBodyPasses() throws Exception {
        HttpResponse<String> r = send(postJson("/things/v1/", "{\"name\":\"a\",\"size\":3}"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json.readTree(r.body()).get("name").asString()).isEqualTo("a");
    }

    @Test
    void exhExceptionKeepsItsCodeAndStatus() throws Exception {
        assertError(send(at("/things/v1/5e9fff9d90135a2a9a718e2f")), 404, ExhError.RESOURCE_UNKNOWN_EXCEPTION);
    }

    @Test
    void malformedJsonIsBodyFormat() throws Exception {
        assertError(send(postJson("/things/v1/", "{\"name\":")), 400, ExhError.BODY_FORMAT_EXCEPTION);
    }

    @Test
    void wrongTypeNamesTheField() throws Exception {
        HttpResponse<String> r = send(postJson("/things/v1/", "{\"name\":\"a\",\"size\":\"big\"}"));
        assertError(r, 400, ExhError.FIELD_FORMAT_EXCEPTION);
        assertThat(r.body()).contains("size");
    }

    @Test
    void missingFieldIsMissingRequiredFields() throws Exception {
        HttpResponse<String> r = send(postJson("/things/v1/", "{\"size\":1}"));
        assertError(r, 400, ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION);
        assertThat(r.body()).contains("name");
    }

    @Test
    void missingBodyIsEmptyBody() throws Exception {
        assertError(send(postJson("/things/v1/", "")), 400, ExhError.EMPTY_BODY_EXCEPTION);
    }

    @Test
    void unsupportedMediaTypeIs415() throws Exception {
        assertError(send(at("/things/v1/").header("Content-Type", "text/plain").POST(BodyPublishers.ofString("x"))),
                415, ExhError.BODY_FORMAT_EXCEPTION);
    }

    @Test
    void emptyFormEncodedPostIsAcceptedAsNoBody() throws Exception {
        HttpResponse<String> r = send(at("/things/v1/abc/touch")
                .header("Content-Type", "application/x-www-form-urlencoded").POST(BodyPublishers.noBody()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json.readTree(r.body()).get("body").asString()).isEqualTo("none");
    }

    @Test
    void oversizedBodyWithContentLengthIs413() throws Exception {
        String big = "{\"name\":\"" + "x".repeat(2000) + "\"}";
        assertError(send(postJson("/things/v1/", big)), 413, ExhError.BODY_FORMAT_EXCEPTION);
    }

    @Test
    void oversizedChunkedBodyIs413() throws Exception {
        String big = "{\"name\":\"" + "x".repeat(2000) + "\"}";
        HttpRequest.Builder chunked = at("/things/v1/").header("Content-Type", "application/json")
                .POST(BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes())));
        assertError(send(chunked), 413, ExhError.BODY_FORMAT_EXCEPTION);
    }

    @Test
    void unknownRouteIs404InExhFormat() throws Exception {
        assertError(send(at("/nothing/here")), 404, ExhError.RESOURCE_UNKNOWN_EXCEPTION);
    }

    @Test
    void wrongMethodIs405InExhFormat() throws Exception {
        assertError(send(at("/things/v1/health").DELETE()), 405, ExhError.RESOURCE_UNKNOWN_EXCEPTION);
    }

    @Test
    void unexpectedFailureIs500WithoutDetails() throws Exception {
        HttpResponse<String> r = send(at("/things/v1/boom"));
        assertError(r, 500, ExhError.SERVER_EXCEPTION);
        assertThat(r.body()).doesNotContain("secret internal detail");
    }

    @Autowired
    ExhErrorHandler handler;

    @Test
    void aClientThatWentAwayIsNoServerFailure(CapturedOutput output) {
        assertThat(handler.unexpected(new AsyncRequestNotUsableException("Broken pipe"))).isNull();
        assertThat(output).doesNotContain("Unexpected failure");
        assertThat(handler.unexpected(new IllegalStateException("x")).getStatusCode().value()).isEqualTo(500);
        assertThat(output).contains("Unexpected failure");
    }

    @Test
    void requestIdIsEchoedOrGenerated() throws Exception {
        assertThat(send(at("/things/v1/health").header("X-Request-Id", "abc-123")).headers()
                .firstValue("X-Request-Id")).hasValue("abc-123");
        assertThat(send(at("/things/v1/health").header("X-Request-Id", "bad id with spaces")).headers()
                .firstValue("X-Request-Id")).hasValueSatisfying(id -> assertThat(id).hasSize(36));
    }
}
