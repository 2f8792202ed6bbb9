package dev.medbase.auth.tokens;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

import org.springframework.stereotype.Service;

import dev.medbase.auth.applications.Applications;
import dev.medbase.auth.authorizations.Authorizations;
import dev.medbase.auth.mfa.MfaSettings;
import dev.medbase.auth.support.Secrets;
import dev.medbase.auth.users.UserService;
import dev.medbase.auth.users.UserService.UserClaims;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * The grants of {@code POST /auth/v2/oauth2/tokens}: {@code password}, {@code refresh_token},
 * {@code authorization_code}, {@code mfa}. A correct password of a user with MFA enabled answers
 * {@code mfa_required} (129) carrying the {@code mfa} object instead of tokens. Every failure is an {@link ExhException}; {@link TokenController} turns it into the
 * OAuth2 error body.
 */
@Service
class TokenGrants {

    /**
     * A password or authorization code refused (not a client error, a malformed request or an outage): these are
     * announced as {@code login_failed}.
     */
    private static final Set<ExhError> LOGIN_REFUSALS = EnumSet.of(ExhError.AUTHENTICATION_EXCEPTION,
            ExhError.LOGIN_TIMEOUT_EXCEPTION, ExhError.LOGIN_FREEZE_EXCEPTION,
            ExhError.TOO_MANY_FAILED_ATTEMPTS_EXCEPTION, ExhError.AUTHORIZATION_UNKNOWN_EXCEPTION,
            ExhError.AUTHORIZATION_CODE_EXPIRED_EXCEPTION, ExhError.CALLBACK_NOT_VALID,
            ExhError.INVALID_PKCE_EXCEPTION, ExhError.MISSING_PKCE_VERIFIER_EXCEPTION,
            ExhError.INVALID_MFA_CODE_EXCEPTION, ExhError.INVALID_MFA_TOKEN_EXCEPTION,
            ExhError.MFA_REATTEMPT_DELAY_EXCEPTION);

    private final Applications applications;
    private final Authorizations authorizations;
    private final UserService users;
    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final TokenEvents events;
    private final MfaSettings mfa;

    TokenGrants(Applications applications, Authorizations authorizations, UserService users,
            AccessTokens accessTokens, RefreshTokens refreshTokens, TokenEvents events, MfaSettings mfa) {
        this.mfa = mfa;
        this.applications = applications;
        this.authorizations = authorizations;
        this.users = users;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.events = events;
    }

    TokenResponse grant(TokenRequest request, String authorization) {
        String grantType = request.required("grant_type");
        Applications.Client client = authenticate(request, authorization);
        try {
            return switch (grantType) {
                case "password" -> password(client, request);
                case "refresh_token" -> refresh(client, request);
                case "authorization_code" -> code(client, request);
                case "mfa" -> mfa(client, request);
                default -> throw new ExhException(ExhError.UNSUPPORTED_GRANT_EXCEPTION,
                        "Grant type '" + (grantType.length() > 40 ? grantType.substring(0, 40) : grantType)
                                + "' is not supported");
            };
        } catch (ExhException e) {
            if (LOGIN_REFUSALS.contains(e.error())) {
                events.loginFailed(client.applicationId(), grantType, e.error().code());
            }
            throw e;
        }
    }

