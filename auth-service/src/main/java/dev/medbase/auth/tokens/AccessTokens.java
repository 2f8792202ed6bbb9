package dev.medbase.auth.tokens;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import io.jsonwebtoken.Jwts;
import org.springframework.stereotype.Component;

import dev.medbase.auth.AuthProperties;
import dev.medbase.auth.keys.SigningKeys;
import dev.medbase.auth.users.UserService.UserClaims;

/**
 * Mints the RS256 access tokens (header {@code kid}). Claims, the contract with every verifier:
 * <pre>
 * iss            medbase.auth.issuer ("medbase")
 * sub            user id (ObjectId hex)
 * aid            application id (not the version id)
 * iat, exp       seconds; exp = iat + medbase.auth.access-token-lifetime (5 min)
 * jti            random UUID
 * permissions    [global permission strings]
 * patient_groups [group ids]
 * staff_groups   {groupId: [group permission strings]}
 * </pre>
 */
@Component
public class AccessTokens {

    public record Issued(String token, long expiresInSeconds) {}

    private final SigningKeys keys;
    private final AuthProperties properties;
    private final Clock clock;
    private final AccessTokenRecords records;

    AccessTokens(SigningKeys keys, AuthProperties properties, Clock clock, AccessTokenRecords records) {
        this.keys = keys;
        this.properties = properties;
        this.clock = clock;
        this.records = records;
    }

    Issued issue(UserClaims user, String applicationId) {
        return issue(user, applicationId, properties.accessTokenLifetime());
    }



    /** A token with another lifetime: the short-lived internal tokens the gateway forwards for OAuth1 requests. */
    public Issued issue(UserClaims user, String applicationId, java.time.Duration lifetime) {
        SigningKeys.SigningKey key = keys.active();
        Instant now = clock.instant();
        Instant expiry = now.plus(lifetime);
        String jti = UUID.randomUUID().toString();
        records.record(jti, user.userId(), applicationId, now, expiry);
        String token = Jwts.builder()
                .header().keyId(key.kid()).and()
                .issuer(properties.issuer())
                .subject(user.userId())
                .claim("aid", applicationId)
                .issuedAt(Date.from(now))
                .expiration(Date.from(expiry))
                .id(jti)
                .claim("permissions", user.permissions())
                .claim("patient_groups", user.patientGroups())
                .claim("staff_groups", user.staffGroups())
                .signWith(key.privateKey(), Jwts.SIG.RS256)
                .compact();
        return new Issued(token, lifetime.toSeconds());
    }
}
