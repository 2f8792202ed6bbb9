package dev.medbase.auth.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import javax.crypto.spec.SecretKeySpec;

import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.medbase.auth.AuthIntegrationTest;

/**
 * Bearer tokens sent to auth-service's own API are verified by the platform's filter with the local key store
 * ({@link LocalJwtDecoder}): signature by a published key, issuer, then expiry — 117 for a bad token, 118 for an
 * expired one, and another scheme (HTTP Basic) is no bearer token at all.
 */
class LocalJwtDecoderTest extends AuthIntegrationTest {

    static final String PATH = "/auth/v2/applications";

    @Autowired
    SigningKeys keys;

    JwtBuilder token(String issuer, Instant expiry) {
        Instant now = CLOCK.instant();
        return Jwts.builder().issuer(issuer).subject("65a000000000000000000001").claim("aid", "app")
                .claim("permissions", List.of("VIEW_APPLICATIONS")).issuedAt(Date.from(now))
                .expiration(Date.from(expiry));
    }

    String signed(JwtBuilder builder, String kid, PrivateKey key) {
        return builder.header().keyId(kid).and().signWith(key, Jwts.SIG.RS256).compact();
    }

    Response list(String authorization) throws Exception {
        return send("GET", PATH, null, null, "Authorization", authorization);
    }

    @Test
    void aTokenSignedByTheActiveKeyWithOurIssuerIsAccepted() throws Exception {
        SigningKeys.SigningKey active = keys.active();
        String token = signed(token("medbase", CLOCK.instant().plusSeconds(60)), active.kid(), active.privateKey());
        assertThat(list(bearer(token)).status()).isEqualTo(200);
    }

    @Test
    void anotherIssuerAnUnknownKeyAForgedSignatureOrHs256Are117() throws Exception {
        SigningKeys.SigningKey active = keys.active();
        Instant expiry = CLOCK.instant().plusSeconds(60);
        assertExhError(list(bearer(signed(token("someone-else", expiry), active.kid(), active.privateKey()))), 401,
                117, "ACCESS_TOKEN_UNKNOWN_EXCEPTION");

        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        PrivateKey stranger = generator.generateKeyPair().getPrivate();
        assertExhError(list(bearer(signed(token("medbase", expiry), "unknown-kid", stranger))), 401, 117,
                "ACCESS_TOKEN_UNKNOWN_EXCEPTION");
        assertExhError(list(bearer(signed(token("medbase", expiry), active.kid(), stranger))), 401, 117,
                "ACCESS_TOKEN_UNKNOWN_EXCEPTION");
        assertExhError(list(bearer(token("medbase", expiry).header().keyId(active.kid()).and()
                .signWith(new SecretKeySpec(new byte[32], "HmacSHA256"), Jwts.SIG.HS256).compact())), 401, 117,
                "ACCESS_TOKEN_UNKNOWN_EXCEPTION");
        assertExhError(list(bearer(token("medbase", expiry).compact())), 401, 117, "ACCESS_TOKEN_UNKNOWN_EXCEPTION");
    }

    @Test
    void anExpiredTokenIs118() throws Exception {
        SigningKeys.SigningKey active = keys.active();
        String token = signed(token("medbase", CLOCK.instant().plusSeconds(60)), active.kid(), active.privateKey());
        // the platform tolerates 5 s of clock skew on expiry
        CLOCK.advance(Duration.ofSeconds(64));
        assertThat(list(bearer(token)).status()).isEqualTo(200);
        CLOCK.advance(Duration.ofSeconds(2));
        assertExhError(list(bearer(token)), 401, 118, "ACCESS_TOKEN_EXPIRED_EXCEPTION");
    }

    @Test
    void basicCredentialsAreNoBearerToken() throws Exception {
        assertExhError(list(basic(CLIENT_ID, CLIENT_SECRET)), 401, 104, "USER_NOT_AUTHENTICATED_EXCEPTION");
    }
}
