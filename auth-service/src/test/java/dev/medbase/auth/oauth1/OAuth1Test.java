package dev.medbase.auth.oauth1;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import dev.medbase.auth.AuthIntegrationTest;
import dev.medbase.auth.support.Secrets;
import tools.jackson.databind.JsonNode;

/** OAuth1 over HTTP: consumer-signed login (with and without MFA), the gateway's verify seam, tokens, SSO tokens. */
class OAuth1Test extends AuthIntegrationTest {

    /** Signs like the SDK (parameters, sorting, {@code ", "} separator); the signer is pinned by OAuth1SignatureTest. */
    static String sign(String method, String url, String consumerKey, String consumerSecret, String token,
            String tokenSecret, long timestamp, String nonce) {
        URI uri = URI.create(url);
        Map<String, String> oauth = new TreeMap<>();
        oauth.put("oauth_consumer_key", consumerKey);
        oauth.put("oauth_nonce", nonce);
        oauth.put("oauth_signature_method", "HMAC-SHA1");
        oauth.put("oauth_timestamp", Long.toString(timestamp));
        if (token != null) {
            oauth.put("oauth_token", token);
        }
        oauth.put("oauth_version", "1.0");
        List<String[]> params = new ArrayList<>(OAuth1Signature.queryParameters(uri.getRawQuery()));
        oauth.forEach((k, v) -> params.add(new String[] {k, v}));
        String base = OAuth1Signature.baseString(method,
                OAuth1Signature.baseUrl(uri.getScheme(), uri.getRawAuthority(), uri.getRawPath()), params);
        oauth.put("oauth_signature", OAuth1Signature.sign(base, consumerSecret, tokenSecret));
        StringBuilder header = new StringBuilder("OAuth ");
        oauth.forEach((k, v) -> header.append(header.length() > 6 ? ", " : "").append(OAuth1Signature.percentEncode(k))
                .append("=\"").append(OAuth1Signature.percentEncode(v)).append('"'));
        return header.toString();
    }

    static String nonce() {
        return Secrets.randomHex(16);
    }

