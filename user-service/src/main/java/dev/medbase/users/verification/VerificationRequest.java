package dev.medbase.users.verification;

import dev.medbase.users.web.Ids;
import dev.medbase.users.web.Times;

/** ActivationRequest / ForgotPasswordRequest on the wire (contract §6.1). */
public record VerificationRequest(String id, String userId, String mode, Integer requestCount,
        Long lastRequestTimestamp, Integer failedAttempts, Long lastFailedAttemptTimestamp, Long expiryTimestamp,
        Long creationTimestamp, Long updateTimestamp) {

    static VerificationRequest of(StoredVerificationRequest r) {
        return new VerificationRequest(Ids.hex(r.id()), Ids.hex(r.userId()), r.mode(), r.requestCount(),
                Times.millis(r.lastRequestTimestamp()), r.failedAttempts(),
                Times.millis(r.lastFailedAttemptTimestamp()), Times.millis(r.expiryTimestamp()),
                Times.millis(r.creationTimestamp()), Times.millis(r.updateTimestamp()));
    }
}
