package dev.medbase.auth.oidc;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.auth.applications.Applications;
import dev.medbase.auth.mfa.PresenceTokens;
import dev.medbase.auth.support.AffectedRecords;
import dev.medbase.auth.support.Ids;
import dev.medbase.auth.tokens.Sessions;
import dev.medbase.auth.tokens.TokenResponse;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.openapi.ApiBody;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;

/**
 * {@code /auth/v2/oidc/*} (contract §5.6). Providers by id for management ({@code CREATE_OIDC_PROVIDER},
 * {@code VIEW_OIDC_PROVIDERS}, {@code UPDATE_OIDC_PROVIDER}, {@code DELETE_OIDC_PROVIDER}), by name for the anonymous
 * URL generation and login. {@code oAuth2Login} authenticates the OAuth2 client like the token endpoint (body
 * and/or HTTP Basic) but fails with the standard ExH body; it answers the §5.1 token response.
 * Login attempts: {@code VIEW_OIDC_LOGIN_ATTEMPTS}. Linking needs an authenticated user and their presence token
 * (132); unlinking {@code UNLINK_USER_FROM_OIDC}.
 */
@RestController
class OidcController {

    private final OidcProviders providers;
    private final OidcLogin login;
    private final Applications applications;
    private final Sessions sessions;
    private final PresenceTokens presence;

    OidcController(OidcProviders providers, OidcLogin login, Applications applications, Sessions sessions,
            PresenceTokens presence) {
        this.providers = providers;
        this.login = login;
        this.applications = applications;
        this.sessions = sessions;
        this.presence = presence;
    }

    @ApiBody(request = OidcDocs.NewProvider.class, response = OidcDocs.Provider.class)
    @PostMapping({"/auth/v2/oidc/providers", "/auth/v2/oidc/providers/"})
    Map<String, Object> create(Caller caller, @RequestBody(required = false) Map<String, Object> body) {
        caller.requirePermission("CREATE_OIDC_PROVIDER");
        return providers.create(body);
    }

    @ApiBody(page = OidcDocs.Provider.class)
    @GetMapping({"/auth/v2/oidc/providers", "/auth/v2/oidc/providers/"})
    PageEnvelope<Map<String, Object>> find(Caller caller, RqlQuery rql) {
        caller.requirePermission("VIEW_OIDC_PROVIDERS");
        return providers.find(rql);
    }

    @ApiBody(request = OidcDocs.ProviderChanges.class)
    @PutMapping("/auth/v2/oidc/providers/{id}")
    AffectedRecords update(Caller caller, @PathVariable String id,
            @RequestBody(required = false) Map<String, Object> body) {
        caller.requirePermission("UPDATE_OIDC_PROVIDER");
        return new AffectedRecords(providers.update(Ids.parse(id), body));
    }

    @DeleteMapping("/auth/v2/oidc/providers/{id}")
    AffectedRecords delete(Caller caller, @PathVariable String id) {
        caller.requirePermission("DELETE_OIDC_PROVIDER");
        return new AffectedRecords(providers.delete(Ids.parse(id)));
    }

    @PostMapping("/auth/v2/oidc/providers/{id}/enable")
    AffectedRecords enable(Caller caller, @PathVariable String id) {
        caller.requirePermission("UPDATE_OIDC_PROVIDER");
        return new AffectedRecords(providers.setEnabled(Ids.parse(id), true));
    }

    @PostMapping("/auth/v2/oidc/providers/{id}/disable")
    AffectedRecords disable(Caller caller, @PathVariable String id) {
        caller.requirePermission("UPDATE_OIDC_PROVIDER");
        return new AffectedRecords(providers.setEnabled(Ids.parse(id), false));
    }

    @ApiBody(request = OidcDocs.AuthenticationUrlRequest.class, response = OidcDocs.AuthenticationUrl.class)
    @PostMapping("/auth/v2/oidc/providers/{name}/generateAuthenticationUrl")
    Map<String, Object> authenticationUrl(@PathVariable String name,
            @RequestBody(required = false) Map<String, Object> body) {
        Object state = body == null ? null : body.get("state");
        if (state != null && (!(state instanceof String s) || s.length() > 1024)) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "state must be a string");
        }
        return Map.of("authenticationUrl", login.authenticationUrl(name, (String) state));
    }

    @ApiBody(request = OidcDocs.OidcLogin.class)
    @PostMapping("/auth/v2/oidc/providers/{name}/oAuth2Login")
    ResponseEntity<TokenResponse> oAuth2Login(@PathVariable String name,
            @RequestHeader(value = "Authorization", required = false) String authorization,
            @RequestBody(required = false) Map<String, Object> body) {
        if (body == null) {
            throw new ExhException(ExhError.EMPTY_BODY_EXCEPTION);
        }
        String[] basic = basic(authorization);
        String clientId = basic != null ? basic[0] : string(body, "client_id");
        if (clientId == null) {
            throw new ExhException(ExhError.OAUTH2_MISSING_CLIENT_CREDENTIALS_EXCEPTION, "client_id is required");
        }
        String secret = basic != null && !basic[1].isEmpty() ? basic[1] : string(body, "client_secret");
        Applications.Client client = applications.authenticate(clientId, secret);
        String code = string(body, "authorizationCode");
        if (code == null) {
            throw new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION, "Field 'authorizationCode' is required");
        }
        String userId = login.login(name, code);
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).header("Pragma", "no-cache")
                .body(sessions.start(userId, client.applicationId(), "oidc"));
    }

    /** Links the caller (presence token: their password, recently) to a provider account. */
    @ApiBody(request = OidcDocs.Link.class)
    @PostMapping("/auth/v2/oidc/providers/{name}/link")
    AffectedRecords link(Caller caller, @PathVariable String name,
            @RequestBody(required = false) Map<String, Object> body) {
        String userId = caller.requireUser().userId();
        if (body == null) {
            throw new ExhException(ExhError.EMPTY_BODY_EXCEPTION);
        }
        String presenceToken = string(body, "presenceToken");
        String code = string(body, "authorizationCode");
        if (presenceToken == null || code == null) {
            throw new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION,
                    "Fields 'presenceToken' and 'authorizationCode' are required");
        }
        presence.require(presenceToken, userId);
        login.link(name, code, userId);
        return new AffectedRecords(1);
    }

    @PostMapping("/auth/v2/oidc/users/{userId}/unlink")
    AffectedRecords unlink(Caller caller, @PathVariable String userId) {
        caller.requirePermission("UNLINK_USER_FROM_OIDC");
        login.unlink(Ids.parse(userId).toHexString());
        return new AffectedRecords(1);
    }

    @ApiBody(page = OidcDocs.LoginAttempt.class)
    @GetMapping({"/auth/v2/oidc/loginAttempts", "/auth/v2/oidc/loginAttempts/"})
    PageEnvelope<Map<String, Object>> attempts(Caller caller, RqlQuery rql) {
        caller.requirePermission("VIEW_OIDC_LOGIN_ATTEMPTS");
        return login.attempts(rql);
    }

    private static String[] basic(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            throw new ExhException(ExhError.OAUTH2_MISSING_CLIENT_CREDENTIALS_EXCEPTION,
                    "The Basic authorization header is malformed");
        }
    }

    private static String string(Map<String, Object> body, String field) {
        Object value = body.get(field);
        if (value == null || "".equals(value)) {
            return null;
        }
        if (!(value instanceof String s) || s.length() > 4096) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "Field '" + field + "' must be a string");
        }
        return s;
    }
}
