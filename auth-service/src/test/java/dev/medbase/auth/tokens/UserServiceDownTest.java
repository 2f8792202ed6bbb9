package dev.medbase.auth.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.medbase.devstack.infra.EmbeddedKafka;
import dev.medbase.devstack.infra.SharedTestInfra;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** user-service unreachable: the password grant answers a clear 503, not a 500 with a stack trace. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"medbase.bootstrap.client-id=down-client", "medbase.bootstrap.client-secret=down-secret"})
class UserServiceDownTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> SharedTestInfra.mongoUri("medbase-auth-down"));
        registry.add("spring.kafka.bootstrap-servers", SharedTestInfra::kafkaBootstrapServers);
        registry.add("medbase.services.users", () -> "http://127.0.0.1:" + EmbeddedKafka.freePort());
    }

    @LocalServerPort
    int port;

    @Test
    void passwordGrantWithUserServiceDownIs503TemporarilyUnavailable() throws Exception {
        String body = "{\"grant_type\":\"password\",\"client_id\":\"down-client\",\"client_secret\":\"down-secret\","
                + "\"username\":\"a@example.com\",\"password\":\"x\"}";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/auth/v2/oauth2/tokens"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(503);
        JsonNode json = JsonMapper.builder().build().readTree(r.body());
        assertThat(json.get("error").asString()).isEqualTo("temporarily_unavailable");
        assertThat(json.has("code")).isFalse();
        assertThat(json.get("exh_error").get("code").asInt()).isEqualTo(4);
        assertThat(json.get("exh_error").get("name").asString()).isEqualTo("SERVICE_UNREACHABLE_EXCEPTION");
        assertThat(r.body()).doesNotContain("Exception:", "at dev.", "down-secret");
    }
}
