package dev.medbase.auth.authorizations;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.medbase.auth.AuthIntegrationTest;

/** {@code /oauth2/authorizations} and the authorization_code grant, with PKCE, redirect URIs and single use. */
class AuthorizationCodeTest extends AuthIntegrationTest {

    static final String CALLBACK = "https://third.example.com/callback";
    static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    /** RFC 7636 appendix B: the S256 challenge of the verifier above. */
    static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    Response authorize(String userToken, Map<String, Object> body) throws Exception {
        return postJson("/auth/v2/oauth2/authorizations", body, "Authorization", bearer(userToken));
    }

    Map<String, Object> request(String clientId, String... kv) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("responseType", "code");
        body.put("clientId", clientId);
        for (int i = 0; i < kv.length; i += 2) {
            body.put(kv[i], kv[i + 1]);
        }
        return body;
    }

    Response exchange(String clientId, String code, String... extra) throws Exception {
        Map<String, String> body = map("grant_type", "authorization_code", "client_id", clientId, "code", code);
        body.putAll(map(extra));
        return token(body);
    }

    @Test
    void codeGrantWithS256Pkce() throws Exception {
        String[] app = createClient(false, List.of(CALLBACK));
        String user = adminToken();
        Response created = authorize(user, request(app[1], "state", "xyz", "codeChallenge", CHALLENGE,
                "codeChallengeMethod", "S256"));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        assertThat(created.body().get("redirectUri").asString()).isEqualTo(CALLBACK);
        assertThat(created.body().get("state").asString()).isEqualTo("xyz");
        assertThat(created.body().get("clientId").asString()).isEqualTo(app[1]);
        assertThat(created.body().get("userId").asString()).isEqualTo(claims(user).get("sub").asString());
        assertThat(created.body().get("expiryTimestamp").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*\\.\\d{3}Z");
        String code = created.body().get("authorizationCode").asString();

        Response r = exchange(app[1], code, "code_verifier", VERIFIER, "redirect_uri", CALLBACK);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body().get("application_id").asString()).isEqualTo(app[0]);
        assertThat(r.body().get("user_id").asString()).isEqualTo(claims(user).get("sub").asString());

        // single use: a replay fails and revokes what the first exchange issued
        assertOAuthError(exchange(app[1], code, "code_verifier", VERIFIER), 400, "invalid_grant", 115,
                "AUTHORIZATION_UNKNOWN_EXCEPTION");
        assertOAuthError(token(map("grant_type", "refresh_token", "client_id", app[1], "refresh_token",
                r.body().get("refresh_token").asString())), 400, "invalid_grant", 119,
                "REFRESH_TOKEN_UNKNOWN_EXCEPTION");

        // listing shows it without the code
        Response list = send("GET", "/auth/v2/oauth2/authorizations?eq(id," + created.body().get("id").asString()
                + ")", null, null, "Authorization", bearer(user));
        assertThat(list.body().get("page").get("total").asInt()).isEqualTo(1);
        assertThat(list.body().get("data").get(0).has("authorizationCode")).isFalse();
    }

    @Test
    void pkceFailures() throws Exception {
        String[] app = createClient(false, List.of(CALLBACK));
        String user = adminToken();
        String code = authorize(user, request(app[1], "codeChallenge", CHALLENGE, "codeChallengeMethod", "S256"))
                .body().get("authorizationCode").asString();
        assertOAuthError(exchange(app[1], code), 400, "invalid_grant", 128, "MISSING_PKCE_VERIFIER_EXCEPTION");
        String code2 = authorize(user, request(app[1], "codeChallenge", CHALLENGE, "codeChallengeMethod", "S256"))
                .body().get("authorizationCode").asString();
        assertOAuthError(exchange(app[1], code2, "code_verifier", VERIFIER.replace('d', 'e')), 400, "invalid_grant",
                122, "INVALID_PKCE_EXCEPTION");
        // plain: the verifier is the challenge
        String plain = authorize(user, request(app[1], "codeChallenge", VERIFIER)).body().get("authorizationCode")
                .asString();
        assertThat(exchange(app[1], plain, "code_verifier", VERIFIER).status()).isEqualTo(200);
    }

    @Test
    void redirectUriExpiryAndClientChecks() throws Exception {
        String[] app = createClient(false, List.of(CALLBACK, "https://third.example.com/other"));
        String[] otherApp = createClient(false, List.of());
        String user = adminToken();
        // several registered: one must be named, and it must be registered
        assertExhError(authorize(user, request(app[1])), 400, 113, "CALLBACK_NOT_VALID");
        assertExhError(authorize(user, request(app[1], "redirectUri", "https://evil.example.com/")), 400, 113,
                "CALLBACK_NOT_VALID");
        String code = authorize(user, request(app[1], "redirectUri", CALLBACK)).body().get("authorizationCode")
                .asString();
        assertOAuthError(exchange(app[1], code, "redirect_uri", "https://third.example.com/other"), 400,
                "invalid_grant", 113, "CALLBACK_NOT_VALID");
        // another client cannot redeem it
        String code2 = authorize(user, request(app[1], "redirectUri", CALLBACK)).body().get("authorizationCode")
                .asString();
        assertOAuthError(exchange(otherApp[1], code2), 400, "invalid_grant", 115, "AUTHORIZATION_UNKNOWN_EXCEPTION");
        // expiry
        String code3 = authorize(user, request(app[1], "redirectUri", CALLBACK)).body().get("authorizationCode")
                .asString();
        CLOCK.advance(Duration.ofMinutes(10));
        assertOAuthError(exchange(app[1], code3), 400, "invalid_grant", 116, "AUTHORIZATION_CODE_EXPIRED_EXCEPTION");
        // the SDK sends no redirect_uri: accepted
        String code4 = authorize(adminToken(), request(app[1], "redirectUri", CALLBACK)).body()
                .get("authorizationCode").asString();
        assertThat(exchange(app[1], code4).status()).isEqualTo(200);
    }

    @Test
    void createErrors() throws Exception {
        String[] app = createClient(false, List.of(CALLBACK));
        String user = adminToken();
        assertExhError(postJson("/auth/v2/oauth2/authorizations", request(app[1])), 401, 104,
                "USER_NOT_AUTHENTICATED_EXCEPTION");
        Map<String, Object> token = request(app[1]);
        token.put("responseType", "token");
        assertExhError(authorize(user, token), 400, 114, "UNSUPPORTED_RESPONSE_TYPE");
        assertExhError(authorize(user, request("no-such-client")), 400, 103, "APPLICATION_UNKNOWN_EXCEPTION");
        assertExhError(authorize(user, request(app[1], "codeChallenge", "short")), 400, 15, "FIELD_FORMAT_EXCEPTION");
        assertExhError(authorize(user, request(app[1], "codeChallenge", CHALLENGE, "codeChallengeMethod", "MD5")),
                400, 15, "FIELD_FORMAT_EXCEPTION");
        assertExhError(authorize(user, Map.of("clientId", app[1])), 400, 14, "MISSING_REQUIRED_FIELDS_EXCEPTION");
    }

    @Test
    void usersSeeAndDeleteOnlyTheirOwnAuthorizations() throws Exception {
        String[] app = createClient(false, List.of(CALLBACK));
        String admin = adminToken();
        createUser("plain-authz@example.com", "Plain-pass-1");
        String plain = login("plain-authz@example.com", "Plain-pass-1").body().get("access_token").asString();
        String adminsId = authorize(admin, request(app[1])).body().get("id").asString();
        String plainsId = authorize(plain, request(app[1])).body().get("id").asString();

        Response mine = send("GET", "/auth/v2/oauth2/authorizations", null, null, "Authorization", bearer(plain));
        assertThat(mine.body().get("page").get("total").asInt()).isEqualTo(1);
        assertThat(mine.body().get("data").get(0).get("id").asString()).isEqualTo(plainsId);
        String adminUserId = claims(admin).get("sub").asString();
        assertThat(send("GET", "/auth/v2/oauth2/authorizations?eq(userId," + adminUserId + ")", null, null,
                "Authorization", bearer(plain)).body().get("page").get("total").asInt()).isZero();
        assertThat(send("GET", "/auth/v2/oauth2/authorizations?eq(userId," + adminUserId + ")", null, null,
                "Authorization", bearer(admin)).body().get("page").get("total").asInt()).isPositive();
        assertExhError(send("DELETE", "/auth/v2/oauth2/authorizations/" + adminsId, null, null, "Authorization",
                bearer(plain)), 401, 10, "NO_PERMISSION_EXCEPTION");
        Response deleted = send("DELETE", "/auth/v2/oauth2/authorizations/" + plainsId, null, null, "Authorization",
                bearer(plain));
        assertThat(deleted.raw()).isEqualTo("{\"affectedRecords\":1}");
        // the admin has DELETE_AUTHORIZATIONS
        assertThat(send("DELETE", "/auth/v2/oauth2/authorizations/" + adminsId, null, null, "Authorization",
                bearer(admin)).status()).isEqualTo(200);
    }
}
