package dev.medbase.users.verification;

import java.time.Instant;

import org.bson.types.ObjectId;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Field;

/**
 * One account's open activation or password-reset request, in {@code activation_requests} or
 * {@code forgot_password_requests} (one document per user, unique {@code user_id}):
 * <pre>
 * { _id, user_id: ObjectId, mode: "hash"|"pin_code",
 *   digest?: hex SHA-256 of the hash (hash mode; indexed, so a hash finds its request),
 *   pin_hash?: "{bcrypt}…" of the PIN code (PIN mode; 8 digits are too few for a plain digest),
 *   reactivation?: true when it follows an e-mail change,
 *   request_count, last_request_timestamp, failed_attempts, last_failed_attempt_timestamp?,
 *   expiry_timestamp? (absent: never expires), creation_timestamp, update_timestamp }
 * </pre>
 * Neither the hash nor the PIN is stored in clear or returned by any endpoint; they travel only in the
 * {@code activation_requested} / {@code password_reset_requested} events for the mail service. The document is
 * deleted when the flow completes (or by an administrator, which resets the limits).
 */
public record StoredVerificationRequest(
        @Id ObjectId id,
        @Field("user_id") ObjectId userId,
        String mode,
        String digest,
        @Field("pin_hash") String pinHash,
        Boolean reactivation,
        @Field("request_count") Integer requestCount,
        @Field("last_request_timestamp") Instant lastRequestTimestamp,
        @Field("failed_attempts") Integer failedAttempts,
        @Field("last_failed_attempt_timestamp") Instant lastFailedAttemptTimestamp,
        @Field("expiry_timestamp") Instant expiryTimestamp,
        @Field("creation_timestamp") Instant creationTimestamp,
        @Field("update_timestamp") Instant updateTimestamp) {

    public int requests() {
        return requestCount == null ? 0 : requestCount;
    }

    public int failures() {
        return failedAttempts == null ? 0 : failedAttempts;
    }

    public boolean expiredAt(Instant now) {
        return expiryTimestamp != null && !now.isBefore(expiryTimestamp);
    }
}
