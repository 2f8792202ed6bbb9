package dev.medbase.data.support;

import java.util.function.Supplier;

import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoOperationTimeoutException;
import org.springframework.dao.DataAccessException;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Queries run with {@code maxTimeMS} ({@code medbase.data.max-query-time}); one that MongoDB stops for taking too long
 * ends as 21 LONG_QUERY_EXCEPTION (§4.6), not as a server error.
 */
public final class QueryTimeouts {

    private QueryTimeouts() {
    }

    public static <T> T guard(Supplier<T> query) {
        try {
            return query.get();
        } catch (RuntimeException e) {
            if (isTimeout(e)) {
                throw longQuery();
            }
            throw e;
        }
    }

    public static ExhException longQuery() {
        return new ExhException(ExhError.LONG_QUERY_EXCEPTION,
                "The query took too long; narrow it down or add an index");
    }

    public static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MongoExecutionTimeoutException || t instanceof MongoOperationTimeoutException) {
                return true;
            }
            if (t instanceof com.mongodb.MongoCommandException c && c.getErrorCode() == 50) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return e instanceof DataAccessException && e.getMessage() != null
                && e.getMessage().contains("MaxTimeMSExpired");
    }
}
