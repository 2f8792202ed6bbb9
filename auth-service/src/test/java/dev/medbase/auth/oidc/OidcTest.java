package dev.medbase.auth.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import dev.medbase.auth.AuthIntegrationTest;
import tools.jackson.databind.JsonNode;

/**
 * OpenID Connect over HTTP against an OIDC provider running in the test JVM: a real HTTP server serving discovery,
 * JWKS and a token endpoint (client_secret_basic checked) that answers an RS256 ID token built per test.
 */
class OidcTest extends AuthIntegrationTest {

    static final RSAKey KEY = rsa("k1");
    static final RSAKey FOREIGN = rsa("k1"); // same kid, other key: a forged signature
    static final String PROVIDER_CLIENT = "medbase-client";
    static final String PROVIDER_SECRET = "provider-secret-1234";
    static volatile Function<String, String> tokenEndpoint = code -> null;
    static final HttpServer PROVIDER = provider();

    @AfterAll
    static void stop() {
        PROVIDER.stop(0);
    }

    static String issuer() {
        return "http://127.0.0.1:" + PROVIDER.getAddress().getPort();
    }

    private static HttpServer provider() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/.well-known/openid-configuration", e -> reply(e, 200,
                    "{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + issuer() + "/jwks\",\"token_endpoint\":\""
                            + issuer() + "/token\",\"authorization_endpoint\":\"" + issuer() + "/authorize\"}"));
            server.createContext("/jwks", e -> reply(e, 200, new JWKSet(KEY.toPublicJWK()).toString()));
            server.createContext("/token", e -> {
                String form = new String(e.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String expected = "Basic " + Base64.getEncoder().encodeToString((PROVIDER_CLIENT + ":"
                        + PROVIDER_SECRET).getBytes(StandardCharsets.UTF_8));
                if (!expected.equals(e.getRequestHeaders().getFirst("Authorization"))
                        || !form.contains("grant_type=authorization_code")) {
                    reply(e, 401, "{\"error\":\"invalid_client\"}");
                    return;
                }
                String code = null;
                for (String pair : form.split("&")) {
                    if (pair.startsWith("code=")) {
                        code = URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
                    }
                }
                String idToken = tokenEndpoint.apply(code);
                if (idToken == null) {
                    reply(e, 400, "{\"error\":\"invalid_grant\"}");
                } else {
                    reply(e, 200, "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"id_token\":\"" + idToken
                            + "\"}");
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void reply(HttpExchange e, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        e.getResponseHeaders().add("Content-Type", "application/json");
        e.sendResponseHeaders(status, bytes.length);
        e.getResponseBody().write(bytes);
        e.close();
    }

    private static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String idToken(RSAKey key, String issuer, String audience, String subject, String email, String nonce,
            Instant expiry) {
        try {
            JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject(subject)
                    .claim("email", email).claim("given_name", "Olive").claim("family_name", "Idc")
                    .claim("nonce", nonce).issueTime(Date.from(expiry.minusSeconds(300)))
                    .expirationTime(Date.from(expiry)).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                    claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String manager() throws Exception {
        String email = "oidc-admin-" + new ObjectId() + "@example.com";
        createUser(email, "Oidc-admin-1", "CREATE_OIDC_PROVIDER", "VIEW_OIDC_PROVIDERS", "UPDATE_OIDC_PROVIDER",
                "DELETE_OIDC_PROVIDER", "VIEW_OIDC_LOGIN_ATTEMPTS");
        return login(email, "Oidc-admin-1").body().get("access_token").asString();
    }

    private Map<String, Object> providerBody(String name) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("description", "local provider");
        body.put("clientId", PROVIDER_CLIENT);
        body.put("clientSecret", PROVIDER_SECRET);
        body.put("issuerId", issuer());
        body.put("authorizationEndpoint", issuer() + "/authorize");
        body.put("tokenEndpoint", issuer() + "/token");
        body.put("userInfoEndpoint", issuer() + "/userinfo");
        body.put("redirectUri", "https://app.example.com/oidc/callback");
        return body;
    }

    private String nonce(String providerName) throws Exception {
        Response url = postJson("/auth/v2/oidc/providers/" + providerName + "/generateAuthenticationUrl",
                Map.of("state", "s 1"));
        assertThat(url.status()).as(url.toString()).isEqualTo(200);
        String u = url.body().get("authenticationUrl").asString();
        return u.substring(u.indexOf("nonce=") + 6).split("&")[0];
    }

    private Response oidcLogin(String providerName, String code) throws Exception {
        return postJson("/auth/v2/oidc/providers/" + providerName + "/oAuth2Login",
                Map.of("client_id", CLIENT_ID, "client_secret", CLIENT_SECRET, "authorizationCode", code),
                "Authorization", basic(CLIENT_ID, CLIENT_SECRET));
    }

    /** The next code exchange answers this ID token. */
    private static void answer(String idToken) {
        tokenEndpoint = code -> "good-code".equals(code) ? idToken : null;
    }

    @Test
    void codeExchangeFirstLoginCreatesTheUserAndEveryIdTokenFailureIsRefused() throws Exception {
        String admin = manager();
        String name = "local-" + new ObjectId();
        Response created = postJson("/auth/v2/oidc/providers", providerBody(name), "Authorization", bearer(admin));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        JsonNode p = created.body();
        String providerId = p.get("id").asString();
        assertThat(p.get("clientSecretHint").asString()).isEqualTo("1234");
        assertThat(p.has("clientSecret")).isFalse();
        assertThat(p.get("userinfoEndpoint").asString()).isEqualTo(issuer() + "/userinfo");
        assertThat(p.get("enabled").asBoolean()).isFalse();

        // disabled: 27; unknown: 16
        assertExhError(postJson("/auth/v2/oidc/providers/" + name + "/generateAuthenticationUrl", Map.of()), 400, 27,
                "ILLEGAL_STATE_EXCEPTION");
        assertExhError(postJson("/auth/v2/oidc/providers/nope/generateAuthenticationUrl", Map.of()), 404, 16,
                "RESOURCE_UNKNOWN_EXCEPTION");
        assertThat(postJson("/auth/v2/oidc/providers/" + providerId + "/enable", Map.of(), "Authorization",
                bearer(admin)).raw()).isEqualTo("{\"affectedRecords\":1}");

        Response url = postJson("/auth/v2/oidc/providers/" + name + "/generateAuthenticationUrl",
                Map.of("state", "xyz"));
        assertThat(url.body().get("authenticationUrl").asString()).startsWith(issuer() + "/authorize?response_type=code"
                + "&client_id=" + PROVIDER_CLIENT + "&scope=openid%20email%20profile&redirect_uri=https%3A%2F%2Fapp"
                + ".example.com%2Foidc%2Fcallback&nonce=").endsWith("&state=xyz");

        String email = "olive-" + new ObjectId() + "@example.com";
        String subject = "sub-" + new ObjectId();
        Instant exp = CLOCK.instant().plusSeconds(300);
        answer(idToken(KEY, issuer(), PROVIDER_CLIENT, subject, email, nonce(name), exp));
        Response ok = oidcLogin(name, "good-code");
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.body().properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("access_token",
                "token_type", "expires_in", "refresh_token", "user_id", "application_id");
        String userId = ok.body().get("user_id").asString();
        Document user = userDoc(new ObjectId(userId));
        assertThat(user.getString("email")).isEqualTo(email);
        assertThat(user.getString("first_name")).isEqualTo("Olive");
        assertThat(user.get("password_hash")).isNull();
        // second login: same user, a new nonce
        answer(idToken(KEY, issuer(), PROVIDER_CLIENT, subject, email, nonce(name), exp));
        assertThat(oidcLogin(name, "good-code").body().get("user_id").asString()).isEqualTo(userId);

        // each ID-token failure
        answer(idToken(FOREIGN, issuer(), PROVIDER_CLIENT, subject, email, nonce(name), exp));
        assertExhError(oidcLogin(name, "good-code"), 503, 136, "OIDC_ID_TOKEN_EXCEPTION");
        answer(idToken(KEY, issuer(), "someone-else", subject, email, nonce(name), exp));
        assertExhError(oidcLogin(name, "good-code"), 503, 136, "OIDC_ID_TOKEN_EXCEPTION");
        answer(idToken(KEY, "http://evil.example", PROVIDER_CLIENT, subject, email, nonce(name), exp));
        assertExhError(oidcLogin(name, "good-code"), 503, 136, "OIDC_ID_TOKEN_EXCEPTION");
        answer(idToken(KEY, issuer(), PROVIDER_CLIENT, subject, email, nonce(name), CLOCK.instant().minusSeconds(120)));
        assertExhError(oidcLogin(name, "good-code"), 503, 136, "OIDC_ID_TOKEN_EXCEPTION");
        answer(idToken(KEY, issuer(), PROVIDER_CLIENT, subject, email, "not-issued-here", exp));
        assertExhError(oidcLogin(name, "good-code"), 400, 137, "INVALID_NONCE_EXCEPTION");
        String once = nonce(name);
        answer(idToken(KEY, issuer(), PROVIDER_CLIENT, subject, email, once, exp));
        assertThat(oidcLogin(name, "good-code").status()).isEqualTo(200);
        assertExhError(oidcLogin(name, "good-code"), 400, 137, "INVALID_NONCE_EXCEPTION"); // replayed ID token
        assertExhError(oidcLogin(name, "bad-code"), 400, 139, "OIDC_INVALID_AUTHORIZATION_CODE_EXCEPTION");
        // client authentication like the token endpoint, standard error body
        assertExhError(postJson("/auth/v2/oidc/providers/" + name + "/oAuth2Login",
                Map.of("client_id", "unknown", "authorizationCode", "good-code")), 401, 123,
                "OAUTH2_CLIENT_ID_EXCEPTION");
        assertExhError(postJson("/auth/v2/oidc/providers/" + name + "/oAuth2Login",
                Map.of("client_id", CLIENT_ID, "client_secret", CLIENT_SECRET)), 400, 14,
                "MISSING_REQUIRED_FIELDS_EXCEPTION");
        // first login with the e-mail of an existing user: 203
        String taken = "taken-" + new ObjectId() + "@example.com";
        createUser(taken, "Taken-pass-1");
        answer(idToken(KEY, issuer(), PROVIDER_CLIENT, "sub-" + new ObjectId(), taken, nonce(name), exp));
        assertExhError(oidcLogin(name, "good-code"), 400, 203, "EMAIL_USED_EXCEPTION");

        // login attempts
        Response attempts = send("GET", "/auth/v2/oidc/loginAttempts?eq(providerId," + providerId + ")", null, null,
                "Authorization", bearer(admin));
        assertThat(attempts.status()).as(attempts.toString()).isEqualTo(200);
        JsonNode data = attempts.body().get("data");
        assertThat(data.size()).isEqualTo(11);
        assertThat(data.get(0).get("status").asString()).isEqualTo("success");
        assertThat(data.get(0).get("userId").asString()).isEqualTo(userId);
        assertThat(data.get(0).get("providerSubjectId").asString()).isEqualTo(subject);
        assertThat(data.get(0).get("providerName").asString()).isEqualTo(name);
        assertThat(data.get(2).get("status").asString()).isEqualTo("failed");
        assertThat(data.get(2).get("error").get("code").asInt()).isEqualTo(136);
        assertThat(data.get(2).get("creationTimestamp").asString()).endsWith("Z");

        // a provider still enabled or still linked cannot be removed
        assertExhError(send("DELETE", "/auth/v2/oidc/providers/" + providerId, null, null, "Authorization",
                bearer(admin)), 400, 27, "ILLEGAL_STATE_EXCEPTION");
        postJson("/auth/v2/oidc/providers/" + providerId + "/disable", Map.of(), "Authorization", bearer(admin));
        assertExhError(send("DELETE", "/auth/v2/oidc/providers/" + providerId, null, null, "Authorization",
                bearer(admin)), 400, 27, "ILLEGAL_STATE_EXCEPTION");
        assertThat(mongo.count(Query.query(Criteria.where("providerId").is(providerId)), "oidc_links")).isEqualTo(1);
    }

    @Test
    void providerManagementInputAndPermissions() throws Exception {
        String admin = manager();
        String name = "crud-" + new ObjectId();
        String id = postJson("/auth/v2/oidc/providers", providerBody(name), "Authorization", bearer(admin)).body()
                .get("id").asString();
        assertExhError(postJson("/auth/v2/oidc/providers", providerBody(name), "Authorization", bearer(admin)), 400,
                17, "RESOURCE_ALREADY_EXISTS_EXCEPTION");
        Map<String, Object> missing = providerBody("m-" + new ObjectId());
        missing.remove("clientSecret");
        assertExhError(postJson("/auth/v2/oidc/providers", missing, "Authorization", bearer(admin)), 400, 14,
                "MISSING_REQUIRED_FIELDS_EXCEPTION");
        Map<String, Object> badUrl = providerBody("u-" + new ObjectId());
        badUrl.put("tokenEndpoint", "javascript:alert(1)");
        assertExhError(postJson("/auth/v2/oidc/providers", badUrl, "Authorization", bearer(admin)), 400, 15,
                "FIELD_FORMAT_EXCEPTION");
        assertExhError(postJson("/auth/v2/oidc/providers", "", "Authorization", bearer(admin)), 400, 13,
                "EMPTY_BODY_EXCEPTION");

        assertThat(send("PUT", "/auth/v2/oidc/providers/" + id, "application/json",
                "{\"description\":\"changed\"}", "Authorization", bearer(admin)).raw())
                .isEqualTo("{\"affectedRecords\":1}");
        Response found = send("GET", "/auth/v2/oidc/providers?eq(name," + name + ")", null, null, "Authorization",
                bearer(admin));
        assertThat(found.body().get("data").get(0).get("description").asString()).isEqualTo("changed");
        assertThat(send("GET", "/auth/v2/oidc/providers?eq(name,none)", null, null, "Authorization", bearer(admin))
                .body().get("data").size()).isZero();
        assertExhError(send("PUT", "/auth/v2/oidc/providers/" + new ObjectId(), "application/json",
                "{\"description\":\"x\"}", "Authorization", bearer(admin)), 404, 16, "RESOURCE_UNKNOWN_EXCEPTION");
        assertExhError(send("PUT", "/auth/v2/oidc/providers/bad", "application/json", "{}", "Authorization",
                bearer(admin)), 400, 12, "ID_FORMAT_EXCEPTION");
        assertExhError(postJson("/auth/v2/oidc/providers/" + new ObjectId() + "/enable", Map.of(), "Authorization",
                bearer(admin)), 404, 16, "RESOURCE_UNKNOWN_EXCEPTION");
        assertThat(send("DELETE", "/auth/v2/oidc/providers/" + id, null, null, "Authorization", bearer(admin)).raw())
                .isEqualTo("{\"affectedRecords\":1}");

        // permissions
        String email = "oidc-plain-" + new ObjectId() + "@example.com";
        createUser(email, "Plain-pass-1");
        String plain = login(email, "Plain-pass-1").body().get("access_token").asString();
        assertExhError(postJson("/auth/v2/oidc/providers", providerBody("p-" + new ObjectId()), "Authorization",
                bearer(plain)), 401, 10, "NO_PERMISSION_EXCEPTION");
        assertExhError(send("GET", "/auth/v2/oidc/providers", null, null, "Authorization", bearer(plain)), 401, 10,
                "NO_PERMISSION_EXCEPTION");
        assertExhError(send("GET", "/auth/v2/oidc/loginAttempts", null, null, "Authorization", bearer(plain)), 401,
                10, "NO_PERMISSION_EXCEPTION");
        assertExhError(send("DELETE", "/auth/v2/oidc/providers/" + new ObjectId(), null, null, "Authorization",
                bearer(plain)), 401, 10, "NO_PERMISSION_EXCEPTION");
        assertExhError(send("GET", "/auth/v2/oidc/providers", null, null), 401, 104,
                "USER_NOT_AUTHENTICATED_EXCEPTION");
    }
}
