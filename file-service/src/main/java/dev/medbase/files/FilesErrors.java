package dev.medbase.files;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.medbase.files.files.FilesController;
import dev.medbase.files.storage.StorageException;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhErrorHandler;

/** The file service's own failures, ahead of the platform's catch-all handler. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class FilesErrors {

    private static final Logger log = LoggerFactory.getLogger(FilesErrors.class);

    /** An ExH error with a status other than the catalogue's (the tus endpoints speak HTTP statuses of their own). */
    public static class StatusException extends RuntimeException {
        private final int status;
        private final ExhError error;
        private final transient Map<String, String> headers;

        public StatusException(int status, ExhError error, String message) {
            this(status, error, message, Map.of());
        }

        public StatusException(int status, ExhError error, String message, Map<String, String> headers) {
            super(message, null, false, false);
            this.status = status;
            this.error = error;
            this.headers = Map.copyOf(headers);
        }
    }

    @ExceptionHandler(StatusException.class)
    public ResponseEntity<Map<String, Object>> status(StatusException e) {
        HttpHeaders headers = new HttpHeaders();
        e.headers.forEach(headers::set);
        return ResponseEntity.status(e.status).headers(headers)
                .body(ExhErrorHandler.body(e.error, e.getMessage(), Map.of()));
    }

    @ExceptionHandler(StorageException.class)
    public ResponseEntity<Map<String, Object>> storage(StorageException e) {
        log.error("File storage failure", e);
        return ExhErrorHandler.response(ExhError.SERVER_EXCEPTION, "The file storage failed");
    }

    /**
     * Rethrown on purpose: no handler may answer a download that is already half sent. The exception then reaches
     * the servlet container, which closes the connection.
     */
    @ExceptionHandler(FilesController.DownloadInterrupted.class)
    public void interrupted(FilesController.DownloadInterrupted e) {
        throw e;
    }
}
