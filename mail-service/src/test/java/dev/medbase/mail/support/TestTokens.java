package dev.medbase.mail.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * Access tokens for tests, signed like auth-service's (RS256, issuer {@code medbase}, claims {@code sub},
 * {@code aid}, {@code permissions}, {@code patient_groups}, {@code staff_groups}) with a key published on a local
 * JWKS endpoint; point {@code medbase.security.jwks-uri} at {@link #jwksUri()}. One key and one endpoint per JVM.
 * Tokens are valid for a year of wall-clock time, so tests can move the application clock freely.
 *
 * <pre>{@code
 * String token = TestTokens.user(userId).permissions("VIEW_USER").staff(groupId, "VIEW_PATIENTS").sign();
 * }</pre>
 */
public final class TestTokens {

    private static final RSAKey KEY = generate();
    private static final HttpServer JWKS = start();

    private TestTokens() {
    }

    public static String jwksUri() {
        return "http://127.0.0.1:" + JWKS.getAddress().getPort() + "/internal/jwks";
    }

    public static Builder user(ObjectId userId) {
        return new Builder(userId.toHexString());
    }

    public static Builder user(String userId) {
        return new Builder(userId);
    }

    /** A builder for one token's claims. */
    public static final class Builder {
        private final String userId;
        private final Set<String> permissions = new LinkedHashSet<>();
        private final Set<String> patientGroups = new LinkedHashSet<>();
        private final Map<String, List<String>> staffGroups = new LinkedHashMap<>();

        private Builder(String userId) {
            this.userId = userId;
        }

        public Builder permissions(String... names) {
            permissions.addAll(List.of(names));
            return this;
        }

        public Builder patient(ObjectId group) {
            patientGroups.add(group.toHexString());
            return this;
        }

        /** Staff of the group, with these group-role permissions there. */
        public Builder staff(ObjectId group, String... groupPermissions) {
            staffGroups.put(group.toHexString(), List.of(groupPermissions));
            return this;
        }

        public String sign() {
            Instant now = Instant.now();
            JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("medbase").subject(userId)
                    .claim("aid", "test-application").claim("permissions", List.copyOf(permissions))
                    .claim("patient_groups", List.copyOf(patientGroups)).claim("staff_groups", staffGroups)
                    .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofDays(365)))).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.getKeyID()).build(),
                    claims);
            try {
                jwt.sign(new RSASSASigner(KEY));
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
            return jwt.serialize();
        }
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyID("test-key").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] body = new JWKSet(KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/internal/jwks", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.setExecutor(null);
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0), "test-jwks-stop"));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
