package dev.medbase.auth.tokens;

import org.springframework.stereotype.Component;

import dev.medbase.auth.users.UserService;

/** Starts a session (refresh-token family + access token) for a user authenticated elsewhere (OpenID Connect). */
@Component
public class Sessions {

    private final UserService users;
    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final TokenEvents events;

    Sessions(UserService users, AccessTokens accessTokens, RefreshTokens refreshTokens, TokenEvents events) {
        this.users = users;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.events = events;
    }

    /** The §5.1 token response for {@code userId} logged in through {@code grant} at {@code applicationId}. */
    public TokenResponse start(String userId, String applicationId, String grant) {
        UserService.UserClaims claims = users.claims(userId);
        RefreshTokens.Issued refresh = refreshTokens.startFamily(userId, applicationId);
        events.loginSucceeded(userId, applicationId, grant);
        AccessTokens.Issued access = accessTokens.issue(claims, applicationId);
        return new TokenResponse(access.token(), "bearer", access.expiresInSeconds(), refresh.token(), userId,
                applicationId);
    }
}
