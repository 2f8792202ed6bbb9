package dev.medbase.platform.error;

import org.springframework.http.HttpStatus;

/**
 * The Extra Horizon error catalogue (contract §3.4): numeric code, SCREAMING_SNAKE name, HTTP status and default
 * message. The SDK dispatches on {@code code}, so a code here must never change meaning.
 */
public enum ExhError {
    SERVER_EXCEPTION(1, HttpStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred"),
    SERVICE_UNREACHABLE_EXCEPTION(4, HttpStatus.SERVICE_UNAVAILABLE, "The service is unreachable"),
    NO_PERMISSION_EXCEPTION(10, HttpStatus.UNAUTHORIZED, "Permission denied"),
    REMOVE_FIELD_EXCEPTION(11, HttpStatus.FORBIDDEN, "This field may not be removed"),
    ID_FORMAT_EXCEPTION(12, HttpStatus.BAD_REQUEST, "The id is not a valid identifier"),
    EMPTY_BODY_EXCEPTION(13, HttpStatus.BAD_REQUEST, "The request body is empty"),
    MISSING_REQUIRED_FIELDS_EXCEPTION(14, HttpStatus.BAD_REQUEST, "Required fields are missing"),
    FIELD_FORMAT_EXCEPTION(15, HttpStatus.BAD_REQUEST, "A field has an invalid format"),
    RESOURCE_UNKNOWN_EXCEPTION(16, HttpStatus.NOT_FOUND, "Requested resource is unknown"),
    RESOURCE_ALREADY_EXISTS_EXCEPTION(17, HttpStatus.BAD_REQUEST, "The resource already exists"),
    INVALID_RQL_EXCEPTION(19, HttpStatus.BAD_REQUEST, "The RQL query is invalid"),
    EMPTY_RQL_EXCEPTION(20, HttpStatus.BAD_REQUEST, "An RQL query is required"),
    LONG_QUERY_EXCEPTION(21, HttpStatus.UNAUTHORIZED, "The query took too long"),
    BODY_FORMAT_EXCEPTION(22, HttpStatus.BAD_REQUEST, "The request body could not be parsed"),
    ILLEGAL_ARGUMENT_EXCEPTION(26, HttpStatus.BAD_REQUEST, "An argument is invalid"),
    ILLEGAL_STATE_EXCEPTION(27, HttpStatus.BAD_REQUEST, "The resource is in a state that does not allow this"),
    APPLICATION_NOT_AUTHENTICATED_EXCEPTION(101, HttpStatus.UNAUTHORIZED, "The application is not authenticated"),
    APPLICATION_UNKNOWN_EXCEPTION(103, HttpStatus.BAD_REQUEST, "The application is unknown"),
    USER_NOT_AUTHENTICATED_EXCEPTION(104, HttpStatus.UNAUTHORIZED, "The user is not authenticated"),
    AUTHENTICATION_EXCEPTION(106, HttpStatus.UNAUTHORIZED, "This password email combination is unknown"),
    OAUTH_KEY_EXCEPTION(107, HttpStatus.UNAUTHORIZED, "The OAuth1 consumer key is unknown"),
    OAUTH_TOKEN_EXCEPTION(108, HttpStatus.UNAUTHORIZED, "The OAuth1 token is unknown"),
    OAUTH_SIGNATURE_EXCEPTION(109, HttpStatus.UNAUTHORIZED, "The OAuth1 signature is not valid"),
    DUPLICATE_REQUEST_EXCEPTION(110, HttpStatus.UNAUTHORIZED, "This OAuth1 request was already received"),
    CALLBACK_NOT_VALID(113, HttpStatus.BAD_REQUEST, "The redirect URI is not valid for this application"),
    UNSUPPORTED_RESPONSE_TYPE(114, HttpStatus.BAD_REQUEST, "The response type is not supported"),
    AUTHORIZATION_UNKNOWN_EXCEPTION(115, HttpStatus.BAD_REQUEST, "The authorization code is unknown"),
    AUTHORIZATION_CODE_EXPIRED_EXCEPTION(116, HttpStatus.BAD_REQUEST, "The authorization code is expired"),
    ACCESS_TOKEN_UNKNOWN_EXCEPTION(117, HttpStatus.UNAUTHORIZED, "The access token is unknown"),
    ACCESS_TOKEN_EXPIRED_EXCEPTION(118, HttpStatus.UNAUTHORIZED, "The access token is expired"),
    REFRESH_TOKEN_UNKNOWN_EXCEPTION(119, HttpStatus.BAD_REQUEST, "The refresh token is unknown"),
    REFRESH_TOKEN_EXPIRED_EXCEPTION(120, HttpStatus.BAD_REQUEST, "The refresh token is expired"),
    UNSUPPORTED_GRANT_EXCEPTION(121, HttpStatus.BAD_REQUEST, "The grant type is not supported"),
    INVALID_PKCE_EXCEPTION(122, HttpStatus.BAD_REQUEST, "The PKCE code verifier does not match the challenge"),
    OAUTH2_CLIENT_ID_EXCEPTION(123, HttpStatus.UNAUTHORIZED, "The client id is unknown"),
    OAUTH2_CLIENT_SECRET_EXCEPTION(124, HttpStatus.UNAUTHORIZED, "The client secret is not valid"),
    OAUTH2_MISSING_CLIENT_CREDENTIALS_EXCEPTION(126, HttpStatus.BAD_REQUEST, "The client credentials are missing"),
    MISSING_PKCE_VERIFIER_EXCEPTION(128, HttpStatus.BAD_REQUEST, "The PKCE code verifier is missing"),
    MFA_REQUIRED_EXCEPTION(129, HttpStatus.FORBIDDEN, "Multi-factor authentication is required"),
    INVALID_MFA_CODE_EXCEPTION(130, HttpStatus.BAD_REQUEST, "The MFA code is not valid"),
    INVALID_MFA_TOKEN_EXCEPTION(131, HttpStatus.BAD_REQUEST, "The MFA token is unknown or expired"),
    INVALID_PRESENCE_TOKEN_EXCEPTION(132, HttpStatus.BAD_REQUEST, "The presence token is unknown or expired"),
    NOT_ENOUGH_MFA_METHODS_EXCEPTION(133, HttpStatus.BAD_REQUEST, "Not enough verified MFA methods"),
    MFA_REATTEMPT_DELAY_EXCEPTION(134, HttpStatus.BAD_REQUEST, "Wait before the next MFA attempt"),
    OIDC_ID_TOKEN_EXCEPTION(136, HttpStatus.SERVICE_UNAVAILABLE, "The ID token of the OIDC provider is not valid"),
    INVALID_NONCE_EXCEPTION(137, HttpStatus.BAD_REQUEST, "The nonce is not valid"),
    OIDC_PROVIDER_RESPONSE_EXCEPTION(138, HttpStatus.BAD_REQUEST, "The OIDC provider answered an error"),
    OIDC_INVALID_AUTHORIZATION_CODE_EXCEPTION(139, HttpStatus.BAD_REQUEST, "The authorization code is not valid"),
    EMAIL_UNKNOWN_EXCEPTION(202, HttpStatus.BAD_REQUEST, "This email address is unknown"),
    EMAIL_USED_EXCEPTION(203, HttpStatus.BAD_REQUEST, "This email address is already in use"),
    NOT_ACTIVATED_EXCEPTION(204, HttpStatus.BAD_REQUEST, "This account is not activated"),
    ACTIVATION_UNKNOWN_EXCEPTION(205, HttpStatus.BAD_REQUEST, "The activation is unknown or expired"),
    ALREADY_ACTIVATED_EXCEPTION(206, HttpStatus.BAD_REQUEST, "This account is already activated"),
    NEW_PASSWORD_HASH_UNKNOWN_EXCEPTION(207, HttpStatus.BAD_REQUEST, "The password reset hash is unknown or expired"),
    PASSWORD_EXCEPTION(208, HttpStatus.BAD_REQUEST, "The password is not valid"),
    LOGIN_TIMEOUT_EXCEPTION(211, HttpStatus.UNAUTHORIZED, "Too many login attempts, wait a second"),
    LOGIN_FREEZE_EXCEPTION(212, HttpStatus.UNAUTHORIZED, "Too many failed login attempts, the account is frozen for a minute"),
    TOO_MANY_FAILED_ATTEMPTS_EXCEPTION(213, HttpStatus.UNAUTHORIZED,
            "Too many failed login attempts, the account is blocked until an administrator resets it"),
    DISABLED_FOR_OIDC_USERS_EXCEPTION(215, HttpStatus.FORBIDDEN,
            "This operation is not available to users who log in with an OpenID Connect provider"),
    PIN_CODES_NOT_ENABLED_EXCEPTION(218, HttpStatus.FORBIDDEN, "PIN codes are not enabled for this request"),
    NEW_PASSWORD_PIN_CODE_UNKNOWN_EXCEPTION(219, HttpStatus.BAD_REQUEST,
            "There is no valid password reset PIN code for this account"),
    FORGOT_PASSWORD_REQUEST_LIMIT_EXCEPTION(220, HttpStatus.FORBIDDEN,
            "Too many password reset requests were made without completing one"),
    FORGOT_PASSWORD_REQUEST_TIMEOUT_EXCEPTION(221, HttpStatus.FORBIDDEN,
            "A password reset was requested too recently, try again later"),
    ACTIVATION_REQUEST_LIMIT_EXCEPTION(222, HttpStatus.FORBIDDEN,
            "Too many activation requests were made without completing one"),
    ACTIVATION_REQUEST_TIMEOUT_EXCEPTION(223, HttpStatus.FORBIDDEN,
            "An activation was requested too recently, try again later"),
    INCORRECT_PIN_CODE_EXCEPTION(224, HttpStatus.BAD_REQUEST, "The PIN code is incorrect"),
    STATUS_IN_USE_EXCEPTION(414, HttpStatus.BAD_REQUEST, "The status is used by a transition"),
    LOCKED_DOCUMENT_EXCEPTION(415, HttpStatus.BAD_REQUEST, "The document is locked by a transition in progress"),
    INVALID_SCHEMA_PATH_PARAMETER(416, HttpStatus.BAD_REQUEST, "The schema id or name in the path is invalid"),
    LOCALIZATION_KEY_MISSING_EXCEPTION(1002, HttpStatus.BAD_REQUEST, "A localization key used by the template is missing"),
    TEMPLATE_FILLING_EXCEPTION(1003, HttpStatus.BAD_REQUEST, "The content does not match the template's schema"),
    TEMPLATE_SYNTAX_EXCEPTION(1004, HttpStatus.BAD_REQUEST, "The template has a syntax error"),
    TEMPLATE_RESOLVING_EXCEPTION(1005, HttpStatus.BAD_REQUEST, "The template could not be resolved"),
    INVALID_FUNCTION_CODE_EXCEPTION(1401, HttpStatus.BAD_REQUEST, "The function code is invalid"),
    INVALID_FUNCTION_PARAMETER(1402, HttpStatus.BAD_REQUEST, "A function parameter is invalid"),
    CONCURRENT_EXECUTION_LIMIT_EXCEPTION(1403, HttpStatus.BAD_REQUEST,
            "The concurrent execution limit of the function is reached"),
    TIME_LIMIT_EXCEEDS_DIRECT_EXECUTION_MAXIMUM_EXCEPTION(1404, HttpStatus.BAD_REQUEST,
            "The time limit of the function exceeds the maximum for direct execution"),
    LAMBDA_INVOCATION_EXCEPTION(1405, HttpStatus.BAD_REQUEST, "The function could not be invoked"),
    LAMBDA_RUNTIME_EXCEPTION(1406, HttpStatus.BAD_REQUEST, "The function failed at runtime"),
    INVALID_FUNCTION_NAME(1407, HttpStatus.BAD_REQUEST, "The function name is invalid"),
    NO_TASK_LOGS_FOUND(1408, HttpStatus.BAD_REQUEST, "No logs were found for this task"),
    INVALID_API_FUNCTION_RESULT(1409, HttpStatus.BAD_REQUEST, "The API function returned an invalid result"),
    API_FUNCTION_MAXIMUM_TIME_LIMIT(1411, HttpStatus.BAD_REQUEST,
            "The time limit of the function exceeds the maximum for API functions"),
    CONCURRENT_API_FUNCTION_LIMIT_EXCEPTION(1412, HttpStatus.BAD_REQUEST,
            "The concurrent execution limit of the API function is reached"),
    NO_API_REQUEST_LOGS_FOUND(1413, HttpStatus.BAD_REQUEST, "No logs were found for this API request"),
    INVALID_TOKEN_EXCEPTION(2605, HttpStatus.BAD_REQUEST, "The file token is unknown"),
    UNAUTHORIZED_TOKEN_EXCEPTION(2606, HttpStatus.UNAUTHORIZED, "The file token does not grant this access"),
    TOKEN_NOT_DELETEABLE_EXCEPTION(2607, HttpStatus.FORBIDDEN,
            "The last token with full access to a file cannot be deleted"),
    FILE_TOO_LARGE_EXCEPTION(2610, HttpStatus.BAD_REQUEST, "The file is larger than the limit");

    /** The catalogue entry with this numeric code, if there is one. */
    public static java.util.Optional<ExhError> byCode(int code) {
        for (ExhError e : values()) {
            if (e.code == code) {
                return java.util.Optional.of(e);
            }
        }
        return java.util.Optional.empty();
    }

    private final int code;
    private final HttpStatus status;
    private final String defaultMessage;

    ExhError(int code, HttpStatus status, String defaultMessage) {
        this.code = code;
        this.status = status;
        this.defaultMessage = defaultMessage;
    }

    public int code() {
        return code;
    }

    public HttpStatus status() {
        return status;
    }

    public String defaultMessage() {
        return defaultMessage;
    }
}
