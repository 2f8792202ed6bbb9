package dev.medbase.auth;

import dev.medbase.platform.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.medbase.devstack.infra.SharedTestInfra;
import dev.medbase.users.UserServiceApplication;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Base of the HTTP-level auth tests: user-service's real Spring application (its credentials seam, its events) on a
 * random port and auth-service on another random port pointed at it, both on the test JVM's shared MongoDB-wire server
 * (a database each) and Kafka broker ({@link SharedTestInfra}). Both share one {@link MutableClock}. The context is
 * cached, so every subclass shares these servers: tests create their own users and applications where state matters,
 * and the clock only moves forward.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"medbase.bootstrap.client-id=" + AuthIntegrationTest.CLIENT_ID,
                "medbase.bootstrap.client-secret=" + AuthIntegrationTest.CLIENT_SECRET})
@Import(AuthIntegrationTest.Clocks.class)
public abstract class AuthIntegrationTest {

    public static final String CLIENT_ID = "bootstrap-client";
    public static final String CLIENT_SECRET = "bootstrap-secret";
    public static final String ADMIN_EMAIL = "admin@example.com";
    public static final String ADMIN_PASSWORD = "Admin-pass-1";

    protected static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    protected static final JsonMapper JSON = JsonMapper.builder().build();
    protected static final HttpClient HTTP = HttpClient.newHttpClient();
    protected static final ConfigurableApplicationContext USERS = startUserService();

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        Clock testClock() {
            return CLOCK;
        }
    }

    /** Adds the shared clock to user-service's context (a plain source class: not found by auth's scanning). */
    static class UserServiceClock {
        @Bean
        @Primary
        Clock sharedTestClock() {
            return CLOCK;
        }
    }

    private static ConfigurableApplicationContext startUserService() {
        return new SpringApplicationBuilder(UserServiceApplication.class, UserServiceClock.class)
                .properties(
                        // not auth-service's application.yml, which is first on this classpath
                        "spring.config.name=user-service-in-auth-tests",
                        "server.port=0",
                        "spring.application.name=user-service",
                        "spring.mongodb.uri=" + SharedTestInfra.mongoUri("medbase-users-it"),
                        "spring.kafka.bootstrap-servers=" + SharedTestInfra.kafkaBootstrapServers(),
                        "medbase.service.prefix=/users/v1",
                        "spring.jackson.property-naming-strategy=SNAKE_CASE", // user-service's wire casing
                        "medbase.events.source=users",
                        "medbase.bootstrap.admin-email=" + ADMIN_EMAIL,
                        "medbase.bootstrap.admin-password=" + ADMIN_PASSWORD,
                        "spring.main.banner-mode=off")
                .run();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> SharedTestInfra.mongoUri("medbase-auth-it"));
        registry.add("spring.kafka.bootstrap-servers", SharedTestInfra::kafkaBootstrapServers);
        registry.add("medbase.services.users", () -> "http://127.0.0.1:" + usersPort());
    }

    protected static int usersPort() {
        return Integer.parseInt(USERS.getEnvironment().getProperty("local.server.port"));
    }

    @LocalServerPort
    protected int port;
    @Autowired
    protected MongoTemplate mongo;

    // ---- HTTP ----

    public record Response(int status, java.net.http.HttpHeaders headers, String raw, JsonNode body) {
        public int exhCode() {
            return body.has("exh_error") ? body.get("exh_error").get("code").asInt() : body.get("code").asInt();
        }

        @Override
        public String toString() {
            return status + " " + raw;
        }
    }

    protected Response send(String method, String path, String contentType, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode node = r.body().isBlank() ? null : JSON.readTree(r.body());
        return new Response(r.statusCode(), r.headers(), r.body(), node);
    }

    protected Response postJson(String path, Object body, String... headers) throws Exception {
        return send("POST", path, "application/json",
                body instanceof String s ? s : JSON.writeValueAsString(body), headers);
    }

    protected Response token(Map<String, String> body, String... headers) throws Exception {
        return postJson("/auth/v2/oauth2/tokens", body, headers);
    }

    protected static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    protected static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    protected static String bearer(String token) {
        return "Bearer " + token;
    }

    /** A password grant with the bootstrap client; asserts success. */
    protected Response login(String email, String password) throws Exception {
        Response r = token(map("grant_type", "password", "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET,
                "username", email, "password", password));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r;
    }

    protected String adminToken() throws Exception {
        return login(ADMIN_EMAIL, ADMIN_PASSWORD).body().get("access_token").asString();
    }

    /** Asserts an OAuth2 error body of contract §3.2 exactly: no top-level code. */
    protected static void assertOAuthError(Response r, int status, String error, int code, String name) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.body().get("error").asString()).as(r.toString()).isEqualTo(error);
        assertThat(r.body().has("code")).as("no top-level code: " + r).isFalse();
        assertThat(r.body().get("description").isString()).isTrue();
        JsonNode exh = r.body().get("exh_error");
        assertThat(exh.get("code").isNumber()).isTrue();
        assertThat(exh.get("code").asInt()).as(r.toString()).isEqualTo(code);
        assertThat(exh.get("name").asString()).isEqualTo(name);
        assertThat(exh.get("description").isString()).isTrue();
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    /** Asserts a standard ExH error body {code, name, message}. */
    protected static void assertExhError(Response r, int status, int code, String name) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.body().get("code").asInt()).as(r.toString()).isEqualTo(code);
        assertThat(r.body().get("name").asString()).isEqualTo(name);
        assertThat(r.body().get("message").isString()).isTrue();
    }

    /** The decoded payload of a JWT (no verification: for looking at claims). */
    protected static JsonNode claims(String jwt) {
        String[] parts = jwt.split("\\.");
        return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    }

    protected static JsonNode header(String jwt) {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]));
    }

    // ---- user-service data ----

    protected static MongoTemplate usersDb() {
        return USERS.getBean(MongoTemplate.class);
    }

    /** A user in user-service with a role holding these global permissions. */
    protected static ObjectId createUser(String email, String password, String... permissions) {
        ObjectId role = new ObjectId();
        usersDb().insert(new Document("_id", role).append("name", "role-" + role).append("permissions",
                List.of(permissions)), "roles");
        ObjectId id = new ObjectId();
        usersDb().insert(new Document("_id", id).append("email", email)
                .append("password_hash", USERS.getBean(PasswordEncoder.class).encode(password))
                .append("failed_count", 0).append("roles", new ArrayList<>(List.of(role)))
                .append("staff_enlistments", List.of()).append("patient_enlistments", List.of()), "users");
        return id;
    }

    protected static Document userDoc(ObjectId id) {
        return usersDb().findOne(Query.query(Criteria.where("_id").is(id)), Document.class, "users");
    }

    // ---- applications ----

    /** Creates an oauth2 application and one version through the API; returns {appId, clientId, clientSecret}. */
    protected String[] createClient(boolean confidential, List<String> redirectUris) throws Exception {
        String admin = adminToken();
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("type", "oauth2");
        app.put("name", "app-" + new ObjectId());
        app.put("description", "test");
        app.put("redirectUris", redirectUris);
        app.put("confidential", confidential);
        Response created = postJson("/auth/v2/applications", app, "Authorization", bearer(admin));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        String appId = created.body().get("id").asString();
        Response version = postJson("/auth/v2/applications/" + appId + "/versions", Map.of("name", "v1"),
                "Authorization", bearer(admin));
        assertThat(version.status()).as(version.toString()).isEqualTo(200);
        return new String[] {appId, version.body().get("clientId").asString(),
                version.body().get("clientSecret").asString()};
    }
}
