package dev.medbase.auth.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import dev.medbase.auth.AuthIntegrationTest;

/** The refresh_token grant: rotation, the grace window for concurrent SDK refreshes, reuse detection, expiry. */
class RefreshTokenTest extends AuthIntegrationTest {

    Response refresh(String refreshToken) throws Exception {
        return token(map("grant_type", "refresh_token", "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET,
                "refresh_token", refreshToken));
    }

    String freshRefreshToken() throws Exception {
        return login(ADMIN_EMAIL, ADMIN_PASSWORD).body().get("refresh_token").asString();
    }

    @Test
    void everyRefreshRotatesTheTokenAndAnswersAFullPair() throws Exception {
        String first = freshRefreshToken();
        CLOCK.advance(Duration.ofSeconds(1));
        Response r = refresh(first);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body().properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("access_token",
                "token_type", "expires_in", "refresh_token", "user_id", "application_id");
        String second = r.body().get("refresh_token").asString();
        assertThat(second).isNotEqualTo(first).matches("[0-9a-f]{64}");
        assertThat(claims(r.body().get("access_token").asString()).get("iat").asLong())
                .isEqualTo(CLOCK.instant().getEpochSecond());
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        // only the digest is stored
        assertThat(mongo.findAll(Document.class, "refresh_tokens").toString()).doesNotContain(first, second);
        assertThat(refresh(second).status()).isEqualTo(200);
    }

    @Test
    void concurrentRefreshesWithTheSameTokenInsideTheGraceWindowAllSucceed() throws Exception {
        String token = freshRefreshToken();
        Response a = refresh(token);
        CLOCK.advance(Duration.ofSeconds(29));
        Response b = refresh(token);
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        assertThat(b.status()).as(b.toString()).isEqualTo(200);
        String fromA = a.body().get("refresh_token").asString();
        String fromB = b.body().get("refresh_token").asString();
        assertThat(fromA).isNotEqualTo(fromB);
        // both answers are usable pairs
        assertThat(refresh(fromA).status()).isEqualTo(200);
        assertThat(refresh(fromB).status()).isEqualTo(200);
    }

    @Test
    void parallelRefreshesWithOneTokenAllSucceed() throws Exception {
        String token = freshRefreshToken();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Response>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(pool.submit(() -> refresh(token)));
            }
            java.util.Set<String> issued = new java.util.HashSet<>();
            for (java.util.concurrent.Future<Response> answer : answers) {
                Response r = answer.get();
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                issued.add(r.body().get("refresh_token").asString());
            }
            assertThat(issued).hasSize(4);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void reuseAfterTheGraceWindowRevokesTheWholeFamily() throws Exception {
        String token = freshRefreshToken();
        String next = refresh(token).body().get("refresh_token").asString();
        String newest = refresh(next).body().get("refresh_token").asString();
        CLOCK.advance(Duration.ofSeconds(31));
        assertOAuthError(refresh(token), 400, "invalid_grant", 119, "REFRESH_TOKEN_UNKNOWN_EXCEPTION");
        // the newest token of the family, never used, is dead too
        assertOAuthError(refresh(newest), 400, "invalid_grant", 119, "REFRESH_TOKEN_UNKNOWN_EXCEPTION");
        // another login is another family: unaffected
        assertThat(refresh(freshRefreshToken()).status()).isEqualTo(200);
    }

    @Test
    void expiredAndUnknownTokens() throws Exception {
        String token = freshRefreshToken();
        CLOCK.advance(Duration.ofDays(30).plusSeconds(1));
        assertOAuthError(refresh(token), 400, "invalid_grant", 120, "REFRESH_TOKEN_EXPIRED_EXCEPTION");
        assertOAuthError(refresh("0".repeat(64)), 400, "invalid_grant", 119, "REFRESH_TOKEN_UNKNOWN_EXCEPTION");
    }

    @Test
    void aTokenOnlyWorksForTheApplicationItWasIssuedTo() throws Exception {
        String token = freshRefreshToken();
        String[] other = createClient(false, List.of());
        assertOAuthError(token(map("grant_type", "refresh_token", "client_id", other[1], "refresh_token", token)),
                400, "invalid_grant", 119, "REFRESH_TOKEN_UNKNOWN_EXCEPTION");
        assertThat(refresh(token).status()).isEqualTo(200);
    }

    @Test
    void refreshReadsTheUsersCurrentPermissions() throws Exception {
        ObjectId user = createUser("changing@example.com", "Changing-pass-1", "VIEW_EVENTS");
        Response login = login("changing@example.com", "Changing-pass-1");
        assertThat(claims(login.body().get("access_token").asString()).get("permissions").toString())
                .isEqualTo("[\"VIEW_EVENTS\"]");
        Object role = userDoc(user).getList("roles", Object.class).get(0);
        usersDb().getCollection("roles").updateOne(new Document("_id", role),
                new Document("$push", new Document("permissions", "SEND_MAILS")));
        Response r = refresh(login.body().get("refresh_token").asString());
        assertThat(claims(r.body().get("access_token").asString()).get("permissions").toString())
                .isEqualTo("[\"VIEW_EVENTS\",\"SEND_MAILS\"]");
        // a deleted user's tokens stop working
        usersDb().getCollection("users").deleteOne(new Document("_id", user));
        assertOAuthError(refresh(r.body().get("refresh_token").asString()), 400, "invalid_grant", 119,
                "REFRESH_TOKEN_UNKNOWN_EXCEPTION");
    }

    @Test
    void listAndDeleteRefreshTokens() throws Exception {
        createUser("sessions@example.com", "Sessions-pass-1");
        Response login = login("sessions@example.com", "Sessions-pass-1");
        String access = login.body().get("access_token").asString();
        String refreshToken = login.body().get("refresh_token").asString();
        Response list = send("GET", "/auth/v2/oauth2/refreshTokens", null, null, "Authorization", bearer(access));
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.body().get("page").get("total").asInt()).isEqualTo(1);
        tools.jackson.databind.JsonNode listed = list.body().get("data").get(0);
        assertThat(listed.properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("id",
                "applicationId", "userId", "expiryTimestamp", "creationTimestamp", "updateTimestamp");
        assertThat(list.raw()).doesNotContain(refreshToken);

        // someone else's token cannot be deleted without DELETE_AUTHORIZATIONS
        createUser("other-sessions@example.com", "Other-pass-1");
        String other = login("other-sessions@example.com", "Other-pass-1").body().get("access_token").asString();
        String id = listed.get("id").asString();
        assertExhError(send("DELETE", "/auth/v2/oauth2/refreshTokens/" + id, null, null, "Authorization",
                bearer(other)), 401, 10, "NO_PERMISSION_EXCEPTION");
        assertThat(send("DELETE", "/auth/v2/oauth2/refreshTokens/" + id, null, null, "Authorization",
                bearer(access)).raw()).isEqualTo("{\"affectedRecords\":1}");
        assertOAuthError(refresh(refreshToken), 400, "invalid_grant", 119, "REFRESH_TOKEN_UNKNOWN_EXCEPTION");
        assertThat(send("GET", "/auth/v2/oauth2/refreshTokens", null, null, "Authorization", bearer(access)).body()
                .get("page").get("total").asInt()).isZero();
    }
}
