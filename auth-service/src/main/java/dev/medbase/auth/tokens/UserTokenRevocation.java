package dev.medbase.auth.tokens;

import java.time.Clock;
import java.time.Instant;

import org.springframework.stereotype.Component;

import dev.medbase.auth.mfa.MfaSettings;
import dev.medbase.auth.mfa.PresenceTokens;
import dev.medbase.auth.oauth1.OAuth1Tokens;

/**
 * Ends what a user holds: sessions (refresh-token families) and OAuth1 tokens created up to a moment, optionally
 * the access tokens issued up to it (117 at once), and every MFA, presence and SSO token. Used for user-service's
 * events ({@link UserChangesRevokeSessions}) and when a user is linked to an OpenID Connect provider (logged out
 * everywhere, contract §5.6).
 */
@Component
public class UserTokenRevocation {

    /** What ended the user's tokens, and how many sessions and OAuth1 tokens that was. */
    record Revoked(int sessions, long oauth1Tokens) {}

    private final RefreshTokens refreshTokens;
    private final OAuth1Tokens oauth1;
    private final MfaSettings mfa;
    private final PresenceTokens presence;
    private final AccessTokenRecords accessTokens;
    private final Clock clock;

    UserTokenRevocation(RefreshTokens refreshTokens, OAuth1Tokens oauth1, MfaSettings mfa, PresenceTokens presence,
            AccessTokenRecords accessTokens, Clock clock) {
        this.refreshTokens = refreshTokens;
        this.oauth1 = oauth1;
        this.mfa = mfa;
        this.presence = presence;
        this.accessTokens = accessTokens;
        this.clock = clock;
    }

    /** The user was linked to an OpenID Connect provider and has no password any more: every token ends now. */
    public void oidcLinked(String userId) {
        revoke(userId, clock.instant(), RefreshTokens.Reason.OIDC_LINKED, true);
    }

    Revoked revoke(String userId, Instant before, RefreshTokens.Reason reason, boolean accessTokensToo) {
        int sessions = refreshTokens.revokeUser(userId, before, reason);
        long oauth1Revoked = oauth1.revokeUser(userId, before);
        mfa.revokeTokens(userId);
        if (accessTokensToo) {
            accessTokens.revokeUser(userId, before);
        }
        presence.revokeUser(userId);
        return new Revoked(sessions, oauth1Revoked);
    }
}
