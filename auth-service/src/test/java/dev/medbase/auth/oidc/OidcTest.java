package dev.medbase.auth.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import okhttp3.Headers;
import okhttp3.mockwebserver.RecordedRequest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

import dev.medbase.auth.AuthIntegrationTest;
import dev.medbase.devstack.infra.SharedTestInfra;
import dev.medbase.platform.events.EventCodec;
import dev.medbase.platform.events.EventEnvelope;
import dev.medbase.platform.events.EventPublisher;
import tools.jackson.databind.JsonNode;

/**
 * OpenID Connect over HTTP against a real OpenID provider in the test JVM: NAV's mock-oauth2-server (discovery, JWKS,
 * a non-interactive authorize endpoint that redirects with a code, a token endpoint that answers RS256 ID tokens
 * carrying the nonce of the authorization request). Its tokens are dated by the test clock. Each test obtains a code
 * the way a browser would: it follows the authentication URL medbase generates to the provider's authorize endpoint.
 */
class OidcTest extends AuthIntegrationTest {

    static final String ISSUER_ID = "medbase";
    static final String PROVIDER_CLIENT = "medbase-client";
    static final String PROVIDER_SECRET = "provider-secret-1234";
    /** Answers a real provider could give instead of tokens; see {@link TokenFailure}. */
    static final Queue<OAuth2HttpResponse> TOKEN_FAILURES = new ConcurrentLinkedQueue<>();
    static final MockOAuth2Server PROVIDER = started(new OAuth2TokenProvider(() -> CLOCK.instant()),
            new TokenFailure());
    static final MockOAuth2Server FORGER = started(new OAuth2TokenProvider(new KeyProvider(List.of(rsa(jwk(PROVIDER)
            .getKeyID())), "RS256"), () -> CLOCK.instant()));

    @AfterAll
    static void stop() {
        PROVIDER.shutdown();
        FORGER.shutdown();
    }

    private static MockOAuth2Server started(OAuth2TokenProvider tokens, Route... routes) {
        MockOAuth2Server server = new MockOAuth2Server(new OAuth2Config(false, null, null, false, tokens), routes);
        server.start();
        return server;
    }

    /**
     * A route ahead of the provider's own (mock-oauth2-server 6 dropped {@code enqueueResponse}): while failures are
     * queued, the next token request gets the first of them instead of tokens.
     */
    private static final class TokenFailure implements Route {
        @Override
        public boolean match(OAuth2HttpRequest request) {
            return request.getUrl().encodedPath().endsWith("/token") && !TOKEN_FAILURES.isEmpty();
        }

