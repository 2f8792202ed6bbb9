package dev.medbase.auth.caller;

import java.security.Key;
import java.time.Clock;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Set;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.MalformedJwtException;
import io.jsonwebtoken.ProtectedHeader;
import org.springframework.stereotype.Component;

import dev.medbase.auth.AuthProperties;
import dev.medbase.auth.keys.SigningKeys;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Resolves the {@link Caller} of a request from its {@code Authorization: Bearer} header by really verifying the
 * JWT against auth-service's own signing keys (signature, {@code iss}, {@code exp} on the injected clock).
 * No header → {@code 104}; unknown, forged or malformed token → {@code 117}; expired → {@code 118}; missing permission
 * → {@code 10} (contract §2.7).
 *
 * <p>Temporary seam until the platform security auto-configuration (JWT via JWKS + platform {@code Caller}) is
 * merged; then this class goes and the controllers take the platform's caller instead.
 */
@Component
public class Callers {

    private final JwtParser parser;

    public Callers(SigningKeys keys, AuthProperties properties, Clock clock) {
        this.parser = Jwts.parser()
                .keyLocator(new LocatorAdapter<Key>() {
                    @Override
                    protected Key locate(ProtectedHeader header) {
                        String kid = header.getKeyId();
                        if (kid == null || !"RS256".equals(header.getAlgorithm())) {
                            throw new MalformedJwtException("RS256 with a kid is required");
                        }
                        return keys.publicKey(kid).orElseThrow(() -> new MalformedJwtException("Unknown kid"));
                    }
                })
                .requireIssuer(properties.issuer())
                .clock(() -> Date.from(clock.instant()))
                .build();
    }

    /** The authenticated caller; 104 without a token, 117/118 for a bad or expired one. */
    public Caller require(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new ExhException(ExhError.USER_NOT_AUTHENTICATED_EXCEPTION);
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ExhException(ExhError.ACCESS_TOKEN_UNKNOWN_EXCEPTION);
        }
        String token = authorization.substring(7).trim();
        try {
            Claims claims = parser.parseSignedClaims(token).getPayload();
            return new Caller(claims.getSubject(), claims.get("aid", String.class), strings(claims.get("permissions")));
        } catch (ExpiredJwtException e) {
            throw new ExhException(ExhError.ACCESS_TOKEN_EXPIRED_EXCEPTION);
        } catch (JwtException | IllegalArgumentException | ClassCastException e) {
            throw new ExhException(ExhError.ACCESS_TOKEN_UNKNOWN_EXCEPTION);
        }
    }

    /** The authenticated caller holding at least one of these permissions; otherwise {@code 10}. */
    public Caller requireAny(String authorization, String... permissions) {
        Caller caller = require(authorization);
        if (!caller.hasAny(permissions)) {
            throw new ExhException(ExhError.NO_PERMISSION_EXCEPTION,
                    "Permission " + String.join(" or ", permissions) + " is required");
        }
        return caller;
    }

    private static Set<String> strings(Object value) {
        Set<String> out = new LinkedHashSet<>();
        if (value instanceof Collection<?> c) {
            c.forEach(v -> out.add(String.valueOf(v)));
        }
        return Set.copyOf(out);
    }
}
