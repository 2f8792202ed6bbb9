package dev.medbase.auth.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import dev.medbase.auth.AuthIntegrationTest;
import dev.medbase.platform.events.EventEnvelope;
import dev.medbase.platform.events.EventPublisher;

/**
 * user-service's events end the user's sessions: published through user-service's own outbox in the in-process
 * user-service, carried by the real broker on {@code medbase.users}, consumed by auth-service.
 */
class UserChangesRevokeSessionsTest extends AuthIntegrationTest {

    Response refresh(String refreshToken) throws Exception {
        return token(map("grant_type", "refresh_token", "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET,
                "refresh_token", refreshToken));
    }

    String session(String email, String password) throws Exception {
        return login(email, password).body().get("refresh_token").asString();
    }

    /** Publishes from user-service as it would; returns the event id. */
    static String publish(String type, String userId, Instant time, Map<String, Object> content) {
        EventEnvelope event = new EventEnvelope(new ObjectId().toHexString(), type, "users", time, userId, content);
        USERS.getBean(EventPublisher.class).publish(event);
        return event.id();
    }

    long revokedSessions(String userId) {
        return mongo.count(Query.query(Criteria.where("userId").is(userId).and("revoked").is(true)),
                "refresh_families");
    }

    void awaitProcessed(String eventId) {
        await().atMost(Duration.ofSeconds(60)).until(() -> mongo.exists(
                Query.query(Criteria.where("eventId").is(eventId)), "processed_events"));
    }

    @Test
    void aPasswordResetEndsTheSessionsStartedBeforeIt() throws Exception {
        String userId = createUser("reset@example.com", "Reset-pass-1").toHexString();
        String first = session("reset@example.com", "Reset-pass-1");
        String second = session("reset@example.com", "Reset-pass-1");
        Instant resetAt = CLOCK.instant().plusMillis(500);
        CLOCK.advance(Duration.ofSeconds(1));
        String afterwards = session("reset@example.com", "Reset-pass-1"); // logged in before the event arrived

        awaitProcessed(publish("password_reset_completed", userId, resetAt, Map.of("user_id", userId)));

        assertThat(revokedSessions(userId)).isEqualTo(2);
        assertOAuthError(refresh(first), 400, "invalid_grant", 119, "REFRESH_TOKEN_UNKNOWN_EXCEPTION");
        assertOAuthError(refresh(second), 400, "invalid_grant", 119, "REFRESH_TOKEN_UNKNOWN_EXCEPTION");
        assertThat(refresh(afterwards).status()).isEqualTo(200);
        Document family = mongo.findOne(Query.query(Criteria.where("userId").is(userId).and("revoked").is(true)),
                Document.class, "refresh_families");
        assertThat(family.getString("revokeReason")).isEqualTo("password_reset_completed");
    }

    @Test
    void aDeletedUserOrAChangedPasswordEndsTheSessionsWhicheverKeyNamesTheUser() throws Exception {
        String deleted = createUser("deleted@example.com", "Deleted-pass-1").toHexString();
        String changed = createUser("changed@example.com", "Changed-pass-1").toHexString();
        String deletedSession = session("deleted@example.com", "Deleted-pass-1");
        String changedSession = session("changed@example.com", "Changed-pass-1");
        String other = createUser("bystander@example.com", "Bystander-pass-1").toHexString();
        String bystander = session("bystander@example.com", "Bystander-pass-1");

        String a = publish("user_deleted", deleted, CLOCK.instant(), Map.of("id", deleted));
        String b = publish("password_update_completed", changed, CLOCK.instant(), Map.of("userId", changed));
        awaitProcessed(a);
        awaitProcessed(b);

        assertThat(revokedSessions(deleted)).isEqualTo(1);
        assertThat(revokedSessions(changed)).isEqualTo(1);
        assertOAuthError(refresh(deletedSession), 400, "invalid_grant", 119, "REFRESH_TOKEN_UNKNOWN_EXCEPTION");
        assertOAuthError(refresh(changedSession), 400, "invalid_grant", 119, "REFRESH_TOKEN_UNKNOWN_EXCEPTION");
        assertThat(revokedSessions(other)).isZero();
        assertThat(refresh(bystander).status()).isEqualTo(200);
    }

    @Test
    void otherUserEventsEndNothing() throws Exception {
        String userId = createUser("created@example.com", "Created-pass-1").toHexString();
        String session = session("created@example.com", "Created-pass-1");
        publish("user_created", userId, CLOCK.instant(), Map.of("id", userId));
        // same key, same partition: once this later event is processed, user_created has been seen and skipped
        awaitProcessed(publish("password_reset_completed", userId, CLOCK.instant().minusSeconds(60),
                Map.of("user_id", userId)));
        assertThat(revokedSessions(userId)).isZero();
        assertThat(refresh(session).status()).isEqualTo(200);
    }
}
