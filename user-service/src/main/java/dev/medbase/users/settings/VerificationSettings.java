package dev.medbase.users.settings;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Wire and stored shape of {@code /settings/verification} (contract §6.1): whether PIN-code activation / reset
 * requests are allowed, and whether hash requests are limited (60 min lifetime, 5 initiations, 5 min apart).
 */
@Schema(example = """
        {"enable_pin_code_activation_requests": true, "enable_pin_code_forgot_password_requests": true,
         "limit_hash_activation_requests": true, "limit_hash_forgot_password_requests": true}""")
public record VerificationSettings(
        Boolean enablePinCodeActivationRequests,
        Boolean enablePinCodeForgotPasswordRequests,
        Boolean limitHashActivationRequests,
        Boolean limitHashForgotPasswordRequests) {
}
