package dev.medbase.auth.tokens;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The token events of auth-service, one method each. Extra Horizon's documented system events (contract §10) have
 * no auth events, so these are Medbase's own; the lead wires each method to the platform events outbox
 * ({@code dev.medbase.platform.events}). Until then they only log. Never pass tokens, secrets or passwords here.
 */
@Component
public class TokenEvents {

    private static final Logger log = LoggerFactory.getLogger(TokenEvents.class);

    /** {@code login_succeeded {user_id, application_id, grant_type}}: a grant issued tokens. */
    public void loginSucceeded(String userId, String applicationId, String grantType) {
        log.info("Tokens issued: user {} application {} grant {}", userId, applicationId, grantType);
    }

    /**
     * {@code login_failed {application_id, code}}: a password grant was refused (106, 211, 212, 213). The user is not
     * named: for 106 it may not exist.
     */
    public void loginFailed(String applicationId, int code) {
        log.info("Password grant refused: application {} code {}", applicationId, code);
    }

    /**
     * {@code refresh_token_reuse_detected {user_id, application_id, family_id}}: a rotated refresh token was used
     * after the grace window; the whole family was revoked.
     */
    public void refreshTokenReused(String userId, String applicationId, String familyId) {
        log.warn("Refresh token reuse: family {} of user {} application {} revoked", familyId, userId,
                applicationId);
    }

    /** {@code refresh_tokens_revoked {user_id, family_id, reason}}: a session was ended (logout, deletion). */
    public void tokensRevoked(String userId, String familyId, String reason) {
        log.info("Refresh family {} of user {} revoked: {}", familyId, userId, reason);
    }
}
