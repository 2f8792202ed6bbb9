package dev.medbase.auth.tokens;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.medbase.platform.events.EventPublisher;

/**
 * auth-service's events, published through the platform outbox to {@code medbase.auth} (documented in
 * {@code docs/events.md}). Extra Horizon's system events (contract §10) have no auth events, so these are Medbase's
 * own. Content keys are snake_case like ExH's; never a token, secret, password or e-mail address.
 */
@Component
class TokenEvents {

    private final EventPublisher events;

    TokenEvents(EventPublisher events) {
        this.events = events;
    }

    /** {@code login_succeeded {user_id, application_id, grant_type}}: a password or code grant started a session. */
    void loginSucceeded(String userId, String applicationId, String grantType) {
        events.publish("login_succeeded", userId, content("user_id", userId, "application_id", applicationId,
                "grant_type", grantType));
    }

    /**
     * {@code login_failed {application_id, grant_type, error_code}}: a password or code grant was refused (wrong
     * credentials, lockout, a bad code). The user is not named: for 106 it may not exist.
     */
    void loginFailed(String applicationId, String grantType, int errorCode) {
        events.publish("login_failed", applicationId, content("application_id", applicationId,
                "grant_type", grantType, "error_code", errorCode));
    }

    /**
     * {@code refresh_token_reused {user_id, application_id, family_id}}: a rotated refresh token came back after the
     * grace window, so it may have been stolen; its session is revoked ({@code tokens_revoked} follows).
     */
    void refreshTokenReused(String userId, String applicationId, String familyId) {
        events.publish("refresh_token_reused", userId, content("user_id", userId, "application_id", applicationId,
                "family_id", familyId));
    }

    /**
     * {@code tokens_revoked {user_id, family_ids, reason}}: sessions (refresh-token families) of a user were ended;
     * {@code reason} says why ({@link RefreshTokens.Reason}).
     */
    void tokensRevoked(String userId, List<String> familyIds, RefreshTokens.Reason reason) {
        events.publish("tokens_revoked", userId, content("user_id", userId, "family_ids", familyIds,
                "reason", reason.wire()));
    }

    private static Map<String, Object> content(Object... keysAndValues) {
        Map<String, Object> content = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            content.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return content;
    }
}
