package dev.medbase.users.support;

import dev.medbase.platform.testing.TestTokens;
import dev.medbase.platform.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.medbase.devstack.infra.SharedTestInfra;

/**
 * Base of the HTTP tests: the whole user-service on a random port (real filters, real token verification against
 * {@link TestTokens}' JWKS), one MongoDB database shared by all subclasses (one Spring context for all of them), a
 * {@link MutableClock}, and the outbox relay switched off so published events stay in the {@code outbox} collection
 * where tests read them. Every test starts with empty collections and the clock at the current time.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "medbase.events.relay.enabled=false")
@Import(TestClockConfiguration.class)
public abstract class ApiTest {

    public static final String PASSWORD = "Secret-pass-1";
    private static final String[] COLLECTIONS = {"users", "roles", "group_roles", "activation_requests",
            "forgot_password_requests", "settings", "outbox"};
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    protected static final JsonMapper JSON = JsonMapper.builder().build();
    private static String passwordHash;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> SharedTestInfra.mongoUri("medbase-users-api"));
        registry.add("spring.kafka.bootstrap-servers", SharedTestInfra::kafkaBootstrapServers);
        registry.add("medbase.security.jwks-uri", TestTokens::jwksUri);
    }

    @LocalServerPort
    protected int port;
    @Autowired
    protected MongoTemplate mongo;
    @Autowired
    protected MutableClock clock;
    @Autowired
    protected PasswordEncoder encoder;

    @BeforeEach
    void cleanState() {
        for (String collection : COLLECTIONS) {
            mongo.remove(new Query(), collection);
        }
        clock.reset();
    }

    // --- HTTP -------------------------------------------------------------------------------------------------

    /** A response: status, raw body and the body parsed as JSON (null when empty or not JSON). */
    public record Response(int status, String raw, JsonNode json) {

        public Response expect(int expected) {
            assertThat(status).as("status of %s", raw).isEqualTo(expected);
            return this;
        }

        /** An ExH error body {code, name, message} with this status and code. */
        public Response expectError(int expectedStatus, int code) {
            assertThat(status).as("status of %s", raw).isEqualTo(expectedStatus);
            assertThat(json).as("error body %s", raw).isNotNull();
            assertThat(json.path("code").asInt()).as("code of %s", raw).isEqualTo(code);
            assertThat(json.path("name").isString()).as("name in %s", raw).isTrue();
            assertThat(json.path("message").isString()).as("message in %s", raw).isTrue();
            return this;
        }

        public JsonNode get(String field) {
            return json.get(field);
        }
    }

    protected Response get(String path, String token) {
        return send("GET", path, token, null);
    }

    protected Response post(String path, String token, String body) {
        return send("POST", path, token, body);
    }

    protected Response put(String path, String token, String body) {
        return send("PUT", path, token, body);
    }

    protected Response delete(String path, String token) {
        return send("DELETE", path, token, null);
    }

    protected Response send(String method, String path, String token, String body) {
        return send(method, path, token, body, "application/json");
    }

    protected Response send(String method, String path, String token, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = response.body().isEmpty() ? null : JSON.readTree(response.body());
            } catch (RuntimeException notJson) {
                // leave null
            }
            return new Response(response.statusCode(), response.body(), json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** JSON from single-quoted text: {@code json("{'a':1}")}. */
    protected static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    // --- fixtures ---------------------------------------------------------------------------------------------

    /** An activated user with {@link #PASSWORD}, stored directly. */
    protected ObjectId user(String email) {
        return user(email, d -> { });
    }

    protected ObjectId user(String email, Consumer<Document> customize) {
        ObjectId id = new ObjectId();
        Date now = Date.from(clock.instant());
        Document user = new Document("_id", id).append("first_name", "First " + email).append("last_name", "Last")
                .append("email", email).append("activation", true).append("phone_number", "+3212345678")
                .append("language", "EN").append("time_zone", "Europe/Brussels").append("roles", List.of())
                .append("password_hash", passwordHash()).append("failed_count", 0)
                .append("staff_enlistments", List.of()).append("patient_enlistments", List.of())
                .append("creation_timestamp", now).append("update_timestamp", now);
        customize.accept(user);
        mongo.insert(user, "users");
        return id;
    }

    protected static Document staffEnlistment(ObjectId group, ObjectId... roles) {
        return new Document("group_id", group).append("roles", List.of(roles))
                .append("creation_timestamp", new Date()).append("update_timestamp", new Date());
    }

    protected static Document patientEnlistment(ObjectId group) {
        return new Document("group_id", group).append("creation_timestamp", new Date());
    }

    protected ObjectId role(String name, String... permissions) {
        ObjectId id = new ObjectId();
        mongo.insert(new Document("_id", id).append("name", name).append("description", name + " role")
                .append("permissions", List.of(permissions)).append("creation_timestamp", new Date())
                .append("update_timestamp", new Date()), "roles");
        return id;
    }

    protected ObjectId groupRole(ObjectId group, String name, String... permissions) {
        ObjectId id = new ObjectId();
        mongo.insert(new Document("_id", id).append("group_id", group).append("name", name)
                .append("description", name + " role").append("permissions", List.of(permissions))
                .append("creation_timestamp", new Date()).append("update_timestamp", new Date()), "group_roles");
        return id;
    }

    protected Document storedUser(ObjectId id) {
        return mongo.findById(id, Document.class, "users");
    }

    private String passwordHash() {
        if (passwordHash == null) {
            passwordHash = encoder.encode(PASSWORD);
        }
        return passwordHash;
    }

    // --- events -----------------------------------------------------------------------------------------------

    /** A published event as the outbox holds it. */
    public record Event(String type, String aggregateId, JsonNode content, Instant time) {
    }

    /** The events of this type published since the test started, oldest first. */
    protected List<Event> events(String type) {
        Query query = Query.query(Criteria.where("type").is(type)).with(Sort.by("time", "_id"));
        return mongo.find(query, Document.class, "outbox").stream()
                .map(d -> new Event(d.getString("type"), d.getString("aggregateId"),
                        JSON.readTree(d.getString("content")), d.getDate("time").toInstant()))
                .toList();
    }

    protected Event lastEvent(String type) {
        List<Event> events = events(type);
        assertThat(events).as("events of type %s", type).isNotEmpty();
        return events.get(events.size() - 1);
    }
}
