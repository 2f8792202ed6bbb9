package dev.medbase.mail.support;

import dev.medbase.platform.testing.MutableClock;
import dev.medbase.platform.testing.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

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
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.medbase.devstack.infra.SharedTestInfra;
import dev.medbase.mail.mails.MailWorker;

/**
 * Base of the HTTP tests: the whole mail-service on a random port (real filters and token verification against
 * {@link TestTokens}' JWKS), real MongoDB-wire server and Kafka ({@link SharedTestInfra}), the test SMTP server
 * ({@link TestSmtp}), user-service itself for {@code /me} ({@link UserServiceInProcess}), a {@link MutableClock}, and the
 * worker threads off: tests deliver with {@link MailWorker#runOnce()} at the clock time they choose. Every test
 * starts with empty collections, an empty mailbox and the clock at the current time.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"medbase.mail.delivery.enabled=false", "medbase.events.relay.enabled=false",
                "medbase.mail.max-message-size=1MB", "medbase.mail.default-from=" + ApiTest.DEFAULT_FROM})
@Import(TestClockConfiguration.class)
public abstract class ApiTest {

    /** The configured default sender (the service's own default is {@code Medbase <noreply@medbase.local>}). */
    protected static final String DEFAULT_FROM = "Test Clinic <noreply@clinic.test>";
    protected static final String ADMIN_ID = new ObjectId().toHexString();
    protected static final String ADMIN = TestTokens.user(ADMIN_ID).permissions("SEND_MAILS", "VIEW_MAILS",
            "DELETE_MAILS", "VIEW_TEMPLATES", "CREATE_TEMPLATES", "UPDATE_TEMPLATES", "DELETE_TEMPLATES",
            "RESOLVE_TEMPLATES").token();
    protected static final String NOBODY = TestTokens.user(new ObjectId()).token();
    private static final String[] COLLECTIONS = {"mails", "templates_v1", "templates_v2", "outbox",
            "processed_events"};
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    protected static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> SharedTestInfra.mongoUri("medbase-mail-api"));
        registry.add("spring.kafka.bootstrap-servers", SharedTestInfra::kafkaBootstrapServers);
        registry.add("medbase.security.jwks-uri", TestTokens::jwksUri);
        registry.add("spring.mail.port", TestSmtp::port);
        registry.add("medbase.services.users", UserServiceInProcess::url);
    }

    @LocalServerPort
    protected int port;
    @Autowired
    protected MongoTemplate mongo;
    @Autowired
    protected MutableClock clock;
    @Autowired
    protected MailWorker worker;

    @BeforeEach
    void cleanState() {
        for (String collection : COLLECTIONS) {
            mongo.remove(new Query(), collection);
        }
        TestSmtp.start();
        TestSmtp.clear();
        clock.reset();
    }

    // --- HTTP -------------------------------------------------------------------------------------------------

    /** A response: status, raw body and the body parsed as JSON (null when empty or not JSON). */
    public record Response(int status, String raw, JsonNode json, String contentType, byte[] bytes) {

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
        return send("GET", path, token, null, null, null);
    }

    protected Response post(String path, String token, String body) {
        return send("POST", path, token, body, "application/json", null);
    }

    protected Response put(String path, String token, String body) {
        return send("PUT", path, token, body, "application/json", null);
    }

    protected Response delete(String path, String token) {
        return send("DELETE", path, token, null, null, null);
    }

    protected Response send(String method, String path, String token, String body, String contentType, String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            String raw = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
            JsonNode json = null;
            try {
                json = raw.isEmpty() ? null : JSON.readTree(raw);
            } catch (RuntimeException notJson) {
                // leave null
            }
            return new Response(response.statusCode(), raw, json,
                    response.headers().firstValue("Content-Type").orElse(null), response.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** JSON from single-quoted text: {@code json("{'a':1}")}. */
    protected static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    // --- state ------------------------------------------------------------------------------------------------

    protected Document storedMail(String id) {
        return mongo.findById(new ObjectId(id), Document.class, "mails");
    }

    /** Events of this type in the outbox (the relay is off), oldest first. */
    protected List<Document> events(String type) {
        return mongo.find(Query.query(Criteria.where("type").is(type)).with(Sort.by("time", "_id")), Document.class,
                "outbox");
    }
}
