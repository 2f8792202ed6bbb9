package dev.medbase.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.testing.MutableClock;

/** Keys unreachable are 503, not 117. The verifier remembers verified tokens, yet expiry and revocation still apply to every request. */
class TokenVerifierTest {

    private static final RSAKey KEY = key();

    private final MutableClock clock = new MutableClock();
    private final AtomicInteger decodes = new AtomicInteger();
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final TokenVerifier verifier = new TokenVerifier(countingDecoder(), clock, Duration.ZERO,
            revoked::contains);

    @Test
    void aTokenIsDecodedOnceAndGivesTheSameCaller() throws Exception {
        String token = token("jti-1", clock.instant().plusSeconds(300));
        Caller first = verifier.verify(token);
        Caller again = verifier.verify(token);
        assertThat(again).isEqualTo(first);
        assertThat(first.userId()).isEqualTo("u1");
        assertThat(first.permissions()).containsExactly("VIEW_DOCUMENTS");
        assertThat(first.staffGroups()).isEqualTo(Map.of("g1", Set.of("VIEW_PATIENTS")));
        assertThat(decodes).hasValue(1);
    }

    @Test
    void aRememberedTokenStillExpires() throws Exception {
        String token = token("jti-2", clock.instant().plusSeconds(300));
        verifier.verify(token);
        clock.advance(Duration.ofSeconds(301));
        assertCode(() -> verifier.verify(token), ExhError.ACCESS_TOKEN_EXPIRED_EXCEPTION);
    }

    @Test
    void aRememberedTokenCanStillBeRevoked() throws Exception {
        String token = token("jti-3", clock.instant().plusSeconds(300));
        verifier.verify(token);
        revoked.add("jti-3");
        assertCode(() -> verifier.verify(token), ExhError.ACCESS_TOKEN_UNKNOWN_EXCEPTION);
    }

    @Test
    void anAlteredTokenIsNotTakenForARememberedOne() throws Exception {
        String token = token("jti-4", clock.instant().plusSeconds(300));
        verifier.verify(token);
        String altered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertCode(() -> verifier.verify(altered), ExhError.ACCESS_TOKEN_UNKNOWN_EXCEPTION);
    }

    @Test
    void unreachableKeysAre503NotAnInvalidToken() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        String token = token("jti-5", Instant.now().plusSeconds(60));
        TokenVerifier unreachable = new TokenVerifier(
                NimbusJwtDecoder.withJwkSetUri("http://127.0.0.1:" + deadPort + "/internal/jwks").build(),
                clock, Duration.ZERO);
        assertCode(() -> unreachable.verify(token), ExhError.SERVICE_UNREACHABLE_EXCEPTION);
    }

    private static void assertCode(Runnable call, ExhError error) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ExhException.class,
                e -> assertThat(e.error()).isEqualTo(error));
    }

    private JwtDecoder countingDecoder() {
        try {
            NimbusJwtDecoder nimbus = NimbusJwtDecoder.withPublicKey(KEY.toRSAPublicKey()).build();
            nimbus.setJwtValidator(jwt -> OAuth2TokenValidatorResult.success());
            return token -> {
                decodes.incrementAndGet();
                return nimbus.decode(token);
            };
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String token(String jti, Instant expiry) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("medbase").subject("u1").jwtID(jti)
                .claim("aid", "app1").claim("permissions", List.of("VIEW_DOCUMENTS"))
                .claim("patient_groups", List.of()).claim("staff_groups", Map.of("g1", List.of("VIEW_PATIENTS")))
                .issueTime(Date.from(expiry.minusSeconds(600))).expirationTime(Date.from(expiry)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(KEY));
        return jwt.serialize();
    }

    private static RSAKey key() {
        try {
            return new RSAKeyGenerator(2048).keyID("k").generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
