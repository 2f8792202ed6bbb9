package dev.medbase.auth.oauth1;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.auth.AuthProperties;
import dev.medbase.auth.mfa.MfaSettings;
import dev.medbase.auth.support.AffectedRecords;
import dev.medbase.auth.support.Ids;
import dev.medbase.auth.tokens.AccessTokens;
import dev.medbase.auth.users.UserService;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.openapi.ApiBody;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;

/**
 * {@code /auth/v2/oauth1/*} (contract §5.3) and the gateway's internal OAuth1 seam.
 *
 * <p>Consumer-signed endpoints ({@code POST /oauth1/tokens}, {@code /oauth1/tokens/mfa},
 * {@code /oauth1/ssoTokens/consume}) check the signature here, against the URL the client saw: scheme from
 * {@code X-Forwarded-Proto}, host from {@code X-Forwarded-Host} or {@code Host}, the raw path and query. Token-signed
 * requests to any service are verified once by the gateway through
 * <pre>
 * POST /internal/oauth1/verify {"method", "url" (externally visible, with the raw query), "authorization"}
 *   200 {"accessToken", "expiresIn", "userId", "applicationId"}   a short-lived RS256 access token for the user
 *   401 {code:101|107|108|109|110}                               standard ExH body, to be relayed as is
 * </pre>
 * which the gateway forwards as {@code Authorization: Bearer}: services keep verifying one kind of token, and a
 * revoked OAuth1 token stops working at once. Not routed by the gateway ({@code /internal/**}).
 */
@RestController
class OAuth1Controller {

    private final OAuth1Verifier verifier;
    private final OAuth1Tokens tokens;
    private final UserService users;
    private final MfaSettings mfa;
    private final AccessTokens accessTokens;
    private final AuthProperties properties;

    OAuth1Controller(OAuth1Verifier verifier, OAuth1Tokens tokens, UserService users, MfaSettings mfa,
            AccessTokens accessTokens, AuthProperties properties) {
        this.verifier = verifier;
        this.tokens = tokens;
        this.users = users;
        this.mfa = mfa;
        this.accessTokens = accessTokens;
        this.properties = properties;
    }

    @ApiBody(request = OAuth1Docs.Login.class, response = OAuth1Docs.OAuth1Token.class)
    @PostMapping({"/auth/v2/oauth1/tokens", "/auth/v2/oauth1/tokens/"})
    Map<String, Object> login(HttpServletRequest request, @RequestBody(required = false) Map<String, Object> body) {
        OAuth1Verifier.Verified app = consumer(request);
        String email = string(body, "email");
        String password = string(body, "password");
        String userId = users.verify(email, password);
        if (mfa.enabled(userId)) {
            throw new ExhException(ExhError.MFA_REQUIRED_EXCEPTION, "Multi-factor authentication is required",
                    Map.of("mfa", mfa.challenge(userId, app.applicationId()).body()));
        }
        return tokens.issue(userId, app.applicationId());
    }

    @ApiBody(request = OAuth1Docs.MfaConfirmation.class, response = OAuth1Docs.OAuth1Token.class)
    @PostMapping({"/auth/v2/oauth1/tokens/mfa", "/auth/v2/oauth1/tokens/mfa/"})
    Map<String, Object> confirmMfa(HttpServletRequest request,
            @RequestBody(required = false) Map<String, Object> body) {
        OAuth1Verifier.Verified app = consumer(request);
        String token = string(body, "token");
        String methodId = string(body, "methodId");
        String code = string(body, "code");
        return tokens.issue(mfa.complete(token, methodId, code, app.applicationId()), app.applicationId());
    }

    @ApiBody(request = OAuth1Docs.SsoConsumption.class, response = OAuth1Docs.OAuth1Token.class)
    @PostMapping({"/auth/v2/oauth1/ssoTokens/consume", "/auth/v2/oauth1/ssoTokens/consume/"})
    Map<String, Object> consumeSso(HttpServletRequest request,
            @RequestBody(required = false) Map<String, Object> body) {
        OAuth1Verifier.Verified app = consumer(request);
        return tokens.issue(tokens.consumeSso(string(body, "ssoToken")), app.applicationId());
    }

    @ApiBody(response = OAuth1Docs.SsoToken.class)
    @PostMapping({"/auth/v2/oauth1/ssoTokens/generate", "/auth/v2/oauth1/ssoTokens/generate/"})
    Map<String, Object> generateSso(Caller caller) {
        caller.requireUser();
        return tokens.generateSso(caller.userId(), caller.applicationId());
    }

