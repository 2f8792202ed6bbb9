package dev.medbase.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.bson.types.ObjectId;

/**
 * Access tokens as auth-service would sign them, verified by event-service against a JWKS served here (one key and
 * one server per test JVM). Tokens live ten years: tests move the service's clock forward by days.
 */
public final class TestTokens {

    private static final RSAKey KEY = generate();
    private static HttpServer jwks;

    private TestTokens() {
    }

    public static synchronized String jwksUri() {
        if (jwks == null) {
            jwks = serve();
        }
        return "http://127.0.0.1:" + jwks.getAddress().getPort() + "/internal/jwks";
    }

    /** A token of a fresh user with these global permissions. */
    public static String token(String... permissions) {
        return token(new ObjectId().toHexString(), List.of(permissions));
    }

    public static String token(String userId, List<String> permissions) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("medbase").subject(userId)
                .claim("aid", "5e9fff9d90135a2a9a718e2f").claim("permissions", permissions)
                .claim("patient_groups", List.of()).claim("staff_groups", Map.of())
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofDays(3650)))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.getKeyID()).build(), claims);
        try {
            jwt.sign(new RSASSASigner(KEY));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyID("test-key").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer serve() {
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