        @Override
        public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
            return TOKEN_FAILURES.remove();
        }
    }

    /** The next code exchange gets this answer. */
    private static void failNextExchange(int status, String body) {
        TOKEN_FAILURES.add(new OAuth2HttpResponse(Headers.of("Content-Type", "application/json"), status, body,
                null));
    }

    static String issuer() {
        return PROVIDER.issuerUrl(ISSUER_ID).toString();
    }

    /**
     * The provider's next token response carries an ID token for this subject with these claims, valid this long
     * from the test clock (negative: already expired). Claims given here replace the provider's own ({@code aud},
     * {@code iss}). Only enqueued before an exchange that reaches the token endpoint with a valid code.
     */
    private static void next(String subject, Map<String, Object> claims, long validSeconds) {
        PROVIDER.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", List.of(PROVIDER_CLIENT),
                claims, validSeconds));
    }

    private static Map<String, Object> person(String email) {
        Map<String, Object> claims = new LinkedHashMap<>();
        if (email != null) {
            claims.put("email", email);
        }
        claims.put("given_name", "Olive");
        claims.put("family_name", "Idc");
        return claims;
    }

    private static Map<String, Object> person(String email, String claim, Object value) {
        Map<String, Object> claims = person(email);
        claims.put(claim, value);
        return claims;
    }

    /** The next ID token: this person, valid five minutes. */
    private static void next(String subject, String email) {
        next(subject, person(email), 300);
    }

    /** The requests the provider received since the last call, oldest first. */
    private static List<RecordedRequest> received() {
        List<RecordedRequest> requests = new ArrayList<>();
        while (true) {
            try {
                requests.add(PROVIDER.takeRequest(0, TimeUnit.MILLISECONDS));
            } catch (RuntimeException none) { // mock-oauth2-server's way of saying the queue is empty
                return requests;
            }
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

    /** The authentication URL medbase generates for this provider (each with a new nonce). */
    private String authenticationUrl(String providerName) throws Exception {
        Response url = postJson("/auth/v2/oidc/providers/" + providerName + "/generateAuthenticationUrl",
                Map.of("state", "s 1"));
        assertThat(url.status()).as(url.toString()).isEqualTo(200);
        return url.body().get("authenticationUrl").asString();
    }

    /** A code for this provider, got as a browser would: its authentication URL followed to the provider. */
    private String code(String providerName) throws Exception {
        return codeFrom(authenticationUrl(providerName));
    }

    /** The provider's authorize endpoint redirects back to the redirect URI with a code (and the state). */
    private static String codeFrom(String authenticationUrl) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(authenticationUrl)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("https://app.example.com/oidc/callback?").contains("state=s+1");
        for (String pair : URI.create(location).getRawQuery().split("&")) {
            if (pair.startsWith("code=")) {
                return URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no code in " + location);
    }

    /** The same authorization request with a nonce medbase never issued. */
    private static String foreignNonce(String authenticationUrl) {
        return authenticationUrl.replaceFirst("nonce=[^&]*", "nonce=not-issued-here");
    }

    private static JWK jwk(MockOAuth2Server server) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server.jwksUrl(ISSUER_ID).uri()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return JWKSet.parse(r.body()).getKeys().get(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JWK rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A medbase provider whose issuer (discovery, JWKS) is {@link #PROVIDER} but whose codes and tokens come from
     * {@link #FORGER}, which signs with another key under the same key id: a forged signature.
     */
    private String forgedProvider(String admin) throws Exception {
        JWK genuine = jwk(PROVIDER);
        JWK forged = jwk(FORGER);
        assertThat(forged.getKeyID()).isEqualTo(genuine.getKeyID());
        assertThat(forged.toRSAKey().getModulus()).isNotEqualTo(genuine.toRSAKey().getModulus());
        String name = "forged-" + new ObjectId();
        Map<String, Object> body = providerBody(name);
        body.put("authorizationEndpoint", FORGER.authorizationEndpointUrl(ISSUER_ID).toString());
        body.put("tokenEndpoint", FORGER.tokenEndpointUrl(ISSUER_ID).toString());
        String id = postJson("/auth/v2/oidc/providers", body, "Authorization", bearer(admin)).body().get("id")
                .asString();
        postJson("/auth/v2/oidc/providers/" + id + "/enable", Map.of(), "Authorization", bearer(admin));
        return name;
    }

    /** FORGER's next ID token: this person, claiming PROVIDER's issuer. */
    private static void forgery(String subject, String email) {
        FORGER.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", List.of(PROVIDER_CLIENT),
                person(email, "iss", issuer()), 300));
    }

    /** 136, refused by the check named in the message. */
    private static void assertIdTokenRefused(Response r, String why) {
        assertExhError(r, 503, 136, "OIDC_ID_TOKEN_EXCEPTION");
        assertThat(r.body().get("message").asString()).as(r.toString()).contains(why);
    }

    private Response oidcLogin(String providerName, String code) throws Exception {
        return postJson("/auth/v2/oidc/providers/" + providerName + "/oAuth2Login",
                Map.of("client_id", CLIENT_ID, "client_secret", CLIENT_SECRET, "authorizationCode", code),
                "Authorization", basic(CLIENT_ID, CLIENT_SECRET));
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
        received(); // forget the requests of earlier tests
        next(subject, email);
        Response ok = oidcLogin(name, code(name));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.body().properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("access_token",
                "token_type", "expires_in", "refresh_token", "user_id", "application_id");
        String userId = ok.body().get("user_id").asString();
        Document user = userDoc(new ObjectId(userId));
        assertThat(user.getString("email")).isEqualTo(email);
        assertThat(user.getString("first_name")).isEqualTo("Olive");
        assertThat(user.get("password_hash")).isNull();
        // the code was exchanged at the token endpoint with client_secret_basic and the redirect URI
        RecordedRequest exchange = received().stream().filter(r -> r.getPath().endsWith("/token")).findFirst()
                .orElseThrow();
        assertThat(exchange.getHeader("Authorization")).isEqualTo("Basic " + Base64.getEncoder().encodeToString(
                (PROVIDER_CLIENT + ":" + PROVIDER_SECRET).getBytes(StandardCharsets.UTF_8)));
        assertThat(exchange.getBody().readUtf8()).contains("grant_type=authorization_code")
                .contains("redirect_uri=https%3A%2F%2Fapp.example.com%2Foidc%2Fcallback");
        // second login: same user, a new nonce
        next(subject, email);
        assertThat(oidcLogin(name, code(name)).body().get("user_id").asString()).isEqualTo(userId);

        // each ID-token failure, each refused by its own check
        String forged = forgedProvider(admin);
        forgery(subject, email);
        assertIdTokenRefused(oidcLogin(forged, code(forged)), "signature");
        next(subject, person(email, "aud", "someone-else"), 300);
        assertIdTokenRefused(oidcLogin(name, code(name)), "another client");
        next(subject, person(email, "iss", "http://evil.example"), 300);
        assertIdTokenRefused(oidcLogin(name, code(name)), "another issuer");
        next(subject, person(email), -120); // past the 60 s skew
        assertIdTokenRefused(oidcLogin(name, code(name)), "expired");
        next(subject, email);
        assertExhError(oidcLogin(name, codeFrom(foreignNonce(authenticationUrl(name)))), 400, 137,
                "INVALID_NONCE_EXCEPTION");
        String once = authenticationUrl(name);
        next(subject, email);
        assertThat(oidcLogin(name, codeFrom(once)).status()).isEqualTo(200);
        next(subject, email);
        assertExhError(oidcLogin(name, codeFrom(once)), 400, 137, "INVALID_NONCE_EXCEPTION"); // a used nonce replayed
        // a code the provider never issued, or one already exchanged
        assertExhError(oidcLogin(name, "bad-code"), 400, 139, "OIDC_INVALID_AUTHORIZATION_CODE_EXCEPTION");
        String used = code(name);
        next(subject, email);
        assertThat(oidcLogin(name, used).status()).isEqualTo(200);
        assertExhError(oidcLogin(name, used), 400, 139, "OIDC_INVALID_AUTHORIZATION_CODE_EXCEPTION");
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
        next("sub-" + new ObjectId(), taken);
        assertExhError(oidcLogin(name, code(name)), 400, 203, "EMAIL_USED_EXCEPTION");

        // login attempts
        Response attempts = send("GET", "/auth/v2/oidc/loginAttempts?eq(providerId," + providerId + ")", null, null,
                "Authorization", bearer(admin));
        assertThat(attempts.status()).as(attempts.toString()).isEqualTo(200);
        JsonNode data = attempts.body().get("data");
        assertThat(data.size()).isEqualTo(12);
        assertThat(data.get(0).get("status").asString()).isEqualTo("success");
        assertThat(data.get(0).get("userId").asString()).isEqualTo(userId);
        assertThat(data.get(0).get("providerSubjectId").asString()).isEqualTo(subject);
        assertThat(data.get(0).get("providerName").asString()).isEqualTo(name);
        assertThat(data.get(2).get("status").asString()).isEqualTo("failed");
        assertThat(data.get(2).get("error").get("code").asInt()).isEqualTo(136);
        assertThat(data.get(2).get("error").get("message").asString()).contains("another client");
        assertThat(data.get(2).get("creationTimestamp").asString()).endsWith("Z");
        Response forgedAttempts = send("GET", "/auth/v2/oidc/loginAttempts?eq(providerName," + forged + ")", null,
                null, "Authorization", bearer(admin));
        assertThat(forgedAttempts.body().get("data").get(0).get("error").get("code").asInt()).isEqualTo(136);

        // a provider still enabled or still linked cannot be removed
        assertExhError(send("DELETE", "/auth/v2/oidc/providers/" + providerId, null, null, "Authorization",
                bearer(admin)), 400, 27, "ILLEGAL_STATE_EXCEPTION");
        postJson("/auth/v2/oidc/providers/" + providerId + "/disable", Map.of(), "Authorization", bearer(admin));
        assertExhError(send("DELETE", "/auth/v2/oidc/providers/" + providerId, null, null, "Authorization",
                bearer(admin)), 400, 27, "ILLEGAL_STATE_EXCEPTION");
        assertThat(mongo.count(Query.query(Criteria.where("providerId").is(providerId)), "oidc_links")).isEqualTo(1);
    }

    private String enabledProvider(String admin) throws Exception {
        String name = "link-" + new ObjectId();
        String id = postJson("/auth/v2/oidc/providers", providerBody(name), "Authorization", bearer(admin)).body()
                .get("id").asString();
        postJson("/auth/v2/oidc/providers/" + id + "/enable", Map.of(), "Authorization", bearer(admin));
        return name;
    }

    private String presence(String access, String password) throws Exception {
        Response r = postJson("/auth/v2/confirmPresence", Map.of("password", password), "Authorization",
                bearer(access));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.body().get("token").asString();
    }

    private Response link(String providerName, String access, Object body) throws Exception {
        return postJson("/auth/v2/oidc/providers/" + providerName + "/link", body, "Authorization", bearer(access));
    }

    private Response unlink(String userId, String access) throws Exception {
        return postJson("/auth/v2/oidc/users/" + userId + "/unlink", Map.of(), "Authorization", bearer(access));
    }

    /** The first event of this type about this user on medbase.users, read from the broker. */
    private static EventEnvelope userEvent(String type, String userId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedTestInfra.kafkaBootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "oidc-test-" + new ObjectId());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        EventCodec codec = new EventCodec(JSON);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of("medbase.users"));
            Instant deadline = Instant.now().plusSeconds(60);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    EventEnvelope event = codec.fromRecord(record);
                    if (event.type().equals(type) && userId.equals(event.content().get("user_id"))) {
                        return event;
                    }
                }
            }
        }
        throw new AssertionError("no " + type + " event for user " + userId);
    }

    @Test
    void aUserLinksWithAPresenceTokenIsLoggedOutEverywhereAndAnUnlinkMailsAWayBackToAPassword() throws Exception {
        String admin = manager();
        String name = enabledProvider(admin);
        String email = "linker-" + new ObjectId() + "@example.com";
        ObjectId userId = createUser(email, "Linker-pass-1");
        usersDb().updateFirst(Query.query(Criteria.where("_id").is(userId)), Update.update("activation", true),
                "users"); // a password reset needs an activated account
        Response session = login(email, "Linker-pass-1");
        String access = session.body().get("access_token").asString();
        String token = presence(access, "Linker-pass-1");
        String subject = "sub-" + new ObjectId();

        next(subject, "other-address@example.com");
        Response linked = link(name, access, Map.of("presenceToken", token, "authorizationCode", code(name)));
        assertThat(linked.raw()).as(linked.toString()).isEqualTo("{\"affectedRecords\":1}");
        assertThat(mongo.findOne(Query.query(Criteria.where("userId").is(userId.toHexString())), Document.class,
                "oidc_links").getString("subject")).isEqualTo(subject);
        Document user = userDoc(userId);
        assertThat(user.get("password_hash")).isNull();
        assertThat(user.getBoolean("oidc_linked")).isTrue();
        // logged out everywhere: the access token is revoked (117), the session's refresh token ends, the presence
        // token too; the password no longer logs in
        assertExhError(postJson("/auth/v2/confirmPresence", Map.of("password", "Linker-pass-1"), "Authorization",
                bearer(access)), 401, 117, "ACCESS_TOKEN_UNKNOWN_EXCEPTION");
        assertThat(token(map("grant_type", "refresh_token", "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET,
                "refresh_token", session.body().get("refresh_token").asString())).status()).isEqualTo(400);
        assertThat(mongo.count(Query.query(Criteria.where("userId").is(userId.toHexString())), "presence_tokens"))
                .isZero();
        assertOAuthError(token(map("grant_type", "password", "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET,
                "username", email, "password", "Linker-pass-1")), 400, "invalid_grant", 106,
                "AUTHENTICATION_EXCEPTION");
        // the provider account now logs in as this user
        next(subject, "other-address@example.com");
        Response oidc = oidcLogin(name, code(name));
        assertThat(oidc.body().get("user_id").asString()).as(oidc.toString()).isEqualTo(userId.toHexString());

        // that provider account cannot be linked to a second user (17)
        String second = "second-" + new ObjectId() + "@example.com";
        createUser(second, "Second-pass-1");
        String secondAccess = login(second, "Second-pass-1").body().get("access_token").asString();
        String secondPresence = presence(secondAccess, "Second-pass-1");
        next(subject, second);
        assertExhError(link(name, secondAccess, Map.of("presenceToken", secondPresence, "authorizationCode",
                code(name))), 400, 17, "RESOURCE_ALREADY_EXISTS_EXCEPTION");

        // unlink: UNLINK_USER_FROM_OIDC; the user gets the OIDC-unlink password mail (a reset request + event)
        String unlinkerEmail = "unlinker-" + new ObjectId() + "@example.com";
        createUser(unlinkerEmail, "Unlinker-pass-1", "UNLINK_USER_FROM_OIDC");
        String unlinker = login(unlinkerEmail, "Unlinker-pass-1").body().get("access_token").asString();
        assertThat(unlink(userId.toHexString(), unlinker).raw()).isEqualTo("{\"affectedRecords\":1}");
        assertThat(mongo.count(Query.query(Criteria.where("userId").is(userId.toHexString())), "oidc_links"))
                .isZero();
        assertThat(userDoc(userId).getBoolean("oidc_linked")).isFalse();
        EventEnvelope mail = userEvent("password_reset_requested", userId.toHexString());
        assertThat(mail.content()).containsEntry("oidc_unlink", true).containsEntry("email", email)
                .containsEntry("mode", "hash").containsKey("reset_hash");
        // the mail's hash sets a password, which logs in again
        HttpResponse<String> reset = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + usersPort()
                + "/users/v1/forgot_password")).header("Content-Type", "application/json").POST(HttpRequest
                .BodyPublishers.ofString(JSON.writeValueAsString(Map.of("hash", mail.content().get("reset_hash"),
                        "new_password", "Back-pass-12")))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
        login(email, "Back-pass-12");
        // not linked any more: 27; the provider account alone is a first login again, whose e-mail is now taken
        assertExhError(unlink(userId.toHexString(), unlinker), 400, 27, "ILLEGAL_STATE_EXCEPTION");
        next(subject, email);
        assertExhError(oidcLogin(name, code(name)), 400, 203, "EMAIL_USED_EXCEPTION");
    }

    @Test
    void linkAndUnlinkErrorsAndPermissions() throws Exception {
        String admin = manager();
        String name = enabledProvider(admin);
        String email = "link-errors-" + new ObjectId() + "@example.com";
        ObjectId userId = createUser(email, "Link-pass-1");
        String access = login(email, "Link-pass-1").body().get("access_token").asString();
        String token = presence(access, "Link-pass-1");
        String subject = "sub-" + new ObjectId();

        // authentication and input
        assertExhError(postJson("/auth/v2/oidc/providers/" + name + "/link", Map.of("presenceToken", token,
                "authorizationCode", "good-code")), 401, 104, "USER_NOT_AUTHENTICATED_EXCEPTION");
        assertExhError(link(name, access, ""), 400, 13, "EMPTY_BODY_EXCEPTION");
        assertExhError(link(name, access, Map.of("presenceToken", token)), 400, 14,
                "MISSING_REQUIRED_FIELDS_EXCEPTION");
        assertExhError(link(name, access, Map.of("authorizationCode", "good-code")), 400, 14,
                "MISSING_REQUIRED_FIELDS_EXCEPTION");
        assertExhError(link(name, access, Map.of("presenceToken", 42, "authorizationCode", "good-code")), 400, 15,
                "FIELD_FORMAT_EXCEPTION");
        assertExhError(link(name, access, "{\"presenceToken\":"), 400, 22, "BODY_FORMAT_EXCEPTION");
        // presence: unknown, or another user's → 132 (the same answer)
        assertExhError(link(name, access, Map.of("presenceToken", "0".repeat(40), "authorizationCode", "good-code")),
                400, 132, "INVALID_PRESENCE_TOKEN_EXCEPTION");
        String otherEmail = "link-other-" + new ObjectId() + "@example.com";
        createUser(otherEmail, "Other-pass-1");
        String otherAccess = login(otherEmail, "Other-pass-1").body().get("access_token").asString();
        assertExhError(link(name, access, Map.of("presenceToken", presence(otherAccess, "Other-pass-1"),
                "authorizationCode", "good-code")), 400, 132, "INVALID_PRESENCE_TOKEN_EXCEPTION");
        // provider: unknown 16, disabled 27
        assertExhError(link("nope-" + new ObjectId(), access, Map.of("presenceToken", token, "authorizationCode",
                "good-code")), 404, 16, "RESOURCE_UNKNOWN_EXCEPTION");
        String disabled = "disabled-" + new ObjectId();
        postJson("/auth/v2/oidc/providers", providerBody(disabled), "Authorization", bearer(admin));
        assertExhError(link(disabled, access, Map.of("presenceToken", token, "authorizationCode", "good-code")), 400,
                27, "ILLEGAL_STATE_EXCEPTION");
        // the code and the ID token are checked as for a login
        assertExhError(link(name, access, Map.of("presenceToken", token, "authorizationCode", "bad-code")), 400, 139,
                "OIDC_INVALID_AUTHORIZATION_CODE_EXCEPTION");
        String forged = forgedProvider(admin);
        forgery(subject, email);
        assertIdTokenRefused(link(forged, access, Map.of("presenceToken", token, "authorizationCode",
                code(forged))), "signature");
        next(subject, person(email, "aud", "someone-else"), 300);
        assertIdTokenRefused(link(name, access, Map.of("presenceToken", token, "authorizationCode", code(name))),
                "another client");
        next(subject, email);
        assertExhError(link(name, access, Map.of("presenceToken", token, "authorizationCode",
                codeFrom(foreignNonce(authenticationUrl(name))))), 400, 137, "INVALID_NONCE_EXCEPTION");
        // a user who already has a link (here written directly) cannot link a second provider account: 27
        ObjectId linkedId = new ObjectId();
        mongo.insert(new Document("providerId", new ObjectId().toHexString()).append("subject", "s-" + linkedId)
                .append("userId", userId.toHexString()), "oidc_links");
        next(subject, email);
        assertExhError(link(name, access, Map.of("presenceToken", token, "authorizationCode", code(name))), 400, 27,
                "ILLEGAL_STATE_EXCEPTION");
        mongo.remove(Query.query(Criteria.where("subject").is("s-" + linkedId)), "oidc_links");
        // nothing of the above linked the user or touched the password
        assertThat(userDoc(userId).get("password_hash")).isNotNull();
        assertThat(mongo.count(Query.query(Criteria.where("userId").is(userId.toHexString())), "oidc_links"))
                .isZero();
        // an expired presence token: 132 (a fresh login, since the clock passes the access token's life too)
        CLOCK.advance(Duration.ofMinutes(16));
        String later = login(email, "Link-pass-1").body().get("access_token").asString();
        assertExhError(link(name, later, Map.of("presenceToken", token, "authorizationCode", "good-code")), 400, 132,
                "INVALID_PRESENCE_TOKEN_EXCEPTION");

        // unlink: permission even for oneself, ids, unknown user, user not linked
        assertExhError(postJson("/auth/v2/oidc/users/" + userId + "/unlink", Map.of()), 401, 104,
                "USER_NOT_AUTHENTICATED_EXCEPTION");
        assertExhError(unlink(userId.toHexString(), later), 401, 10, "NO_PERMISSION_EXCEPTION");
        String unlinkerEmail = "unlinker-" + new ObjectId() + "@example.com";
        createUser(unlinkerEmail, "Unlinker-pass-1", "UNLINK_USER_FROM_OIDC");
        String unlinker = login(unlinkerEmail, "Unlinker-pass-1").body().get("access_token").asString();
        assertExhError(unlink("not-an-id", unlinker), 400, 12, "ID_FORMAT_EXCEPTION");
        assertExhError(unlink(new ObjectId().toHexString(), unlinker), 404, 16, "RESOURCE_UNKNOWN_EXCEPTION");
        assertExhError(unlink(userId.toHexString(), unlinker), 400, 27, "ILLEGAL_STATE_EXCEPTION");
    }

    @Test
    void aDeletedUsersLinksGoWithThem() {
        String userId = new ObjectId().toHexString();
        String kept = new ObjectId().toHexString();
        for (String user : new String[] {userId, kept}) {
            mongo.insert(new Document("providerId", new ObjectId().toHexString()).append("subject", "s-" + user)
                    .append("userId", user), "oidc_links");
        }
        USERS.getBean(EventPublisher.class).publish(EventEnvelope.create("user_deleted", "users", userId,
                Map.of("id", userId)));
        await().atMost(Duration.ofSeconds(60)).until(() -> !mongo.exists(Query.query(Criteria.where("userId")
                .is(userId)), "oidc_links"));
        assertThat(mongo.exists(Query.query(Criteria.where("userId").is(kept)), "oidc_links")).isTrue();
    }

    /** 138, for the reason named in the message. */
    private static void assertProviderFailure(Response r, String why) {
        assertExhError(r, 400, 138, "OIDC_PROVIDER_RESPONSE_EXCEPTION");
        assertThat(r.body().get("message").asString()).as(r.toString()).contains(why);
    }

    private String enabledProvider(String admin, Map<String, Object> body) throws Exception {
        String id = postJson("/auth/v2/oidc/providers", body, "Authorization", bearer(admin)).body().get("id")
                .asString();
        postJson("/auth/v2/oidc/providers/" + id + "/enable", Map.of(), "Authorization", bearer(admin));
        return (String) body.get("name");
    }

    @Test
    void providerFailuresAre138AndAreLogged() throws Exception {
        String admin = manager();
        String name = enabledProvider(admin);
        // a token response without an id_token, then a server error
        failNextExchange(200, "{\"access_token\":\"at\",\"token_type\":\"Bearer\"}");
        assertProviderFailure(oidcLogin(name, code(name)), "no id_token");
        failNextExchange(500, "oops");
        assertProviderFailure(oidcLogin(name, code(name)), "answered 500");
        // a first login whose ID token names no e-mail cannot create the user (the provider's default token has none)
        assertProviderFailure(oidcLogin(name, code(name)), "no email");
        // the provider refuses our client credentials (a wrong secret configured): not the user's code's fault.
        // mock-oauth2-server does not authenticate clients, so a real provider's refusal is queued.
        Map<String, Object> wrongSecret = providerBody("wrong-secret-" + new ObjectId());
        wrongSecret.put("clientSecret", "not-the-secret");
        String wrong = enabledProvider(admin, wrongSecret);
        failNextExchange(401, "{\"error\":\"invalid_client\"}");
        assertProviderFailure(oidcLogin(wrong, code(wrong)), "answered 401");
        // a provider that has gone away: its token endpoint, or (a live token endpoint) its discovery
        MockOAuth2Server gone = started(new OAuth2TokenProvider(() -> CLOCK.instant()));
        gone.shutdown();
        Map<String, Object> goneBody = providerBody("gone-" + new ObjectId());
        goneBody.put("issuerId", gone.issuerUrl(ISSUER_ID).toString());
        goneBody.put("tokenEndpoint", gone.tokenEndpointUrl(ISSUER_ID).toString());
        String goneName = enabledProvider(admin, goneBody);
        assertProviderFailure(oidcLogin(goneName, code(goneName)), "cannot be reached");
        Map<String, Object> noDiscovery = providerBody("no-discovery-" + new ObjectId());
        noDiscovery.put("issuerId", gone.issuerUrl(ISSUER_ID).toString());
        String noDiscoveryName = enabledProvider(admin, noDiscovery);
        assertProviderFailure(oidcLogin(noDiscoveryName, code(noDiscoveryName)), "cannot be reached");

        Response attempts = send("GET", "/auth/v2/oidc/loginAttempts?eq(providerName," + name + ")", null, null,
                "Authorization", bearer(admin));
        assertThat(attempts.body().get("data").size()).isEqualTo(3);
        attempts.body().get("data").forEach(a -> {
            assertThat(a.get("status").asString()).isEqualTo("failed");
            assertThat(a.get("error").get("code").asInt()).isEqualTo(138);
        });
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
