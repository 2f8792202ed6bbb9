package dev.medbase.platform.error;

import java.util.Map;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Boot's white-label {@code /error} page: failures that happen outside a controller (in a filter, in the
 * container) still reach the client as an ExH error body, never as HTML or a stack trace.
 */
@RestController
public class ExhErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    public ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
        Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (exception instanceof ExhException exh) {
            return ResponseEntity.status(exh.error().status())
                    .body(ExhErrorHandler.body(exh.error(), exh.getMessage(), exh.extra()));
        }
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer c ? HttpStatus.resolve(c) : null;
        if (status == null) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
        }
        ExhError error = switch (status) {
            case NOT_FOUND, METHOD_NOT_ALLOWED -> ExhError.RESOURCE_UNKNOWN_EXCEPTION;
            case UNAUTHORIZED -> ExhError.USER_NOT_AUTHENTICATED_EXCEPTION;
            case FORBIDDEN -> ExhError.NO_PERMISSION_EXCEPTION;
            default -> status.is4xxClientError() ? ExhError.BODY_FORMAT_EXCEPTION : ExhError.SERVER_EXCEPTION;
        };
        String message = status.is4xxClientError() ? status.getReasonPhrase() : error.defaultMessage();
        return ResponseEntity.status(status).body(ExhErrorHandler.body(error, message, Map.of()));
    }
}