    private long now() {
        return CLOCK.instant().getEpochSecond();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** An oauth1 application with one version: {appId, consumerKey, consumerSecret}. */
    private String[] consumer() throws Exception {
        String admin = adminToken();
        Response app = postJson("/auth/v2/applications", Map.of("type", "oauth1", "name", "cli-" + new ObjectId(),
                "description", "cli"), "Authorization", bearer(admin));
        assertThat(app.status()).as(app.toString()).isEqualTo(200);
        String appId = app.body().get("id").asString();
        Response version = postJson("/auth/v2/applications/" + appId + "/versions", Map.of("name", "v1"),
                "Authorization", bearer(admin));
        return new String[] {appId, version.body().get("consumerKey").asString(),
                version.body().get("consumerSecret").asString()};
    }

    private Response oauthLogin(String[] c, Object body, String header) throws Exception {
        return postJson("/auth/v2/oauth1/tokens", body, "Authorization", header);
    }

    private Response verify(String method, String url, String header) throws Exception {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("method", method);
        body.put("url", url);
        body.put("authorization", header);
        return postJson("/internal/oauth1/verify", body);
    }

    @Test
    void forgedRequestsBurnNoNonceAndTheNonceStoreIsBoundedByTheWindow() throws Exception {
        String[] c = consumer();
        String email = "oauth1-nonce-" + new ObjectId() + "@example.com";
        createUser(email, "OAuth1-pass-1");
        Map<String, String> credentials = Map.of("email", email, "password", "OAuth1-pass-1");
        String nonce = nonce();
        String key = c[1] + " " + nonce;

        // a forged signature with a nonce: 109, and the nonce is not recorded (an attacker cannot burn nonces)
        assertExhError(oauthLogin(c, credentials, sign("POST", url("/auth/v2/oauth1/tokens"), c[1], "forged", null,
                null, now(), nonce)), 401, 109, "OAUTH_SIGNATURE_EXCEPTION");
        assertThat(mongo.exists(Query.query(Criteria.where("_id").is(key)), "oauth1_nonces")).isFalse();
        String header = sign("POST", url("/auth/v2/oauth1/tokens"), c[1], c[2], null, null, now(), nonce);
        assertThat(oauthLogin(c, credentials, header).status()).isEqualTo(200);

        // the recorded nonce expires (TTL index) twice the timestamp window from now: past that, the request's
        // timestamp alone refuses a replay (109), so the store never holds more than a window's worth of nonces
        Document stored = mongo.findOne(Query.query(Criteria.where("_id").is(key)), Document.class, "oauth1_nonces");
        assertThat(stored.getDate("expiryTimestamp").toInstant()).isEqualTo(CLOCK.instant().plus(Duration.ofMinutes(10)));
        assertThat(mongo.indexOps("oauth1_nonces").getIndexInfo()).anySatisfy(index -> {
            assertThat(index.getIndexFields().get(0).getKey()).isEqualTo("expiryTimestamp");
            assertThat(index.getExpireAfter()).hasValue(Duration.ZERO);
        });
        assertExhError(oauthLogin(c, credentials, header), 401, 110, "DUPLICATE_REQUEST_EXCEPTION");
        CLOCK.advance(Duration.ofMinutes(6));
        assertExhError(oauthLogin(c, credentials, header), 401, 109, "OAUTH_SIGNATURE_EXCEPTION");
    }

    @Test
    void behindTheGatewayTheSignedOriginIsTheOneItNames() throws Exception {
        String[] c = consumer();
        String email = "oauth1-origin-" + new ObjectId() + "@example.com";
        createUser(email, "OAuth1-pass-1");
        Map<String, String> credentials = Map.of("email", email, "password", "OAuth1-pass-1");
        String gateway = "http://localhost:8080";
        Response ok = postJson("/auth/v2/oauth1/tokens", credentials, "Authorization", sign("POST", gateway
                + "/auth/v2/oauth1/tokens", c[1], c[2], null, null, now(), nonce()), "X-OAuth1-Signed-Origin", gateway);
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertExhError(postJson("/auth/v2/oauth1/tokens", credentials, "Authorization", sign("POST", gateway
                + "/auth/v2/oauth1/tokens", c[1], c[2], null, null, now(), nonce()), "X-OAuth1-Signed-Origin",
                "http://localhost:9999"), 401, 109, "OAUTH_SIGNATURE_EXCEPTION");
        assertExhError(postJson("/auth/v2/oauth1/tokens", credentials, "Authorization", sign("POST", gateway
                + "/auth/v2/oauth1/tokens", c[1], c[2], null, null, now(), nonce()), "X-OAuth1-Signed-Origin",
                "not a url"), 401, 109, "OAUTH_SIGNATURE_EXCEPTION");
    }

    @Test
    void loginSignedByTheConsumerThenSignedRequestsThroughTheVerifySeam() throws Exception {
        String[] c = consumer();
        String email = "oauth1-" + new ObjectId() + "@example.com";
        ObjectId user = createUser(email, "OAuth1-pass-1");
        Map<String, String> credentials = Map.of("email", email, "password", "OAuth1-pass-1");

        String header = sign("POST", url("/auth/v2/oauth1/tokens"), c[1], c[2], null, null, now(), nonce());
        Response login = oauthLogin(c, credentials, header);
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        JsonNode t = login.body();
        assertThat(t.get("userId").asString()).isEqualTo(user.toHexString());
        assertThat(t.get("applicationId").asString()).isEqualTo(c[0]);
        assertThat(t.get("token").asString()).matches("[0-9a-f]{40}");
        assertThat(t.get("tokenSecret").asString()).matches("[0-9a-f]{40}");
        assertThat(t.get("id").asString()).matches("[0-9a-f]{24}");
        assertThat(t.get("creationTimestamp").asString()).endsWith("Z");

        // the same request again: nonce replay
        assertExhError(oauthLogin(c, credentials, header), 401, 110, "DUPLICATE_REQUEST_EXCEPTION");
        // timestamp skew
        assertExhError(oauthLogin(c, credentials, sign("POST", url("/auth/v2/oauth1/tokens"), c[1], c[2], null, null,
                now() - 600, nonce())), 401, 109, "OAUTH_SIGNATURE_EXCEPTION");
        // wrong secret, wrong URL (the host the client saw is signed)
        assertExhError(oauthLogin(c, credentials, sign("POST", url("/auth/v2/oauth1/tokens"), c[1], "nope", null,
                null, now(), nonce())), 401, 109, "OAUTH_SIGNATURE_EXCEPTION");
        assertExhError(oauthLogin(c, credentials, sign("POST", "http://elsewhere:1/auth/v2/oauth1/tokens", c[1], c[2],
                null, null, now(), nonce())), 401, 109, "OAUTH_SIGNATURE_EXCEPTION");
        // unknown consumer, no OAuth header, wrong password
        assertExhError(oauthLogin(c, credentials, sign("POST", url("/auth/v2/oauth1/tokens"), "unknown", c[2], null,
                null, now(), nonce())), 401, 107, "OAUTH_KEY_EXCEPTION");
        assertExhError(postJson("/auth/v2/oauth1/tokens", credentials), 401, 101,
                "APPLICATION_NOT_AUTHENTICATED_EXCEPTION");
        assertExhError(oauthLogin(c, Map.of("email", email, "password", "wrong"), sign("POST",
                url("/auth/v2/oauth1/tokens"), c[1], c[2], null, null, now(), nonce())), 401, 106,
                "AUTHENTICATION_EXCEPTION");
        assertExhError(oauthLogin(c, Map.of("email", email), sign("POST", url("/auth/v2/oauth1/tokens"), c[1], c[2],
                null, null, now(), nonce())), 400, 14, "MISSING_REQUIRED_FIELDS_EXCEPTION");
        CLOCK.advance(Duration.ofSeconds(2));

        // behind a TLS-terminating proxy: the origin the client saw comes from X-Forwarded-Proto / -Host
        Response proxied = postJson("/auth/v2/oauth1/tokens", credentials, "Authorization",
                sign("POST", "https://api.example.com/auth/v2/oauth1/tokens", c[1], c[2], null, null, now(), nonce()),
                "X-Forwarded-Proto", "https", "X-Forwarded-Host", "api.example.com");
        assertThat(proxied.status()).as(proxied.toString()).isEqualTo(200);

        // a token-signed data query with RQL, verified for the gateway → a short-lived bearer for the services
        String token = t.get("token").asString();
        String secret = t.get("tokenSecret").asString();
        String dataUrl = "https://api.example.com/data/v1/s/documents?select(id,data.name)&eq(data.name,John%2520Doe)";
        Response verified = verify("GET", dataUrl, sign("GET", dataUrl, c[1], c[2], token, secret, now(), nonce()));
        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        assertThat(verified.body().get("userId").asString()).isEqualTo(user.toHexString());
        assertThat(verified.body().get("applicationId").asString()).isEqualTo(c[0]);
        assertThat(verified.body().get("expiresIn").asLong()).isEqualTo(60);
        String bearer = verified.body().get("accessToken").asString();
        assertThat(claims(bearer).get("sub").asString()).isEqualTo(user.toHexString());
        assertThat(claims(bearer).get("aid").asString()).isEqualTo(c[0]);
        // the RQL query is signed: another query with the same header fails
        assertExhError(verify("GET", dataUrl.replace("John", "Jane"),
                sign("GET", dataUrl, c[1], c[2], token, secret, now(), nonce())), 401, 109,
                "OAUTH_SIGNATURE_EXCEPTION");
        // unknown token; token of another consumer; consumer-only signature where a user is needed
        assertExhError(verify("GET", dataUrl, sign("GET", dataUrl, c[1], c[2], "f".repeat(40), secret, now(),
                nonce())), 401, 108, "OAUTH_TOKEN_EXCEPTION");
        String[] other = consumer();
        assertExhError(verify("GET", dataUrl, sign("GET", dataUrl, other[1], other[2], token, secret, now(),
                nonce())), 401, 108, "OAUTH_TOKEN_EXCEPTION");
        assertExhError(verify("GET", dataUrl, sign("GET", dataUrl, c[1], c[2], null, null, now(), nonce())), 401,
                108, "OAUTH_TOKEN_EXCEPTION");
        assertExhError(verify("GET", "not a url", "OAuth x=\"y\""), 400, 15, "FIELD_FORMAT_EXCEPTION");
        assertExhError(postJson("/internal/oauth1/verify", Map.of()), 400, 14, "MISSING_REQUIRED_FIELDS_EXCEPTION");

        // tokens list (own) and remove
        Response list = send("GET", "/auth/v2/oauth1/tokens?eq(applicationId," + c[0] + ")", null, null,
                "Authorization", bearer(bearer));
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.body().get("data").size()).isEqualTo(2);
        assertThat(list.body().get("data").get(0).has("tokenSecret")).isFalse();
        assertThat(list.body().get("data").get(0).get("lastUsedTimestamp").isString()).isTrue();
        assertThat(list.body().get("page").get("total").asInt()).isEqualTo(2);
        String otherUserAccess = login(ADMIN_EMAIL, ADMIN_PASSWORD).body().get("access_token").asString();
        assertExhError(send("DELETE", "/auth/v2/oauth1/tokens/" + t.get("id").asString(), null, null,
                "Authorization", bearer(createdUserToken())), 401, 10, "NO_PERMISSION_EXCEPTION");
        assertExhError(send("DELETE", "/auth/v2/oauth1/tokens/zz", null, null, "Authorization", bearer(bearer)), 400,
                12, "ID_FORMAT_EXCEPTION");
        assertExhError(send("DELETE", "/auth/v2/oauth1/tokens/" + new ObjectId(), null, null, "Authorization",
                bearer(bearer)), 404, 16, "RESOURCE_UNKNOWN_EXCEPTION");
        assertExhError(send("GET", "/auth/v2/oauth1/tokens", null, null), 401, 104,
                "USER_NOT_AUTHENTICATED_EXCEPTION");
        assertThat(otherUserAccess).isNotBlank();
        Response removed = send("DELETE", "/auth/v2/oauth1/tokens/" + t.get("id").asString(), null, null,
                "Authorization", bearer(bearer));
        assertThat(removed.raw()).isEqualTo("{\"affectedRecords\":1}");
        assertExhError(verify("GET", dataUrl, sign("GET", dataUrl, c[1], c[2], token, secret, now(), nonce())), 401,
                108, "OAUTH_TOKEN_EXCEPTION");
    }

