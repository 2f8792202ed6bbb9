package dev.medbase.tasks.testing;

import dev.medbase.platform.testing.MutableClock;
import dev.medbase.platform.testing.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.annotation.Order;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.medbase.devstack.infra.SharedTestInfra;
import dev.medbase.tasks.queue.TaskWorker;

/**
 * Base of the HTTP tests: the whole service on a random port against the shared test MongoDB and Kafka, one Spring
 * context for all classes; the background worker is off (tests run the queue with {@link TaskWorker#runDue()}), the
 * clock is a {@link MutableClock}, events stay in the outbox, and runtime {@code test} is a {@link TestExecutor}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "medbase.events.relay.enabled=false", "medbase.tasks.worker-enabled=false",
        "medbase.tasks.direct-concurrency=2", "medbase.tasks.function-environment.MEDBASE_TEST_CONFIGURED=yes"})
@Import(TaskApiTest.TestBeans.class)
public abstract class TaskApiTest {

    protected static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestConfiguration
    public static class TestBeans {
        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock();
        }

        @Bean
        @Order(1)
        TestExecutor testExecutor() {
            return new TestExecutor();
        }
    }

    @DynamicPropertySource
    static void infra(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> SharedTestInfra.mongoUri("medbase-tasks-test"));
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
    protected TestExecutor executor;
    @Autowired
    protected TaskWorker worker;

    protected static final String ADMIN = TestTokens.user().permissions("VIEW_TASKS", "CREATE_TASKS", "CANCEL_TASKS",
            "VIEW_TASK_LOGS", "EXECUTE_TASK_FUNCTION", "VIEW_TASK_SCHEDULES", "CREATE_TASK_SCHEDULE",
            "DELETE_TASK_SCHEDULE", "VIEW_TASK_FUNCTIONS", "VIEW_TASK_FUNCTION_DETAILS", "CREATE_TASK_FUNCTION",
            "UPDATE_TASK_FUNCTION", "DELETE_TASK_FUNCTION").token();
    protected static final String NOBODY = TestTokens.user().token();

    @BeforeEach
    void cleanQueue() {
        mongo.remove(new Query(), "tasks");
        mongo.remove(new Query(), "schedules");
        executor.reset();
        clock.set(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    protected static String uniqueName(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
    }

    /** Creates a function of runtime {@code test} with extra definition fields. */
    protected String testFunction(Map<String, Object> extra) {
        String name = uniqueName("fn");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("runtime", "test");
        body.put("entryPoint", "index.handler");
        body.putAll(extra);
        post("/tasks/v1/functions", ADMIN, body).expect(200);
        return name;
    }

    protected List<JsonNode> events(String aggregateId, String type) {
        return mongo.find(Query.query(Criteria.where("aggregateId").is(aggregateId).and("type").is(type))
                        .with(Sort.by("time", "_id")), org.bson.Document.class, "outbox").stream()
                .map(d -> JSON.readTree(d.getString("content"))).toList();
    }

    protected JsonNode task(String id) {
        return get("/tasks/v1/?eq(id," + id + ")", ADMIN).expect(200).json().path("data").path(0);
    }

    public record Response(int status, String body) {
        public JsonNode json() {
            return body == null || body.isEmpty() ? null : JSON.readTree(body);
        }

        public Response expect(int expected) {
            assertThat(status).as(body).isEqualTo(expected);
            return this;
        }

        public Response error(int expectedStatus, int code) {
            assertThat(status).as(body).isEqualTo(expectedStatus);
            JsonNode json = json();
            assertThat(json).as(body).isNotNull();
            assertThat(json.path("code").asInt()).as(body).isEqualTo(code);
            assertThat(json.path("name").isString()).as(body).isTrue();
            assertThat(json.path("message").isString()).as(body).isTrue();
            return this;
        }
    }

    protected Response get(String path, String token) {
        return send("GET", path, token, null);
    }

    protected Response post(String path, String token, Object body) {
        return send("POST", path, token, body);
    }

    protected Response put(String path, String token, Object body) {
        return send("PUT", path, token, body);
    }

    protected Response delete(String path, String token) {
        return send("DELETE", path, token, null);
    }

    protected Response send(String method, String path, String token, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            byte[] bytes = body == null ? null
                    : (body instanceof String s ? s : JSON.writeValueAsString(body)).getBytes(StandardCharsets.UTF_8);
            if (bytes != null) {
                b.header("Content-Type", "application/json");
            }
            b.method(method, bytes == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(bytes));
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A base64 zip of the given files (name → content). */
    protected static String zip(Map<String, String> files) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                for (Map.Entry<String, String> f : files.entrySet()) {
                    zip.putNextEntry(new ZipEntry(f.getKey()));
                    zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                    zip.closeEntry();
                }
            }
            return Base64.getEncoder().encodeToString(out.toByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
