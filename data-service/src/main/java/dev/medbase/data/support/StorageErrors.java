package dev.medbase.data.support;

import java.util.Map;

import com.mongodb.MongoException;
import org.bson.BsonMaximumSizeExceededException;
import org.bson.BsonSerializationException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhErrorHandler;

/**
 * Storage failures a client can cause get ExH 4xx errors instead of 500: documents over MongoDB's 16 MB limit (26),
 * unique index violations (17), queries over the time limit (21). Anything else is a 500 SERVER_EXCEPTION (logged).
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class StorageErrors {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StorageErrors.class);

    @ExceptionHandler({DataAccessException.class, MongoException.class, BsonSerializationException.class})
    public ResponseEntity<Map<String, Object>> storage(RuntimeException e) {
        if (QueryTimeouts.isTimeout(e)) {
            return ExhErrorHandler.response(ExhError.LONG_QUERY_EXCEPTION, QueryTimeouts.longQuery().getMessage());
        }
        if (e instanceof DuplicateKeyException || (e instanceof MongoException m && m.getCode() == 11000)) {
            return ExhErrorHandler.response(ExhError.RESOURCE_ALREADY_EXISTS_EXCEPTION,
                    "A document with the same values for a unique index already exists");
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BsonMaximumSizeExceededException || t instanceof BsonSerializationException
                    && String.valueOf(t.getMessage()).contains("size")) {
                return ExhErrorHandler.response(ExhError.ILLEGAL_ARGUMENT_EXCEPTION,
                        "The document is larger than the storage limit of 16 MB");
            }
        }
        log.error("Storage failure", e);
        return ExhErrorHandler.response(ExhError.SERVER_EXCEPTION, ExhError.SERVER_EXCEPTION.defaultMessage());
    }
}