    private String createdUserToken() throws Exception {
        String email = "oauth1-stranger-" + new ObjectId() + "@example.com";
        createUser(email, "Stranger-pass-1");
        return login(email, "Stranger-pass-1").body().get("access_token").asString();
    }

    @Test
    void mfaLoginAndSsoTokensAcrossConsumers() throws Exception {
        String[] cli = consumer();
        String[] web = consumer();
        String email = "oauth1-mfa-" + new ObjectId() + "@example.com";
        ObjectId user = createUser(email, "OAuth1-pass-1");
        String access = login(email, "OAuth1-pass-1").body().get("access_token").asString();
        String presence = postJson("/auth/v2/confirmPresence", Map.of("password", "OAuth1-pass-1"), "Authorization",
                bearer(access)).body().get("token").asString();
        String base = "/auth/v2/mfa/users/" + user.toHexString();
        Response recovery = postJson(base + "/methods", Map.of("presenceToken", presence, "type", "recoveryCodes"),
                "Authorization", bearer(access));
        assertThat(postJson(base + "/enable", Map.of("presenceToken", presence), "Authorization", bearer(access))
                .status()).isEqualTo(200);

        Map<String, String> credentials = Map.of("email", email, "password", "OAuth1-pass-1");
        Response required = oauthLogin(cli, credentials, sign("POST", url("/auth/v2/oauth1/tokens"), cli[1], cli[2],
                null, null, now(), nonce()));
        assertExhError(required, 403, 129, "MFA_REQUIRED_EXCEPTION");
        JsonNode mfa = required.body().get("mfa");
        assertThat(mfa.get("token").asString()).matches("[0-9a-f]{40}");
        assertThat(mfa.get("tokenExpiresIn").asLong()).isEqualTo(900000);
        String methodId = mfa.get("methods").get(0).get("id").asString();

        Map<String, String> confirm = Map.of("token", mfa.get("token").asString(), "methodId", methodId, "code",
                recovery.body().get("codes").get(0).asString());
        Response done = postJson("/auth/v2/oauth1/tokens/mfa", confirm, "Authorization",
                sign("POST", url("/auth/v2/oauth1/tokens/mfa"), cli[1], cli[2], null, null, now(), nonce()));
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        assertThat(done.body().get("userId").asString()).isEqualTo(user.toHexString());
        assertThat(done.body().get("applicationId").asString()).isEqualTo(cli[0]);
        assertExhError(postJson("/auth/v2/oauth1/tokens/mfa", confirm, "Authorization",
                sign("POST", url("/auth/v2/oauth1/tokens/mfa"), cli[1], cli[2], null, null, now(), nonce())), 400,
                131, "INVALID_MFA_TOKEN_EXCEPTION");

        // an SSO token generated through the cli is consumed by the web consumer
        String dataUrl = "http://localhost/auth/v2/oauth1/ssoTokens/generate";
        String bearer = verify("POST", dataUrl, sign("POST", dataUrl, cli[1], cli[2],
                done.body().get("token").asString(), done.body().get("tokenSecret").asString(), now(), nonce()))
                .body().get("accessToken").asString();
        Response sso = postJson("/auth/v2/oauth1/ssoTokens/generate", Map.of(), "Authorization", bearer(bearer));
        assertThat(sso.status()).as(sso.toString()).isEqualTo(200);
        assertThat(sso.body().get("ssoToken").asString()).matches("[0-9a-f]{40}");
        assertThat(sso.body().get("createdByApplicationId").asString()).isEqualTo(cli[0]);
        assertThat(sso.body().get("userId").asString()).isEqualTo(user.toHexString());
        Map<String, String> consume = Map.of("ssoToken", sso.body().get("ssoToken").asString());
        Response consumed = postJson("/auth/v2/oauth1/ssoTokens/consume", consume, "Authorization",
                sign("POST", url("/auth/v2/oauth1/ssoTokens/consume"), web[1], web[2], null, null, now(), nonce()));
        assertThat(consumed.status()).as(consumed.toString()).isEqualTo(200);
        assertThat(consumed.body().get("applicationId").asString()).isEqualTo(web[0]);
        assertThat(consumed.body().get("userId").asString()).isEqualTo(user.toHexString());
        // single use
        assertExhError(postJson("/auth/v2/oauth1/ssoTokens/consume", consume, "Authorization",
                sign("POST", url("/auth/v2/oauth1/ssoTokens/consume"), web[1], web[2], null, null, now(), nonce())),
                404, 16, "RESOURCE_UNKNOWN_EXCEPTION");
        assertExhError(postJson("/auth/v2/oauth1/ssoTokens/generate", Map.of()), 401, 104,
                "USER_NOT_AUTHENTICATED_EXCEPTION");
    }
}
