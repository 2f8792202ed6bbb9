package dev.medbase.platform.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.nimbusds.jose.KeySourceException;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Verifies an access token (RS256 JWT from auth-service, keys from its JWKS) and turns it into a {@link Caller}.
 * Failures carry the codes the SDK acts on (contract §2.8): 117 unknown/invalid → the SDK refreshes; 118 expired →
 * the SDK refreshes; an unreachable JWKS is 503 code 4, so a key-server outage never logs users out.
 *
 * <p>A verified token is remembered (by its exact text, until the process has seen {@value #MAX_REMEMBERED} others):
 * an app sends the same token with every request for its few minutes of life, and the RS256 check and claim parsing
 * are the largest per-request cost of a service. Expiry and revocation are still checked on every request.
 */
public class TokenVerifier {

    private final JwtDecoder decoder;
    private final Clock clock;
    private final Duration clockSkew;
    private final RevokedTokens revoked;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    static final int MAX_REMEMBERED = 10_000;

    private record Verified(Caller caller, String jti, Instant expiresAt) {}

    /** @param decoder verifies signature and issuer only; expiry is checked here, to tell 118 from 117 */
    public TokenVerifier(JwtDecoder decoder, Clock clock, Duration clockSkew) {
        this(decoder, clock, clockSkew, RevokedTokens.NONE);
    }

    /** @param revoked tokens revoked before their expiry: they are 117 like unknown ones */
    public TokenVerifier(JwtDecoder decoder, Clock clock, Duration clockSkew, RevokedTokens revoked) {
        this.decoder = decoder;
        this.clock = clock;
        this.clockSkew = clockSkew;
        this.revoked = revoked;
    }

    public Caller verify(String token) {
        Verified known = verified.get(token);
        if (known == null) {
            known = decode(token);
            if (verified.size() >= MAX_REMEMBERED) {
                verified.clear(); // simple bound; at worst each live token is verified once more
            }
            verified.put(token, known);
        }
        if (Instant.now(clock).isAfter(known.expiresAt().plus(clockSkew))) {
            throw new ExhException(ExhError.ACCESS_TOKEN_EXPIRED_EXCEPTION);
        }
        if (known.jti() != null && revoked.isRevoked(known.jti())) {
            throw unknown();
        }
        return known.caller();
    }

    private Verified decode(String token) {
        Jwt jwt;
        try {
            jwt = decoder.decode(token);
        } catch (BadJwtException e) {
            throw unknown();
        } catch (JwtException e) {
            if (hasCause(e, KeySourceException.class) || hasCause(e, java.io.IOException.class)) {
                throw new ExhException(ExhError.SERVICE_UNREACHABLE_EXCEPTION,
                        "The token signing keys are unavailable, try again shortly");
            }
            throw unknown();
        }
        Instant expiresAt = jwt.getExpiresAt();
        if (expiresAt == null) {
            throw new ExhException(ExhError.ACCESS_TOKEN_EXPIRED_EXCEPTION);
        }
        if (jwt.getSubject() == null) {
            throw unknown();
        }
        return new Verified(new Caller(jwt.getSubject(), jwt.getClaimAsString("aid"),
                strings(jwt.getClaim("permissions")), strings(jwt.getClaim("patient_groups")),
                staffGroups(jwt.getClaim("staff_groups"))), jwt.getId(), expiresAt);
    }

    private static ExhException unknown() {
        return new ExhException(ExhError.ACCESS_TOKEN_UNKNOWN_EXCEPTION);
    }

    private static Set<String> strings(Object claim) {
        if (claim instanceof Collection<?> values) {
            return values.stream().filter(String.class::isInstance).map(String.class::cast)
                    .collect(Collectors.toSet());
        }
        return Set.of();
    }

    private static Map<String, Set<String>> staffGroups(Object claim) {
        Map<String, Set<String>> groups = new HashMap<>();
        if (claim instanceof Map<?, ?> map) {
            map.forEach((group, permissions) -> {
                if (group instanceof String id) {
                    groups.put(id, Set.copyOf(strings(permissions instanceof Collection<?> ? permissions : List.of())));
                }
            });
        }
        return groups;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