    @ApiBody(page = OAuth1Docs.OAuth1Token.class)
    @GetMapping({"/auth/v2/oauth1/tokens", "/auth/v2/oauth1/tokens/"})
    PageEnvelope<Map<String, Object>> find(Caller caller, RqlQuery rql) {
        caller.requireUser();
        return tokens.find(rql, caller.hasPermission("VIEW_AUTHORIZATIONS") ? null : caller.userId());
    }

    @DeleteMapping("/auth/v2/oauth1/tokens/{id}")
    AffectedRecords delete(Caller caller, @PathVariable String id) {
        caller.requireUser();
        return new AffectedRecords(tokens.delete(Ids.parse(id), caller.userId(),
                caller.hasPermission("DELETE_AUTHORIZATIONS")));
    }

    @PostMapping("/internal/oauth1/verify")
    Map<String, Object> verify(@RequestBody(required = false) Map<String, Object> body) {
        String method = string(body, "method");
        String url = string(body, "url");
        String authorization = string(body, "authorization");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "url is not a URL");
        }
        if (uri.getScheme() == null || uri.getRawAuthority() == null) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "url must be absolute");
        }
        OAuth1Verifier.Verified verified = verifier.verify(method,
                OAuth1Signature.baseUrl(uri.getScheme(), uri.getRawAuthority(),
                        uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath()),
                uri.getRawQuery(), authorization, true);
        UserService.UserClaims claims;
        try {
            claims = users.claims(verified.userId());
        } catch (ExhException e) {
            if (e.error() == ExhError.RESOURCE_UNKNOWN_EXCEPTION) {
                throw new ExhException(ExhError.OAUTH_TOKEN_EXCEPTION);
            }
            throw e;
        }
        AccessTokens.Issued issued = accessTokens.issue(claims, verified.applicationId(),
                properties.oauth1().internalTokenLifetime());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accessToken", issued.token());
        out.put("expiresIn", issued.expiresInSeconds());
        out.put("userId", verified.userId());
        out.put("applicationId", verified.applicationId());
        return out;
    }

    /**
     * The origin the client signed: named by the gateway ({@code X-OAuth1-Signed-Origin}, which it sets itself and
     * never passes from a client), else {@code X-Forwarded-Proto} / {@code X-Forwarded-Host} of a proxy, else the
     * request's own. A wrong origin only makes the signature check fail.
     */
    private OAuth1Verifier.Verified consumer(HttpServletRequest request) {
        String signedOrigin = first(request.getHeader("X-OAuth1-Signed-Origin"));
        if (signedOrigin != null) {
            URI origin = origin(signedOrigin);
            return verifier.verify(request.getMethod(), OAuth1Signature.baseUrl(origin.getScheme(),
                    origin.getRawAuthority(), request.getRequestURI()), request.getQueryString(),
                    request.getHeader("Authorization"), false);
        }
        String proto = first(request.getHeader("X-Forwarded-Proto"));
        String host = first(request.getHeader("X-Forwarded-Host"));
        if (host == null) {
            host = request.getHeader("Host");
        }
        if (host == null) {
            host = request.getServerName() + ":" + request.getServerPort();
        }
        String base = OAuth1Signature.baseUrl(proto == null ? request.getScheme() : proto, host,
                request.getRequestURI());
        return verifier.verify(request.getMethod(), base, request.getQueryString(),
                request.getHeader("Authorization"), false);
    }

    private static URI origin(String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() != null && uri.getRawAuthority() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // refused below
        }
        throw new ExhException(ExhError.OAUTH_SIGNATURE_EXCEPTION, "The signed origin cannot be read");
    }

    private static String first(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        int comma = header.indexOf(',');
        return (comma < 0 ? header : header.substring(0, comma)).trim();
    }

    private static String string(Map<String, Object> body, String field) {
        if (body == null) {
            throw new ExhException(ExhError.EMPTY_BODY_EXCEPTION);
        }
        Object value = body.get(field);
        if (value == null || "".equals(value)) {
            throw new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION, "Field '" + field + "' is required");
        }
        if (!(value instanceof String s) || s.length() > 4096) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "Field '" + field + "' must be a string");
        }
        return s;
    }
}
