package dev.medbase.platform.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
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
import org.bson.types.ObjectId;

/**
 * Access tokens for tests, signed like auth-service signs them (RS256, issuer {@code medbase}, claims {@code sub},
 * {@code aid}, {@code permissions}, {@code patient_groups}, {@code staff_groups}) with a key published on a JWKS
 * endpoint served by the JDK's HTTP server, once per JVM.
 *
 * <pre>{@code
 * String token = TestTokens.user().permissions("VIEW_DOCUMENTS:bp").staffOf(group, "UPDATE_DOCUMENTS").token();
 * }</pre>
 * Shared by every service's tests through platform's test jar; set {@code medbase.security.jwks-uri} to
 * {@link #jwksUri()}. Ids may be given as strings or ObjectIds.
 */
public final class TestTokens {

    private static final RSAKey KEY = generate();
    private static HttpServer jwks;

    private TestTokens() {
    }

    /** The JWKS address to set as {@code medbase.security.jwks-uri}. */
    public static synchronized String jwksUri() {
        if (jwks == null) {
            jwks = serve();
        }
        return "http://127.0.0.1:" + jwks.getAddress().getPort() + "/internal/jwks";
    }

    /** The token of a fresh user holding these global permissions. */
    public static String withPermissions(String... permissions) {
        return user().permissions(permissions).token();
    }

    /** A caller with a fresh user id. */
    public static Builder user() {
        return new Builder(new ObjectId().toHexString());
    }

    public static Builder user(Object id) {
        return new Builder(id.toString());
    }

    public static final class Builder {
        private final String userId;
        private final List<String> permissions = new ArrayList<>();
        private final List<String> patientGroups = new ArrayList<>();
        private final Map<String, List<String>> staffGroups = new LinkedHashMap<>();
        // far enough ahead that tests moving a clock by hours or days keep valid tokens; set it to test expiry
        private Instant expiry = Instant.now().plus(java.time.Duration.ofDays(365));

        private Builder(String userId) {
            this.userId = userId;
        }

        public String id() {
            return userId;
        }

        public Builder permissions(String... names) {
            permissions.addAll(List.of(names));
            return this;
        }

        public Builder patientOf(Object... groups) {
            for (Object group : groups) {
                patientGroups.add(group.toString());
            }
            return this;
        }

        public Builder staffOf(Object group, String... groupPermissions) {
            staffGroups.put(group.toString(), List.of(groupPermissions));
            return this;
        }

        public Builder expiresAt(Instant at) {
            this.expiry = at;
            return this;
        }

        /** Now, or before the expiry when a test asks for an expired token (a JWT's iat precedes its exp). */
        private Instant issuedAt() {
            Instant now = Instant.now();
            return now.isBefore(expiry) ? now : expiry.minusSeconds(600);
        }

        public String token() {
            try {
                JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("medbase").subject(userId)
                        .claim("aid", "app1").claim("permissions", permissions)
                        .claim("patient_groups", patientGroups).claim("staff_groups", staffGroups)
                        .issueTime(Date.from(issuedAt())).expirationTime(Date.from(expiry)).build();
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.getKeyID()).build(),
                        claims);
                jwt.sign(new RSASSASigner(KEY));
                return jwt.serialize();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyID("test-key").generate();
        } catch (Exception e) {
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
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0), "test-jwks-stop"));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
