package dev.medbase.users.settings;

/**
 * Wire and stored shape of {@code /settings/verification} (contract §6.1): whether PIN-code activation / reset
 * requests are allowed, and whether hash requests are limited (60 min lifetime, 5 initiations, 5 min apart).
 */
public record VerificationSettings(
        Boolean enablePinCodeActivationRequests,
        Boolean enablePinCodeForgotPasswordRequests,
        Boolean limitHashActivationRequests,
        Boolean limitHashForgotPasswordRequests) {
}
