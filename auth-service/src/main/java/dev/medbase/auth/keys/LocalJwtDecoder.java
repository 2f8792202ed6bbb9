package dev.medbase.auth.keys;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import dev.medbase.auth.AuthProperties;

/**
 * How auth-service verifies the bearer tokens sent to its own API: the platform's {@code CallerFilter} and
 * {@code TokenVerifier} as in every service, but with a {@link JwtDecoder} that reads the public keys from the local
 * {@link SigningKeys} store instead of fetching {@code /internal/jwks} from itself. It checks what the platform's
 * decoder checks — RS256 signature by a published key ({@code kid}) and {@code iss} — and leaves expiry to
 * {@code TokenVerifier}, so an expired token is 118 and a bad one 117. A key store that cannot be read (MongoDB down)
 * is a {@link KeySourceException}: 503 code 4, as an unreachable JWKS is elsewhere.
 */
@Configuration(proxyBeanMethods = false)
class LocalJwtDecoder {

    @Bean
    JwtDecoder jwtDecoder(SigningKeys keys, AuthProperties properties) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(source(keys))
                .jwtProcessorCustomizer(processor -> processor.setJWTClaimsSetVerifier((claims, context) -> { }))
                .build();
        decoder.setJwtValidator(new JwtIssuerValidator(properties.issuer()));
        return decoder;
    }

    /** The public key named by the token's {@code kid}, if it may still verify tokens. */
    static JWKSource<SecurityContext> source(SigningKeys keys) {
        return (selector, context) -> {
            Set<String> kids = selector.getMatcher().getKeyIDs(); // null: the token names no key
            List<JWK> found = new ArrayList<>();
            try {
                for (String kid : kids == null ? Set.<String>of() : kids) {
                    keys.publicKey(kid).ifPresent(key -> found.add(new RSAKey.Builder(key).keyID(kid)
                            .keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).build()));
                }
            } catch (DataAccessException e) {
                throw new KeySourceException("The signing keys cannot be read", e);
            }
            return selector.select(new JWKSet(found));
        };
    }
}
