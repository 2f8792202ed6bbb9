package dev.medbase.auth;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code medbase.auth.*}: token lifetimes and signing-key rotation. The defaults work in the devstack.
 *
 * @param issuer                    the {@code iss} of every access token
 * @param accessTokenLifetime       access-token lifetime ({@code expires_in}), default 5 min
 * @param refreshTokenLifetime      lifetime of each refresh token (renewed on every rotation), default 30 days
 * @param refreshGraceWindow        how long a just-rotated refresh token still yields a fresh pair, so the SDK's
 *                                  concurrent refreshes all succeed (contract §2.8), default 30 s
 * @param refreshGraceUses          how many extra pairs one rotated refresh token can yield inside the window
 * @param authorizationCodeLifetime lifetime of an authorization code, default 10 min (RFC 6749 §4.1.2)
 * @param keys                      signing-key rotation
 * @param mfa                       MFA tokens and attempt delays
 * @param oauth1                    OAuth1 signature checks
 */
@ConfigurationProperties("medbase.auth")
public record AuthProperties(String issuer, Duration accessTokenLifetime, Duration refreshTokenLifetime,
        Duration refreshGraceWindow, Integer refreshGraceUses, Duration authorizationCodeLifetime, Keys keys, Mfa mfa, OAuth1 oauth1) {

    public AuthProperties {
        issuer = issuer == null || issuer.isBlank() ? "medbase" : issuer;
        accessTokenLifetime = accessTokenLifetime == null ? Duration.ofMinutes(5) : accessTokenLifetime;
        refreshTokenLifetime = refreshTokenLifetime == null ? Duration.ofDays(30) : refreshTokenLifetime;
        refreshGraceWindow = refreshGraceWindow == null ? Duration.ofSeconds(30) : refreshGraceWindow;
        refreshGraceUses = refreshGraceUses == null ? 20 : refreshGraceUses;
        authorizationCodeLifetime = authorizationCodeLifetime == null ? Duration.ofMinutes(10)
                : authorizationCodeLifetime;
        keys = keys == null ? new Keys(null, null, null) : keys;
        mfa = mfa == null ? new Mfa(null, null, null, null) : mfa;
        oauth1 = oauth1 == null ? new OAuth1(null, null) : oauth1;
    }

    /**
     * {@code medbase.auth.oauth1.*}.
     *
     * @param timestampWindow        how far {@code oauth_timestamp} may be from the server clock, default 5 min
     * @param internalTokenLifetime  lifetime of the internal access token the gateway forwards for a verified
     *                               OAuth1 request, default 60 s
     */
    public record OAuth1(Duration timestampWindow, Duration internalTokenLifetime) {
        public OAuth1 {
            timestampWindow = timestampWindow == null ? Duration.ofMinutes(5) : timestampWindow;
            internalTokenLifetime = internalTokenLifetime == null ? Duration.ofSeconds(60) : internalTokenLifetime;
        }
    }

    /**
     * {@code medbase.auth.mfa.*}.
     *
     * @param issuer        the issuer shown by authenticator apps ({@code otpauth://} URI), default "Medbase"
     * @param tokenLifetime lifetime of the MFA token of {@code mfa_required}, default 15 min
     * @param baseDelay     wait after the first failed MFA attempt; doubles with every further failure, default 1 s
     * @param maxDelay      cap of that wait, default 15 min
     */
    public record Mfa(String issuer, Duration tokenLifetime, Duration baseDelay, Duration maxDelay) {
        public Mfa {
            issuer = issuer == null || issuer.isBlank() ? "Medbase" : issuer;
            tokenLifetime = tokenLifetime == null ? Duration.ofMinutes(15) : tokenLifetime;
            baseDelay = baseDelay == null ? Duration.ofSeconds(1) : baseDelay;
            maxDelay = maxDelay == null ? Duration.ofMinutes(15) : maxDelay;
        }
    }

    /**
     * @param rotationInterval a new signing key every interval (keys are published one interval before they sign)
     * @param clockSkew        how long after the last token of a retired key could expire its public key stays
     *                         in the JWKS (clock differences between services)
     * @param rsaKeySize       RSA modulus size in bits
     */
    public record Keys(Duration rotationInterval, Duration clockSkew, Integer rsaKeySize) {
        public Keys {
            rotationInterval = rotationInterval == null ? Duration.ofHours(24) : rotationInterval;
            clockSkew = clockSkew == null ? Duration.ofMinutes(1) : clockSkew;
            rsaKeySize = rsaKeySize == null ? 2048 : rsaKeySize;
        }
    }
}
