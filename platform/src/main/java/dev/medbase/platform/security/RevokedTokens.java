package dev.medbase.platform.security;

/**
 * Access tokens revoked before their expiry (contract §5.5: a deleted access token answers 117 at once), by
 * {@code jti}. A service that knows the revocations provides a bean; without one nothing is revoked.
 */
@FunctionalInterface
public interface RevokedTokens {

    RevokedTokens NONE = jti -> false;

    boolean isRevoked(String jti);
}
