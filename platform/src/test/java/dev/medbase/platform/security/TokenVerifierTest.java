package dev.medbase.platform.security;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

class TokenVerifierTest {

    @Test
    void unreachableKeysAre503NotAnInvalidToken() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        RSAKey key = new RSAKeyGenerator(2048).keyID("k").generate();
        String token = CallerVerificationTest.token(key, "medbase", Instant.now().plusSeconds(60), List.of());
        TokenVerifier verifier = new TokenVerifier(
                NimbusJwtDecoder.withJwkSetUri("http://127.0.0.1:" + deadPort + "/internal/jwks").build(),
                Clock.systemUTC(), Duration.ZERO);
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOfSatisfying(ExhException.class,
                e -> org.assertj.core.api.Assertions.assertThat(e.error())
                        .isEqualTo(ExhError.SERVICE_UNREACHABLE_EXCEPTION));
    }
}
