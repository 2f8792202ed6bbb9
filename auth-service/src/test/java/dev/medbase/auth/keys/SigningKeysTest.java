package dev.medbase.auth.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import dev.medbase.auth.AuthIntegrationTest;
import dev.medbase.auth.AuthProperties;
import tools.jackson.databind.JsonNode;

/**
 * Signing keys and {@code GET /internal/jwks}: the JWK Set, verification with the Nimbus decoder the gateway and the
 * services use, rotation with the previous key kept until its tokens expire, and agreement between replicas.
 */
class SigningKeysTest extends AuthIntegrationTest {

    @Autowired
    SigningKeys keys;
    @Autowired
    AuthProperties properties;

    JsonNode jwks() throws Exception {
        Response r = send("GET", "/internal/jwks", null, null);
        assertThat(r.status()).isEqualTo(200);
        return r.body();
    }

    List<String> kids() throws Exception {
        List<String> kids = new ArrayList<>();
        jwks().get("keys").forEach(k -> kids.add(k.get("kid").asString()));
        return kids;
    }

    Jwt verify(String token) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri("http://127.0.0.1:" + port + "/internal/jwks")
                .build();
        JwtTimestampValidator validator = new JwtTimestampValidator(Duration.ZERO);
        validator.setClock(CLOCK);
        decoder.setJwtValidator(validator);
        return decoder.decode(token);
    }

    @Test
    void jwksIsAStandardRsaJwkSet() throws Exception {
        JsonNode set = jwks();
        assertThat(set.properties()).hasSize(1);
        assertThat(set.get("keys").size()).isGreaterThanOrEqualTo(2); // the active key and the next one
        for (JsonNode key : set.get("keys")) {
            assertThat(key.get("kty").asString()).isEqualTo("RSA");
            assertThat(key.get("use").asString()).isEqualTo("sig");
            assertThat(key.get("alg").asString()).isEqualTo("RS256");
            assertThat(key.get("kid").asString()).isNotBlank();
            assertThat(key.get("e").asString()).isEqualTo("AQAB");
            assertThat(key.get("n").asString()).matches("[A-Za-z0-9_-]{300,}");
            assertThat(key.has("d")).as("no private part").isFalse();
        }
    }

    @Test
    void accessTokensVerifyAgainstTheJwksWithNimbus() throws Exception {
        String token = adminToken();
        Jwt jwt = verify(token);
        assertThat(jwt.getSubject()).isEqualTo(claims(token).get("sub").asString());
        assertThat(jwt.getClaimAsStringList("permissions")).contains("CREATE_APPLICATIONS");
        assertThat(jwt.getClaimAsString("aid")).isNotBlank();
        assertThat(kids()).contains(jwt.getHeaders().get("kid").toString());
        // a forged signature does not verify
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.lastIndexOf('.') + 5);
        assertThatThrownBy(() -> verify(forged)).isInstanceOf(BadJwtException.class);
    }

    @Test
    void rotationKeepsThePreviousKeyUntilItsTokensHaveExpired() throws Exception {
        long interval = properties.keys().rotationInterval().toMillis();
        Instant now = CLOCK.instant();
        Instant boundary = Instant.ofEpochMilli((Math.floorDiv(now.toEpochMilli(), interval) + 1) * interval);
        CLOCK.advance(Duration.between(now, boundary.minusSeconds(60)));
        keys.rotate();
        String before = adminToken();
        String oldKid = header(before).get("kid").asString();
        List<String> published = kids();
        assertThat(published).contains(oldKid).hasSize(2);
        String nextKid = published.stream().filter(k -> !k.equals(oldKid)).findFirst().orElseThrow();

        CLOCK.advance(Duration.ofSeconds(120)); // one minute into the next slot
        keys.rotate();
        String after = adminToken();
        assertThat(header(after).get("kid").asString()).as("the pre-published key signs now").isEqualTo(nextKid);
        assertThat(kids()).contains(oldKid, nextKid).hasSize(3); // previous, active, next
        assertThat(verify(before).getSubject()).isEqualTo(verify(after).getSubject());

        // the old key's last token expired 5 min (+1 min skew) after the switch: then it leaves the JWKS
        CLOCK.advance(Duration.ofMinutes(5));
        keys.rotate();
        assertThat(kids()).contains(oldKid);
        CLOCK.advance(Duration.ofMinutes(1).plusSeconds(1));
        keys.rotate();
        assertThat(kids()).doesNotContain(oldKid).contains(nextKid).hasSize(2);
        assertThat(keys.publicKey(oldKid)).isEmpty();
    }

    @Test
    void replicasAgreeOnTheActiveKey() {
        SigningKeys other = new SigningKeys(mongo, CLOCK, properties);
        other.rotate();
        keys.rotate();
        assertThat(other.active().kid()).isEqualTo(keys.active().kid());
        assertThat(other.published()).extracting(SigningKeys.SigningKey::kid)
                .containsExactlyElementsOf(keys.published().stream().map(SigningKeys.SigningKey::kid).toList());
    }
}
