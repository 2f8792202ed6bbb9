package dev.medbase.users.credentials;

import dev.medbase.platform.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.medbase.devstack.infra.EmbeddedKafka;
import dev.medbase.devstack.infra.EmbeddedMongo;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The internal credentials seam over HTTP: verification, lockout timings (moved clock), claims. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CredentialsControllerTest {

    static final EmbeddedMongo MONGO = new EmbeddedMongo(EmbeddedKafka.freePort(), null).start();
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void mongo(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> MONGO.uri("medbase-users-credentials"));
    }

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MutableClock testClock() {
            return CLOCK;
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    MongoTemplate mongo;
    @Autowired
    PasswordEncoder encoder;

    ObjectId alice;
    ObjectId bob;

    @BeforeEach
    void users() {
        mongo.dropCollection("users");
        mongo.dropCollection("roles");
        mongo.dropCollection("group_roles");
        alice = user("alice@example.com", "Alice-pass-1");
        bob = user("bob@example.com", "Bob-pass-1");
    }

    ObjectId user(String email, String password) {
        ObjectId id = new ObjectId();
        mongo.insert(new Document("_id", id).append("email", email).append("password_hash", encoder.encode(password))
                .append("failed_count", 0).append("roles", List.of()).append("staff_enlistments", List.of())
                .append("patient_enlistments", List.of()), "users");
        return id;
    }

    record Response(int status, JsonNode body) {}

    Response post(String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body().isEmpty() ? null : JSON.readTree(response.body()));
    }

    Response get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), JSON.readTree(response.body()));
    }

    Response login(String email, String password) throws Exception {
        return post("/internal/credentials/verify", JSON.writeValueAsString(Map.of("email", email, "password", password)));
    }

    static void assertError(Response r, int status, int code, String name) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.body().get("code").asInt()).as(r.toString()).isEqualTo(code);
        assertThat(r.body().get("name").asString()).isEqualTo(name);
    }

    Document stored(ObjectId id) {
        return mongo.findById(id, Document.class, "users");
    }

    @Test
    void rightPasswordReturnsTheUserIdAndEmailIsCaseInsensitive() throws Exception {
        Response r = login(" Alice@Example.COM ", "Alice-pass-1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("userId").asString()).isEqualTo(alice.toHexString());
        assertThat(r.body().properties()).hasSize(1);
    }

    @Test
    void unknownEmailAndWrongPasswordAreIndistinguishable() throws Exception {
        Response unknown = login("nobody@example.com", "whatever-1");
        Response wrong = login("alice@example.com", "wrong-password");
        assertError(unknown, 401, 106, "AUTHENTICATION_EXCEPTION");
        assertThat(wrong.status()).isEqualTo(unknown.status());
        assertThat(wrong.body()).isEqualTo(unknown.body());
    }

    @Test
    void oneAttemptPerSecondAfterAFailure() throws Exception {
        assertError(login("alice@example.com", "wrong"), 401, 106, "AUTHENTICATION_EXCEPTION");
        // even the right password is refused within the second, without touching the counter
        assertError(login("alice@example.com", "Alice-pass-1"), 401, 211, "LOGIN_TIMEOUT_EXCEPTION");
        CLOCK.advance(Duration.ofMillis(999));
        assertError(login("alice@example.com", "wrong"), 401, 211, "LOGIN_TIMEOUT_EXCEPTION");
        assertThat(stored(alice).getInteger("failed_count")).isEqualTo(1);
        CLOCK.advance(Duration.ofMillis(1));
        assertThat(login("alice@example.com", "Alice-pass-1").status()).isEqualTo(200);
        assertThat(stored(alice).getInteger("failed_count")).isZero();
        assertThat(stored(alice).get("last_failed_timestamp")).isNull();
    }

    @Test
    void everyTenthFailureFreezesTheAccountForAMinute() throws Exception {
        for (int i = 1; i <= 10; i++) {
            assertError(login("alice@example.com", "wrong"), 401, 106, "AUTHENTICATION_EXCEPTION");
            CLOCK.advance(Duration.ofSeconds(1));
        }
        assertThat(stored(alice).getInteger("failed_count")).isEqualTo(10);
        assertError(login("alice@example.com", "Alice-pass-1"), 401, 212, "LOGIN_FREEZE_EXCEPTION");
        CLOCK.advance(Duration.ofSeconds(58)); // 59 s after the tenth failure
        assertError(login("alice@example.com", "Alice-pass-1"), 401, 212, "LOGIN_FREEZE_EXCEPTION");
        CLOCK.advance(Duration.ofSeconds(1));
        // the freeze is over; the eleventh failure does not freeze again
        assertError(login("alice@example.com", "wrong"), 401, 106, "AUTHENTICATION_EXCEPTION");
        CLOCK.advance(Duration.ofSeconds(1));
        assertError(login("alice@example.com", "wrong"), 401, 106, "AUTHENTICATION_EXCEPTION");
        assertThat(stored(alice).getInteger("failed_count")).isEqualTo(12);
    }

    @Test
    void fiftyFailuresBlockUntilAnAdminResetsTheCounter() throws Exception {
        for (int i = 1; i <= 50; i++) {
            assertError(login("alice@example.com", "wrong"), 401, 106, "AUTHENTICATION_EXCEPTION");
            CLOCK.advance(i % 10 == 0 ? Duration.ofSeconds(60) : Duration.ofSeconds(1));
        }
        CLOCK.advance(Duration.ofDays(30));
        assertError(login("alice@example.com", "Alice-pass-1"), 401, 213, "TOO_MANY_FAILED_ATTEMPTS_EXCEPTION");
        assertThat(stored(alice).getInteger("failed_count")).isEqualTo(50);

        mongo.updateFirst(Query.query(Criteria.where("_id").is(alice)), new Update().set("failed_count", 0),
                "users");
        assertThat(login("alice@example.com", "Alice-pass-1").status()).isEqualTo(200);
    }

    @Test
    void parallelWrongGuessesAreChargedBeforeTheyAreChecked() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        int failed = 0;
        int throttled = 0;
        try {
            List<java.util.concurrent.Future<Response>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 24; i++) {
                answers.add(pool.submit(() -> login("alice@example.com", "wrong")));
            }
            for (java.util.concurrent.Future<Response> answer : answers) {
                int code = answer.get().body().get("code").asInt();
                assertThat(code).isIn(106, 211);
                failed += code == 106 ? 1 : 0;
                throttled += code == 211 ? 1 : 0;
            }
        } finally {
            pool.shutdown();
        }
        // every guess that was checked was counted, and the clock did not move: the rest were refused unchecked
        assertThat(failed).isPositive();
        assertThat(failed + throttled).isEqualTo(24);
        assertThat(stored(alice).getInteger("failed_count")).isEqualTo(failed);
        assertThat(login("alice@example.com", "Alice-pass-1").body().get("code").asInt()).isEqualTo(211);
    }

    @Test
    void hammeringOneAccountDoesNotAffectAnother() throws Exception {
        for (int i = 0; i < 10; i++) {
            login("alice@example.com", "wrong"); // first fails, the rest are throttled
        }
        assertThat(login("alice@example.com", "wrong").body().get("code").asInt()).isEqualTo(211);
        Response r = login("bob@example.com", "Bob-pass-1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("userId").asString()).isEqualTo(bob.toHexString());
        assertThat(stored(bob).getInteger("failed_count")).isZero();
    }

    @Test
    void badInputIsA4xxNotAFailedAttempt() throws Exception {
        assertError(post("/internal/credentials/verify", "{\"email\":\"alice@example.com\"}"), 400, 14,
                "MISSING_REQUIRED_FIELDS_EXCEPTION");
        assertError(post("/internal/credentials/verify", "{not json"), 400, 22, "BODY_FORMAT_EXCEPTION");
        assertError(post("/internal/credentials/verify", ""), 400, 13, "EMPTY_BODY_EXCEPTION");
        assertError(login("alice@example.com", "x".repeat(1_000_000)), 400, 15, "FIELD_FORMAT_EXCEPTION");
        // a long password bcrypt cannot take is simply wrong
        assertError(login("alice@example.com", "y".repeat(200)), 401, 106, "AUTHENTICATION_EXCEPTION");
        assertThat(stored(alice).getInteger("failed_count")).isEqualTo(1);
    }

    @Test
    void claimsCarryGlobalPermissionsPatientGroupsAndStaffGroupPermissions() throws Exception {
        ObjectId role = new ObjectId();
        mongo.insert(new Document("_id", role).append("name", "r").append("permissions",
                List.of("VIEW_USER", "CREATE_APPLICATIONS")), "roles");
        ObjectId group = new ObjectId();
        ObjectId otherGroup = new ObjectId();
        ObjectId expiredGroup = new ObjectId();
        ObjectId physician = new ObjectId();
        ObjectId foreignRole = new ObjectId();
        mongo.insert(new Document("_id", physician).append("group_id", group).append("name", "physician")
                .append("permissions", List.of("VIEW_DOCUMENTS", "VIEW_PATIENTS")), "group_roles");
        mongo.insert(new Document("_id", foreignRole).append("group_id", otherGroup).append("name", "x")
                .append("permissions", List.of("DELETE_DOCUMENTS")), "group_roles");
        Date past = Date.from(CLOCK.instant().minusSeconds(60));
        mongo.updateFirst(Query.query(Criteria.where("_id").is(alice)), new Update()
                .set("roles", List.of(role))
                .set("patient_enlistments", List.of(new Document("group_id", otherGroup),
                        new Document("group_id", expiredGroup).append("expiry_timestamp", past)))
                .set("staff_enlistments", List.of(new Document("group_id", group)
                        .append("roles", List.of(physician, foreignRole)), new Document("group_id", otherGroup))),
                "users");

        Response r = get("/internal/users/" + alice.toHexString() + "/claims");
        assertThat(r.status()).isEqualTo(200);
        assertThat(JSON.writeValueAsString(r.body())).isEqualTo(JSON.writeValueAsString(JSON.readTree("""
                {"userId":"%s","permissions":["VIEW_USER","CREATE_APPLICATIONS"],"patientGroups":["%s"],
                 "staffGroups":{"%s":["VIEW_DOCUMENTS","VIEW_PATIENTS"],"%s":[]}}
                """.formatted(alice.toHexString(), otherGroup.toHexString(), group.toHexString(),
                otherGroup.toHexString()))));

        Response bobs = get("/internal/users/" + bob.toHexString() + "/claims");
        assertThat(JSON.writeValueAsString(bobs.body())).isEqualTo(
                "{\"userId\":\"" + bob.toHexString() + "\",\"permissions\":[],\"patientGroups\":[],\"staffGroups\":{}}");
    }

    @Test
    void claimsOfAnUnknownUserAre404() throws Exception {
        assertError(get("/internal/users/" + new ObjectId().toHexString() + "/claims"), 404, 16,
                "RESOURCE_UNKNOWN_EXCEPTION");
        assertError(get("/internal/users/not-an-id/claims"), 404, 16, "RESOURCE_UNKNOWN_EXCEPTION");
    }
}
