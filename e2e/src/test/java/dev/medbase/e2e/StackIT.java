package dev.medbase.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.medbase.devstack.Stack;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The running system, driven through the gateway as an app would. */
@ExtendWith(E2eStack.class)
class StackIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Stack stack;

    @BeforeAll
    static void start() {
        stack = E2eStack.get();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/auth/v2", "/users/v1", "/data/v1", "/files/v1", "/tasks/v1", "/events/v1", "/mail/v1"})
    void everyHealthEndpointAnswersThroughTheGateway(String prefix) throws Exception {
        HttpResponse<String> response = get(prefix + "/health", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
    }

    @Test
    void theBootstrapAdminLogsInWithTheBootstrapClient() throws Exception {
        String token = adminToken();
        HttpResponse<String> applications = get("/auth/v2/applications?eq(name,Medbase%2520bootstrap%2520client)",
                token);
        assertThat(applications.statusCode()).as(applications.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(applications.body());
        assertThat(body.get("page").get("total").asInt()).isEqualTo(1);
        assertThat(body.get("data").get(0).get("confidential").asBoolean()).isTrue();
        assertThat(applications.body()).doesNotContain("clientSecretHash", "bcrypt");
    }

    @Test
    void aProtectedCallWithoutATokenIs104() throws Exception {
        HttpResponse<String> response = get("/auth/v2/applications", null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(response.body()).get("code").asInt()).isEqualTo(104);
    }

    /** The docs need no token: every service's document, merged by the gateway, and Swagger UI over them. */
    @Test
    void theApiDocsOfEveryServiceArePublicAtTheGateway() throws Exception {
        HttpResponse<String> docs = get("/v3/api-docs", null);
        assertThat(docs.statusCode()).as(docs.body()).isEqualTo(200);
        JsonNode doc = JSON.readTree(docs.body());
        assertThat(doc.has("x-medbase-unavailable")).as(docs.body()).isFalse();
        for (String prefix : new String[] {"/auth/v2/", "/users/v1/", "/data/v1/", "/files/v1/", "/tasks/v1/",
                "/events/v1/", "/dispatchers/v1/", "/mail/v1/", "/templates/v2/"}) {
            assertThat(doc.path("paths").propertyNames()).as(prefix).anyMatch(path -> path.startsWith(prefix));
        }
        assertThat(doc.path("paths").propertyNames()).noneMatch(path -> path.startsWith("/internal"));
        assertThat(get("/users/v1/v3/api-docs", null).statusCode()).isEqualTo(200);
        HttpResponse<String> ui = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                .send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + "/swagger-ui.html")).build(),
                        BodyHandlers.ofString());
        assertThat(ui.statusCode()).isEqualTo(200);
    }

    /** user-service announces the bootstrap admin; event-service, another process, stores it from Kafka. */
    @Test
    void anEventCrossesKafkaFromUserServiceToEventService() {
        try (MongoClient mongo = MongoClients.create(stack.config().mongoUri("admin"))) {
            Document admin = mongo.getDatabase("medbase-users").getCollection("users")
                    .find(Filters.eq("email", stack.config().adminEmail())).first();
            assertThat(admin).isNotNull();
            String adminId = admin.getObjectId("_id").toHexString();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Document event = mongo.getDatabase("medbase-events").getCollection("events")
                        .find(Filters.and(Filters.eq("type", "user_created"), Filters.eq("content.id", adminId)))
                        .first();
                assertThat(event).isNotNull();
                assertThat(event.getString("source")).isEqualTo("users");
            });
        }
    }

    static String adminToken() throws Exception {
        String body = JSON.writeValueAsString(java.util.Map.of("grant_type", "password",
                "client_id", stack.config().clientId(), "client_secret", stack.config().clientSecret(),
                "username", stack.config().adminEmail(), "password", stack.config().adminPassword()));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create(stack.gatewayUrl() + "/auth/v2/oauth2/tokens"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("access_token").asString();
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), BodyHandlers.ofString());
    }
}
