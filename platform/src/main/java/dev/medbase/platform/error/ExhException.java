package dev.medbase.platform.error;

import java.util.Map;

/**
 * An expected failure that reaches the client as the ExH error body {@code {code, name, message}} with the
 * catalogue's HTTP status. {@code extra} carries the few additional fields some errors have (e.g.
 * {@code remainingDelay}); they are written beside code, name and message.
 */
public class ExhException extends RuntimeException {

    private final ExhError error;
    private final transient Map<String, Object> extra;

    public ExhException(ExhError error) {
        this(error, error.defaultMessage());
    }

    public ExhException(ExhError error, String message) {
        this(error, message, Map.of());
    }

    public ExhException(ExhError error, String message, Map<String, Object> extra) {
        super(message, null, false, false);
        this.error = error;
        this.extra = Map.copyOf(extra);
    }

    public ExhError error() {
        return error;
    }

    public Map<String, Object> extra() {
        return extra;
    }
}
