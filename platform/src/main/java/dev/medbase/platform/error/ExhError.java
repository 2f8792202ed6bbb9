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
    ACCESS_TOKEN_UNKNOWN_EXCEPTION(117, HttpStatus.UNAUTHORIZED, "The access token is unknown"),
    ACCESS_TOKEN_EXPIRED_EXCEPTION(118, HttpStatus.UNAUTHORIZED, "The access token is expired"),
    STATUS_IN_USE_EXCEPTION(414, HttpStatus.BAD_REQUEST, "The status is used by a transition"),
    LOCKED_DOCUMENT_EXCEPTION(415, HttpStatus.BAD_REQUEST, "The document is locked by a transition in progress"),
    INVALID_SCHEMA_PATH_PARAMETER(416, HttpStatus.BAD_REQUEST, "The schema id or name in the path is invalid");

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
