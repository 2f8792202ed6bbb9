package dev.medbase.platform.error;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns every exception a controller can throw into the ExH error body {@code {code, name, message}} (contract §3.1).
 * Expected failures keep their 4xx; anything unforeseen becomes {@code 500 SERVER_EXCEPTION} with a generic message
 * (the stack trace goes to the log, never to the wire).
 */
@RestControllerAdvice
public class ExhErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(ExhErrorHandler.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The wire body: code, name and message first, then any extra fields of the error. */
    public static Map<String, Object> body(ExhError error, String message, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", error.code());
        body.put("name", error.name());
        body.put("message", message);
        body.putAll(extra);
        return body;
    }

    /** For filters, which answer before any controller (and this advice) is involved. */
    public static void write(HttpServletResponse response, HttpStatusCode status, ExhError error, String message)
            throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        JSON.writeValue(response.getOutputStream(), body(error, message, Map.of()));
    }

    public static ResponseEntity<Map<String, Object>> response(ExhError error, String message) {
        return response(error.status(), error, message);
    }

    private static ResponseEntity<Map<String, Object>> response(HttpStatus status, ExhError error, String message) {
        return ResponseEntity.status(status).body(body(error, message, Map.of()));
    }

    @ExceptionHandler(ExhException.class)
    public ResponseEntity<Map<String, Object>> exh(ExhException e) {
        return ResponseEntity.status(e.error().status()).body(body(e.error(), e.getMessage(), e.extra()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    public ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof ExhException exh) {
            return exh(exh);
        }
        if (cause instanceof BodyTooLargeException tooLarge) {
            return tooLarge(tooLarge);
        }
        if (cause instanceof UnrecognizedPropertyException u) {
            return response(ExhError.FIELD_FORMAT_EXCEPTION, "Unknown field '" + path(u) + "'");
        }
        if (cause instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            return response(ExhError.FIELD_FORMAT_EXCEPTION, "Field '" + path(m) + "' has the wrong type");
        }
        if (cause instanceof StreamReadException || cause instanceof JacksonException) {
            return response(ExhError.BODY_FORMAT_EXCEPTION, "The request body is not valid JSON");
        }
        if (e.getMessage() != null && e.getMessage().startsWith("Required request body is missing")) {
            return response(ExhError.EMPTY_BODY_EXCEPTION, ExhError.EMPTY_BODY_EXCEPTION.defaultMessage());
        }
        return response(ExhError.BODY_FORMAT_EXCEPTION, ExhError.BODY_FORMAT_EXCEPTION.defaultMessage());
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    public ResponseEntity<Map<String, Object>> invalid(MethodArgumentNotValidException e) {
        List<FieldError> errors = e.getBindingResult().getFieldErrors();
        boolean missing = errors.stream().anyMatch(f -> f.getRejectedValue() == null);
        String fields = errors.stream().map(f -> f.getField() + " " + f.getDefaultMessage())
                .collect(Collectors.joining(", "));
        return response(missing ? ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION : ExhError.FIELD_FORMAT_EXCEPTION,
                fields.isEmpty() ? "The request body is invalid" : fields);
    }

    @ExceptionHandler(HandlerMethodValidationException.class)
    public ResponseEntity<Map<String, Object>> invalidArguments(HandlerMethodValidationException e) {
        return response(ExhError.FIELD_FORMAT_EXCEPTION, "A request parameter is invalid");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    public ResponseEntity<Map<String, Object>> typeMismatch(MethodArgumentTypeMismatchException e) {
        return response(ExhError.FIELD_FORMAT_EXCEPTION, "Parameter '" + e.getName() + "' has an invalid format");
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MissingRequestHeaderException.class})
    public ResponseEntity<Map<String, Object>> missingParameter(Exception e) {
        return response(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION, e.getMessage());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    public ResponseEntity<Map<String, Object>> unsupportedMediaType(HttpMediaTypeNotSupportedException e) {
        return response(HttpStatus.UNSUPPORTED_MEDIA_TYPE, ExhError.BODY_FORMAT_EXCEPTION,
                "Content type '" + e.getContentType() + "' is not supported, use application/json");
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    public ResponseEntity<Map<String, Object>> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return response(HttpStatus.NOT_ACCEPTABLE, ExhError.ILLEGAL_ARGUMENT_EXCEPTION,
                "The requested response type is not available");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    public ResponseEntity<Map<String, Object>> methodNotAllowed(HttpRequestMethodNotSupportedException e) {
        return response(HttpStatus.METHOD_NOT_ALLOWED, ExhError.RESOURCE_UNKNOWN_EXCEPTION,
                "Method " + e.getMethod() + " is not supported on this resource");
    }

    @ExceptionHandler({NoHandlerFoundException.class, NoResourceFoundException.class})
    public ResponseEntity<Map<String, Object>> unknownRoute(Exception e) {
        return response(ExhError.RESOURCE_UNKNOWN_EXCEPTION, ExhError.RESOURCE_UNKNOWN_EXCEPTION.defaultMessage());
    }

    @ExceptionHandler({MaxUploadSizeExceededException.class, BodyTooLargeException.class})
    public ResponseEntity<Map<String, Object>> tooLarge(Exception e) {
        return response(HttpStatus.CONTENT_TOO_LARGE, ExhError.BODY_FORMAT_EXCEPTION,
                e instanceof BodyTooLargeException ? e.getMessage() : "The request body is too large");
    }

    @ExceptionHandler(Exception.class)
    public ResponseEntity<Map<String, Object>> unexpected(Exception e) {
        if (clientWentAway(e)) {
            // the caller closed the connection mid-request: nobody to answer, nothing failed on our side
            log.debug("Client went away: {}", e.toString());
            return null;
        }
        log.error("Unexpected failure", e);
        return response(ExhError.SERVER_EXCEPTION, ExhError.SERVER_EXCEPTION.defaultMessage());
    }

    private static boolean clientWentAway(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AsyncRequestNotUsableException
                    || t.getClass().getName().equals("org.apache.catalina.connector.ClientAbortException")) {
                return true;
            }
        }
        return false;
    }

    private static String path(JacksonException e) {
        return e.getPath().stream()
                .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
