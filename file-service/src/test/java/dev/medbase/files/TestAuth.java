package dev.medbase.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
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

/**
 * Access tokens for tests: an RSA key published on a real JWKS endpoint (what auth-service does), and JWTs signed
 * with it the way auth-service signs them (issuer {@code medbase}, {@code sub}, {@code aid}, {@code permissions}).
 */
public final class TestAuth {

    private static RSAKey key;
    private static HttpServer jwks;

    private TestAuth() {
    }

    public static synchronized String jwksUri() {
        if (jwks == null) {
            try {
                key = new RSAKeyGenerator(2048).keyID("test").generate();
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
                server.createContext("/internal/jwks", exchange -> {
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
                server.start();
                jwks = server;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return "http://127.0.0.1:" + jwks.getAddress().getPort() + "/internal/jwks";
    }

    /** A bearer token for user {@code userId} with these global permissions, valid for ten minutes. */
    public static synchronized String token(String userId, String... permissions) {
        jwksUri();
        try {
            Instant now = Instant.now();
            JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("medbase").subject(userId).claim("aid", "app1")
                    .claim("permissions", List.of(permissions)).claim("patient_groups", List.of())
                    .claim("staff_groups", Map.of()).issueTime(Date.from(now))
                    .expirationTime(Date.from(now.plusSeconds(600))).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                    claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
