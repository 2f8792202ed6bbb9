package dev.medbase.data.testing;

import dev.medbase.platform.testing.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.medbase.devstack.infra.SharedTestInfra;

/**
 * Base of the HTTP tests: the whole service on a random port against the shared test MongoDB and Kafka, one Spring
 * context for every test class (they isolate themselves by unique schema names), requests with raw query strings
 * exactly as the SDK sends them, and assertions on the wire JSON.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // events stay in the outbox, where tests read them (the relay to Kafka is platform's, tested there)
        properties = "medbase.events.relay.enabled=false")
public abstract class DataApiTest {

    protected static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void infra(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> SharedTestInfra.mongoUri("medbase-data-test"));
        registry.add("spring.kafka.bootstrap-servers", SharedTestInfra::kafkaBootstrapServers);
        registry.add("medbase.security.jwks-uri", TestTokens::jwksUri);
    }

    @LocalServerPort
    protected int port;

    @org.springframework.beans.factory.annotation.Autowired
    protected org.springframework.data.mongodb.core.MongoTemplate mongo;

    /** The contents of the events of a type published about an aggregate (document or schema id), oldest first. */
    protected java.util.List<JsonNode> events(String aggregateId, String type) {
        return mongo.find(org.springframework.data.mongodb.core.query.Query.query(
                        org.springframework.data.mongodb.core.query.Criteria.where("aggregateId").is(aggregateId)
                                .and("type").is(type))
                        .with(org.springframework.data.domain.Sort.by("time", "_id")),
                org.bson.Document.class, "outbox").stream().map(d -> JSON.readTree(d.getString("content"))).toList();
    }

    /** A schema name no other test uses. */
    protected static String uniqueName(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
    }

    /** The admin of these tests: every schema and document permission. */
    protected static final TestTokens.Builder ADMIN = TestTokens.user().permissions("CREATE_SCHEMAS", "UPDATE_SCHEMAS",
            "DELETE_SCHEMAS", "DISABLE_SCHEMAS", "VIEW_DOCUMENTS", "UPDATE_DOCUMENTS", "DELETE_DOCUMENTS",
            "CREATE_DOCUMENTS", "TRANSITION_DOCUMENTS", "UPDATE_ACCESS_TO_DOCUMENT", "VIEW_DOCUMENT_COMMENTS",
            "UPDATE_DOCUMENT_COMMENTS", "CREATE_DOCUMENT_COMMENTS");
    protected static final String ADMIN_TOKEN = ADMIN.token();

    public record Response(int status, String body, Map<String, java.util.List<String>> headers) {
        public JsonNode json() {
            return body == null || body.isEmpty() ? null : JSON.readTree(body);
        }

        public Response expect(int expected) {
            assertThat(status).as(body).isEqualTo(expected);
            return this;
        }

        /** Asserts an ExH error: status, numeric code and its name. */
        public Response error(int expectedStatus, int code) {
            assertThat(status).as(body).isEqualTo(expectedStatus);
            JsonNode json = json();
            assertThat(json).as(body).isNotNull();
            assertThat(json.path("code").asInt()).as(body).isEqualTo(code);
            assertThat(json.path("name").isString()).as(body).isTrue();
            assertThat(json.path("message").isString()).as(body).isTrue();
            return this;
        }

        public long affected() {
            return json().path("affectedRecords").asLong(-1);
        }
    }

    protected Response get(String path, String token) {
        return send("GET", path, token, null, null, null);
    }

    protected Response post(String path, String token, Object body) {
        return send("POST", path, token, body, "application/json", null);
    }

    protected Response put(String path, String token, Object body) {
        return send("PUT", path, token, body, "application/json", null);
    }

    protected Response delete(String path, String token) {
        return send("DELETE", path, token, null, null, null);
    }

    /** Raw bytes with a content type and optional content encoding. */
    protected Response send(String method, String path, String token, Object body, String contentType,
                            String contentEncoding) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            if (contentEncoding != null) {
                b.header("Content-Encoding", contentEncoding);
            }
            byte[] bytes = body == null ? null : body instanceof byte[] raw ? raw
                    : (body instanceof String s ? s : JSON.writeValueAsString(body)).getBytes(StandardCharsets.UTF_8);
            b.method(method, bytes == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(bytes));
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers().map());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected static byte[] gzip(byte[] raw) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(raw);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    protected static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    /** Creates a schema from a JSON body (as admin) and returns its wire form. */
    protected JsonNode createSchema(String body) {
        return post("/data/v1/", ADMIN_TOKEN, body).expect(200).json();
    }

    /** Double percent-encoding of an RQL value, like the SDK's builder (§4.1). */
    protected static String rqlValue(String value) {
        return encode(encode(value));
    }

    private static String encode(String v) {
        StringBuilder out = new StringBuilder();
        for (byte b : v.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
