package dev.medbase.users.verification;

import dev.medbase.platform.error.ExhError;
import dev.medbase.users.events.UserEvents;

/**
 * The two e-mail verification flows share one mechanism (requests, modes, limits) and differ in names and error
 * codes (contract §3.4, §6.2 rows 12–15).
 */
public enum VerificationKind {

    ACTIVATION("activation_requests", "activation_hash",
            ExhError.ACTIVATION_REQUEST_LIMIT_EXCEPTION, ExhError.ACTIVATION_REQUEST_TIMEOUT_EXCEPTION,
            ExhError.ACTIVATION_UNKNOWN_EXCEPTION, ExhError.ACTIVATION_UNKNOWN_EXCEPTION,
            UserEvents.ACTIVATION_REQUESTED, UserEvents.ACTIVATION_REQUEST_REMOVED),

    FORGOT_PASSWORD("forgot_password_requests", "reset_hash",
            ExhError.FORGOT_PASSWORD_REQUEST_LIMIT_EXCEPTION, ExhError.FORGOT_PASSWORD_REQUEST_TIMEOUT_EXCEPTION,
            ExhError.NEW_PASSWORD_HASH_UNKNOWN_EXCEPTION, ExhError.NEW_PASSWORD_PIN_CODE_UNKNOWN_EXCEPTION,
            UserEvents.PASSWORD_RESET_REQUESTED, UserEvents.FORGOT_PASSWORD_REQUEST_REMOVED);

    final String collection;
    /** The key of the hash in the requested event (the mail template input name). */
    final String hashKey;
    final ExhError limit;
    final ExhError timeout;
    final ExhError unknownHash;
    final ExhError unknownPin;
    final String requestedEvent;
    final String removedEvent;

    VerificationKind(String collection, String hashKey, ExhError limit, ExhError timeout, ExhError unknownHash,
            ExhError unknownPin, String requestedEvent, String removedEvent) {
        this.collection = collection;
        this.hashKey = hashKey;
        this.limit = limit;
        this.timeout = timeout;
        this.unknownHash = unknownHash;
        this.unknownPin = unknownPin;
        this.requestedEvent = requestedEvent;
        this.removedEvent = removedEvent;
    }

    public String collection() {
        return collection;
    }
}
