package dev.medbase.users.passwords;

/**
 * The password policy on the wire and in {@code settings} ({@code _id: "password_policy"}), contract §6.1. In a
 * {@code PUT} every field is optional (SDK 8.9.1+ sends partial policies).
 */
public record PasswordPolicy(Integer minimumLength, Integer maximumLength, Boolean upperCaseRequired,
        Boolean lowerCaseRequired, Boolean symbolRequired, Boolean numberRequired) {
}
