package dev.medbase.auth.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import dev.medbase.auth.AuthIntegrationTest;
import tools.jackson.databind.JsonNode;

/** {@code GET/DELETE /auth/v2/oauth2/tokens}: listing and revoking access tokens; a revoked token is 117 at once. */
class AccessTokensAdminTest extends AuthIntegrationTest {

    @Test
    void listOwnTokensAndRevokeOneWhichIsThen117() throws Exception {
        String email = "tokens-" + new ObjectId() + "@example.com";
        ObjectId user = createUser(email, "Tokens-pass-1");
        String first = login(email, "Tokens-pass-1").body().get("access_token").asString();
        CLOCK.advance(Duration.ofSeconds(1));
        String second = login(email, "Tokens-pass-1").body().get("access_token").asString();

        Response list = send("GET", "/auth/v2/oauth2/tokens?sort(creationTimestamp)", null, null, "Authorization",
                bearer(first));
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        JsonNode data = list.body().get("data");
        assertThat(data.size()).isEqualTo(2);
        assertThat(data.get(0).properties()).extracting(Map.Entry::getKey).containsExactly("id", "applicationId",
                "userId", "expiryTimestamp", "creationTimestamp", "updateTimestamp");
        assertThat(data.get(0).get("userId").asString()).isEqualTo(user.toHexString());
        assertThat(list.body().get("page").get("total").asInt()).isEqualTo(2);
        String secondId = data.get(1).get("id").asString();

        // someone else: no permission; malformed and unknown ids; anonymous
        String otherEmail = "tokens-other-" + new ObjectId() + "@example.com";
        createUser(otherEmail, "Tokens-pass-1");
        String other = login(otherEmail, "Tokens-pass-1").body().get("access_token").asString();
        assertExhError(send("DELETE", "/auth/v2/oauth2/tokens/" + secondId, null, null, "Authorization",
                bearer(other)), 401, 10, "NO_PERMISSION_EXCEPTION");
        assertThat(send("GET", "/auth/v2/oauth2/tokens", null, null, "Authorization", bearer(other)).body()
                .get("data").size()).isEqualTo(1);
        assertExhError(send("DELETE", "/auth/v2/oauth2/tokens/xyz", null, null, "Authorization", bearer(first)),
                400, 12, "ID_FORMAT_EXCEPTION");
        assertExhError(send("DELETE", "/auth/v2/oauth2/tokens/" + new ObjectId(), null, null, "Authorization",
                bearer(first)), 404, 16, "RESOURCE_UNKNOWN_EXCEPTION");
        assertExhError(send("GET", "/auth/v2/oauth2/tokens", null, null), 401, 104,
                "USER_NOT_AUTHENTICATED_EXCEPTION");

        Response revoked = send("DELETE", "/auth/v2/oauth2/tokens/" + secondId, null, null, "Authorization",
                bearer(first));
        assertThat(revoked.raw()).isEqualTo("{\"affectedRecords\":1}");
        assertExhError(send("GET", "/auth/v2/oauth2/tokens", null, null, "Authorization", bearer(second)), 401, 117,
                "ACCESS_TOKEN_UNKNOWN_EXCEPTION");
        // the gateway's revocation list names it (and not the live one)
        Response list2 = send("GET", "/internal/revocations", null, null);
        assertThat(list2.raw()).contains("\"jti\":\"" + claims(second).get("jti").asString() + "\"")
                .doesNotContain(claims(first).get("jti").asString());
        Response after = send("GET", "/auth/v2/oauth2/tokens", null, null, "Authorization", bearer(first));
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.body().get("data").size()).isEqualTo(1);

        // with VIEW_AUTHORIZATIONS: everyone's
        String viewerEmail = "tokens-viewer-" + new ObjectId() + "@example.com";
        createUser(viewerEmail, "Tokens-pass-1", "VIEW_AUTHORIZATIONS", "DELETE_AUTHORIZATIONS");
        String viewer = login(viewerEmail, "Tokens-pass-1").body().get("access_token").asString();
        Response all = send("GET", "/auth/v2/oauth2/tokens?eq(userId," + user.toHexString() + ")", null, null,
                "Authorization", bearer(viewer));
        assertThat(all.body().get("data").size()).isEqualTo(1);
        assertThat(send("DELETE", "/auth/v2/oauth2/tokens/" + all.body().get("data").get(0).get("id").asString(),
                null, null, "Authorization", bearer(viewer)).raw()).isEqualTo("{\"affectedRecords\":1}");
        assertExhError(send("GET", "/auth/v2/oauth2/tokens", null, null, "Authorization", bearer(first)), 401, 117,
                "ACCESS_TOKEN_UNKNOWN_EXCEPTION");
    }
}
