package dev.medbase.auth.tokens;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /auth/v2/oauth2/tokens} (contract §5.1), anonymous. Success and failure carry
 * {@code Cache-Control: no-store} and {@code Pragma: no-cache}. Failures use the OAuth2 body of contract §3.2 —
 * {@code {error, description, exh_error: {name, description, code}}}, never a top-level {@code code} — with HTTP 400,
 * except {@code invalid_client} (401) and an unreachable user-service ({@code temporarily_unavailable}, 503).
 */
@RestController
class TokenController {

    private final TokenGrants grants;
    private final JsonMapper json;

    TokenController(TokenGrants grants, JsonMapper json) {
        this.grants = grants;
        this.json = json;
    }

    @PostMapping({"/auth/v2/oauth2/tokens", "/auth/v2/oauth2/tokens/"})
    ResponseEntity<TokenResponse> token(HttpServletRequest request,
            @RequestHeader(value = "Authorization", required = false) String authorization) {
        TokenResponse response = grants.grant(TokenRequest.read(request, json), authorization);
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).header("Pragma", "no-cache").body(response);
    }

    @ExceptionHandler(ExhException.class)
    ResponseEntity<Map<String, Object>> error(ExhException e) {
        ExhError exh = e.error();
        String error;
        HttpStatus status = HttpStatus.BAD_REQUEST;
        switch (exh) {
            case OAUTH2_CLIENT_ID_EXCEPTION, OAUTH2_CLIENT_SECRET_EXCEPTION,
                    OAUTH2_MISSING_CLIENT_CREDENTIALS_EXCEPTION -> {
                error = "invalid_client";
                status = HttpStatus.UNAUTHORIZED;
            }
            case EMPTY_BODY_EXCEPTION, BODY_FORMAT_EXCEPTION, MISSING_REQUIRED_FIELDS_EXCEPTION,
                    FIELD_FORMAT_EXCEPTION, ILLEGAL_ARGUMENT_EXCEPTION, ID_FORMAT_EXCEPTION -> error = "invalid_request";
            case UNSUPPORTED_GRANT_EXCEPTION -> error = "unsupported_grant_type";
            case MFA_REQUIRED_EXCEPTION -> error = "mfa_required";
            case SERVICE_UNREACHABLE_EXCEPTION -> {
                error = "temporarily_unavailable";
                status = HttpStatus.SERVICE_UNAVAILABLE;
            }
            case SERVER_EXCEPTION -> {
                error = "server_error";
                status = HttpStatus.INTERNAL_SERVER_ERROR;
            }
            default -> error = "invalid_grant";
        }
        Map<String, Object> exhError = new LinkedHashMap<>();
        exhError.put("name", exh.name());
        exhError.put("description", e.getMessage());
        exhError.put("code", exh.code());
        if (e.extra().containsKey("remainingDelay")) {
            exhError.put("remainingDelay", e.extra().get("remainingDelay"));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("description", e.getMessage());
        body.put("exh_error", exhError);
        e.extra().forEach(body::putIfAbsent); // mfa {token, tokenExpiresIn, methods}, remainingDelay
        return ResponseEntity.status(status).cacheControl(CacheControl.noStore()).header("Pragma", "no-cache")
                .body(body);
    }
}
