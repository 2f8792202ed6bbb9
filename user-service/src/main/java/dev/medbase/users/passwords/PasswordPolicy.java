package dev.medbase.users.passwords;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The password policy on the wire and in {@code settings} ({@code _id: "password_policy"}), contract §6.1. In a
 * {@code PUT} every field is optional (SDK 8.9.1+ sends partial policies).
 */
@Schema(example = """
        {"minimum_length": 10, "maximum_length": 256, "upper_case_required": true, "lower_case_required": true,
         "symbol_required": false, "number_required": true}""")
public record PasswordPolicy(Integer minimumLength, Integer maximumLength, Boolean upperCaseRequired,
        Boolean lowerCaseRequired, Boolean symbolRequired, Boolean numberRequired) {
}
