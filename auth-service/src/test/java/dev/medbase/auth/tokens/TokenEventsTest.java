package dev.medbase.auth.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.assertj.core.groups.Tuple;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import dev.medbase.auth.AuthIntegrationTest;
import dev.medbase.devstack.infra.SharedTestInfra;
import dev.medbase.platform.events.EventCodec;
import dev.medbase.platform.events.EventEnvelope;
import tools.jackson.databind.json.JsonMapper;

/** auth-service's events go through the outbox to the real broker, on {@code medbase.auth}, without secrets. */
class TokenEventsTest extends AuthIntegrationTest {

    @Test
    void loginsFailuresReuseAndLogoutAreAnnounced() throws Exception {
        String[] app = createClient(true, List.of());
        String applicationId = app[0];
        String userId = createUser("events@example.com", "Events-pass-1").toHexString();
        Map<String, String> login = map("grant_type", "password", "client_id", app[1], "client_secret", app[2],
                "username", "events@example.com", "password", "Events-pass-1");
        Response session = token(login);
        assertThat(session.status()).as(session.toString()).isEqualTo(200);
        String refreshToken = session.body().get("refresh_token").asString();
        login.put("password", "Wrong-pass-1");
        assertThat(token(login).status()).isEqualTo(400);

        // reuse after the grace window ends the session
        Map<String, String> refresh = map("grant_type", "refresh_token", "client_id", app[1], "client_secret", app[2],
                "refresh_token", refreshToken);
        assertThat(token(refresh).status()).isEqualTo(200);
        CLOCK.advance(Duration.ofSeconds(31));
        assertThat(token(refresh).status()).isEqualTo(400);
        String familyId = mongo.findAll(Document.class, "refresh_families").stream()
                .filter(f -> userId.equals(f.getString("userId"))).findFirst().orElseThrow().get("_id").toString();

        // logout: deleting the live token of a second session
        login.put("password", "Events-pass-1");
        Response second = token(login);
        String access = second.body().get("access_token").asString();
        String listed = send("GET", "/auth/v2/oauth2/refreshTokens", null, null, "Authorization", bearer(access))
                .body().get("data").get(0).get("id").asString();
        assertThat(send("DELETE", "/auth/v2/oauth2/refreshTokens/" + listed, null, null, "Authorization",
                bearer(access)).status()).isEqualTo(200);

        // the refresh itself announces nothing
        List<ConsumerRecord<byte[], byte[]>> records = read(applicationId, userId, 6);
        List<EventEnvelope> events = records.stream().map(new EventCodec(JsonMapper.builder().build())::fromRecord)
                .toList();
        assertThat(events).allSatisfy(e -> assertThat(e.source()).isEqualTo("auth"));
        assertThat(events).extracting(EventEnvelope::type).containsExactlyInAnyOrder("login_succeeded",
                "login_failed", "refresh_token_reused", "tokens_revoked", "login_succeeded", "tokens_revoked");
        assertThat(events).filteredOn(e -> e.type().equals("login_succeeded")).first().satisfies(e -> {
            assertThat(e.aggregateId()).isEqualTo(userId);
            assertThat(e.content()).isEqualTo(Map.of("user_id", userId, "application_id", applicationId,
                    "grant_type", "password"));
        });
        assertThat(events).filteredOn(e -> e.type().equals("login_failed")).singleElement().satisfies(e -> {
            assertThat(e.aggregateId()).isEqualTo(applicationId);
            assertThat(e.content()).isEqualTo(Map.of("application_id", applicationId, "grant_type", "password",
                    "error_code", 106));
        });
        assertThat(events).filteredOn(e -> e.type().equals("refresh_token_reused")).singleElement()
                .satisfies(e -> assertThat(e.content()).isEqualTo(Map.of("user_id", userId,
                        "application_id", applicationId, "family_id", familyId)));
        assertThat(events).filteredOn(e -> e.type().equals("tokens_revoked")).extracting(EventEnvelope::content)
                .extracting(c -> c.get("reason"), c -> ((List<?>) c.get("family_ids")).size(), c -> c.get("user_id"))
                .containsExactlyInAnyOrder(Tuple.tuple("refresh_token_reused", 1, userId),
                        Tuple.tuple("refresh_token_deleted", 1, userId));

        for (ConsumerRecord<byte[], byte[]> record : records) {
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).doesNotContain("Events-pass-1",
                    "Wrong-pass-1", "events@example.com", refreshToken, app[2], access);
        }
    }

    /** Reads {@code medbase.auth} from the start until {@code count} events about this application or user came. */
    static List<ConsumerRecord<byte[], byte[]>> read(String applicationId, String userId, int count) {
        EventCodec codec = new EventCodec(JsonMapper.builder().build());
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedTestInfra.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "token-events-test-" + new ObjectId(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of("medbase.auth"));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Map<String, Object> content = codec.fromRecord(record).content();
                    if (applicationId.equals(content.get("application_id")) || userId.equals(content.get("user_id"))) {
                        found.add(record);
                    }
                }
                return found.size() >= count;
            });
            // nothing more than expected arrives
            consumer.poll(Duration.ofSeconds(1)).forEach(record -> {
                Map<String, Object> content = codec.fromRecord(record).content();
                if (applicationId.equals(content.get("application_id")) || userId.equals(content.get("user_id"))) {
                    found.add(record);
                }
            });
        }
        return found;
    }
}