    /**
     * Client credentials from HTTP Basic and/or {@code client_id}/{@code client_secret} in the body (the SDK sends
     * both, with the same values). Basic credentials are taken as sent, without form-decoding, like the SDK encodes
     * them ({@code btoa(id + ":" + secret)}).
     */
    private Applications.Client authenticate(TokenRequest request, String authorization) {
        String basicId = null;
        String basicSecret = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new ExhException(ExhError.OAUTH2_MISSING_CLIENT_CREDENTIALS_EXCEPTION,
                        "The Basic authorization header is malformed");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new ExhException(ExhError.OAUTH2_MISSING_CLIENT_CREDENTIALS_EXCEPTION,
                        "The Basic authorization header is malformed");
            }
            basicId = decoded.substring(0, colon);
            basicSecret = decoded.substring(colon + 1).isEmpty() ? null : decoded.substring(colon + 1);
        }
        String bodyId = request.optional("client_id");
        String bodySecret = request.optional("client_secret");
        if (basicId != null && bodyId != null && !basicId.equals(bodyId)) {
            throw new ExhException(ExhError.OAUTH2_CLIENT_ID_EXCEPTION,
                    "client_id does not match the Authorization header");
        }
        if (basicSecret != null && bodySecret != null && !Secrets.equal(basicSecret, bodySecret)) {
            throw new ExhException(ExhError.OAUTH2_CLIENT_SECRET_EXCEPTION,
                    "client_secret does not match the Authorization header");
        }
        String clientId = basicId != null && !basicId.isEmpty() ? basicId : bodyId;
        if (clientId == null) {
            throw new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION, "Field 'client_id' is required");
        }
        return applications.authenticate(clientId, basicSecret != null ? basicSecret : bodySecret);
    }

    private TokenResponse password(Applications.Client client, TokenRequest request) {
        String username = request.required("username");
        String password = request.required("password");
        String userId = users.verify(username, password);
        if (mfa.enabled(userId)) {
            MfaSettings.Challenge challenge = mfa.challenge(userId, client.applicationId());
            throw new ExhException(ExhError.MFA_REQUIRED_EXCEPTION, "Multi-factor authentication is required",
                    java.util.Map.of("mfa", challenge.body()));
        }
        UserClaims claims = users.claims(userId);
        RefreshTokens.Issued refresh = refreshTokens.startFamily(userId, client.applicationId());
        events.loginSucceeded(userId, client.applicationId(), "password");
        return response(claims, client, refresh);
    }

    /** Completes a password login of an MFA user: {@code token} from {@code mfa_required}, {@code method_id}, code. */
    private TokenResponse mfa(Applications.Client client, TokenRequest request) {
        String token = request.required("token");
        String code = request.required("code");
        String methodId = request.required("method_id");
        String userId = mfa.complete(token, methodId, code, client.applicationId());
        UserClaims claims = users.claims(userId);
        RefreshTokens.Issued refresh = refreshTokens.startFamily(userId, client.applicationId());
        events.loginSucceeded(userId, client.applicationId(), "mfa");
        return response(claims, client, refresh);
    }

    private TokenResponse refresh(Applications.Client client, TokenRequest request) {
        String token = request.required("refresh_token");
        RefreshTokens.Presented presented = refreshTokens.check(token, client.applicationId());
        // the claims are read before the token is rotated: if user-service is down, the token stays usable
        UserClaims claims;
        try {
            claims = users.claims(presented.userId());
        } catch (ExhException e) {
            if (e.error() == ExhError.RESOURCE_UNKNOWN_EXCEPTION) {
                refreshTokens.revokeFamily(presented.familyId(), RefreshTokens.Reason.USER_UNKNOWN);
                throw new ExhException(ExhError.REFRESH_TOKEN_UNKNOWN_EXCEPTION);
            }
            throw e;
        }
        refreshTokens.rotate(presented);
        RefreshTokens.Issued next = refreshTokens.issue(presented.familyId(), presented.userId(),
                client.applicationId());
        return response(claims, client, next);
    }

    private TokenResponse code(Applications.Client client, TokenRequest request) {
        String code = request.required("code");
        Authorizations.Granted granted = authorizations.redeem(code, client, request.optional("redirect_uri"),
                request.optional("code_verifier"),
                family -> refreshTokens.revokeFamily(family, RefreshTokens.Reason.AUTHORIZATION_CODE_REUSED));
        UserClaims claims = users.claims(granted.userId());
        RefreshTokens.Issued refresh = refreshTokens.startFamily(granted.userId(), client.applicationId());
        authorizations.linkFamily(granted.authorizationId(), refresh.familyId());
        events.loginSucceeded(granted.userId(), client.applicationId(), "authorization_code");
        return response(claims, client, refresh);
    }

    private TokenResponse response(UserClaims claims, Applications.Client client, RefreshTokens.Issued refresh) {
        AccessTokens.Issued access = accessTokens.issue(claims, client.applicationId());
        return new TokenResponse(access.token(), "bearer", access.expiresInSeconds(), refresh.token(),
                claims.userId(), client.applicationId());
    }
}
