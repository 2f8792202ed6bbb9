package dev.medbase.auth.tokens;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.medbase.platform.events.EventEnvelope;
import dev.medbase.platform.events.EventHandler;
import dev.medbase.platform.events.EventTopics;
import dev.medbase.platform.events.PoisonEventException;

/**
 * ARCHITECTURE §5 item 3: when user-service reports that a user was deleted or their password was reset or changed,
 * every refresh-token family (session) of that user that started before the change is revoked, so no new access
 * token is issued from it; access tokens already issued live out their few minutes. The user's OAuth1 tokens
 * created before the event are deleted too (OAuth1 requests are verified one by one, so they stop at once), and
 * every MFA, presence and SSO token of the user. Sessions started after the
 * event's time survive, so a login right after a password reset is not ended by the reset's event arriving late
 * (this compares user-service's clock with auth-service's).
 *
 * <p>The user id is read from {@code id} ({@code user_deleted}), {@code user_id} (ExH's password events) or
 * {@code userId}. An event without one cannot be handled and is parked on the dead-letter topic.
 */
@Component
class UserChangesRevokeSessions implements EventHandler {

    private static final Logger log = LoggerFactory.getLogger(UserChangesRevokeSessions.class);
    private static final Map<String, RefreshTokens.Reason> REASONS = Map.of(
            "user_deleted", RefreshTokens.Reason.USER_DELETED,
            "password_reset_completed", RefreshTokens.Reason.PASSWORD_RESET_COMPLETED,
            "password_update_completed", RefreshTokens.Reason.PASSWORD_UPDATE_COMPLETED);

    private final UserTokenRevocation revocation;

    UserChangesRevokeSessions(UserTokenRevocation revocation) {
        this.revocation = revocation;
    }

    @Override
    public Collection<String> topics() {
        return List.of(EventTopics.forSource("users"));
    }

    @Override
    public Collection<String> types() {
        return REASONS.keySet();
    }

    @Override
    public void handle(EventEnvelope event) {
        String userId = userId(event.content());
        if (userId == null) {
            throw new PoisonEventException("Event " + event.id() + " (" + event.type() + ") names no user");
        }
        // password_update_completed: the caller's own fresh access token stays valid for its few minutes
        UserTokenRevocation.Revoked revoked = revocation.revoke(userId, event.time(), REASONS.get(event.type()),
                !"password_update_completed".equals(event.type()));
        log.info("{}: revoked {} session(s), {} OAuth1 token(s) and the MFA/presence/SSO tokens of user {}",
                event.type(), revoked.sessions(), revoked.oauth1Tokens(), userId);
    }

    private static String userId(Map<String, Object> content) {
        for (String key : List.of("id", "user_id", "userId")) {
            if (content.get(key) instanceof String id && !id.isBlank()) {
                return id;
            }
        }
        return null;
    }
}
