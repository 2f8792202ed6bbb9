package dev.medbase.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Bearer tokens signed with a key published on a real JWKS endpoint, verified by a service. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "medbase.security.issuer=medbase")
class CallerVerificationTest {

    static final RSAKey KEY = generate("k1");
    static final RSAKey FOREIGN_KEY = generate("k1");
    static final HttpServer JWKS = jwks();

    @SpringBootApplication
    static class App {
        @RestController
        static class Probe {
            @GetMapping("/probe/whoami")
            Map<String, Object> whoami(Caller caller) {
                return Map.of("user", String.valueOf(caller.userId()), "app", String.valueOf(caller.applicationId()),
                        "staffOfG1", caller.hasGroupPermission("g1", "VIEW_DOCUMENTS", "bp"));
            }

            @GetMapping("/probe/admin")
            Map<String, Object> admin(Caller caller) {
                caller.requirePermission("VIEW_USER");
                return Map.of("ok", true);
            }
        }
    }

    @DynamicPropertySource
    static void jwksUri(DynamicPropertyRegistry registry) {
        registry.add("medbase.security.jwks-uri",
                () -> "http://127.0.0.1:" + JWKS.getAddress().getPort() + "/internal/jwks");
    }

    @AfterAll
    static void stop() {
        JWKS.stop(0);
    }

    @LocalServerPort
    int port;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aValidTokenBecomesTheCaller() throws Exception {
        HttpResponse<String> r = get("/probe/whoami", token(KEY, "medbase", Instant.now().plusSeconds(60),
                List.of("VIEW_USER")));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"user\":\"u1\"", "\"app\":\"a1\"", "\"staffOfG1\":true");
        assertThat(get("/probe/admin", token(KEY, "medbase", Instant.now().plusSeconds(60), List.of("VIEW_USER")))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void noTokenIsAnonymousAndProtectedCallsAnswer104() throws Exception {
        assertThat(get("/probe/whoami", null).body()).contains("\"user\":\"null\"");
        assertError(get("/probe/admin", null), 401, 104);
    }

    @Test
    void missingPermissionIs10() throws Exception {
        assertError(get("/probe/admin", token(KEY, "medbase", Instant.now().plusSeconds(60), List.of())), 401, 10);
    }

    @Test
    void expiredTokenIs118SoTheSdkRefreshes() throws Exception {
        assertError(get("/probe/whoami", token(KEY, "medbase", Instant.now().minusSeconds(60), List.of())), 401, 118);
    }

    @Test
    void forgedOrGarbageTokensAre117() throws Exception {
        assertError(get("/probe/whoami", token(FOREIGN_KEY, "medbase", Instant.now().plusSeconds(60), List.of())),
                401, 117);
        assertError(get("/probe/whoami", token(KEY, "someone-else", Instant.now().plusSeconds(60), List.of())),
                401, 117);
        assertError(get("/probe/whoami", "not.a.jwt"), 401, 117);
    }

    @Test
    void otherSchemesAreLeftToTheEndpoint() throws Exception {
        // HTTP Basic is client authentication on the token endpoint, not a user identity
        HttpResponse<String> basic = http.send(HttpRequest.newBuilder(URI.create(url("/probe/whoami")))
                .header("Authorization", "Basic dXNlcjpwYXNz").build(), BodyHandlers.ofString());
        assertThat(basic.statusCode()).isEqualTo(200);
        assertThat(basic.body()).contains("\"user\":\"null\"");
    }

    private void assertError(HttpResponse<String> r, int status, int code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).contains("\"code\":" + code);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), BodyHandlers.ofString());
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    static String token(RSAKey key, String issuer, Instant expiry, List<String> permissions) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject("u1").claim("aid", "a1")
                .claim("permissions", permissions).claim("patient_groups", List.of())
                .claim("staff_groups", Map.of("g1", List.of("VIEW_DOCUMENTS:bp")))
                .issueTime(Date.from(expiry.minusSeconds(300))).expirationTime(Date.from(expiry)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static RSAKey generate(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer jwks() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] body = new JWKSet(KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/internal/jwks", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
