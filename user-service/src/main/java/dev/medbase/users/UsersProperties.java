package dev.medbase.users;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code medbase.users.*}: the limits of the activation and password-reset flows and the defaults of the settings
 * an administrator can change at run time ({@code PUT /users/v1/settings/verification}, {@code /password_policy}).
 *
 * @param requireEmailTemplates when true, the activation and password-reset request endpoints answer
 *                              {@code 27 ILLEGAL_STATE_EXCEPTION} unless the matching e-mail template is configured
 *                              (Extra Horizon's behaviour); when false (default) the events are emitted anyway and the
 *                              mail service falls back to its built-in template
 * @param verification          limits of the activation and password-reset flows (contract §6.2 notes)
 * @param defaults              initial values of the run-time settings
 */
@ConfigurationProperties("medbase.users")
public record UsersProperties(
        @DefaultValue("false") boolean requireEmailTemplates,
        @DefaultValue Verification verification,
        @DefaultValue Defaults defaults) {

    /**
     * @param hashLifetime      how long an activation / reset hash is valid when hash limiting is on
     * @param pinLifetime       how long a PIN code is valid
     * @param minInterval       the least time between two initiations for one account
     * @param maxHashRequests   initiations (hash mode) without completing one before the account is refused
     * @param maxPinRequests    initiations (PIN mode) without completing one
     * @param maxPinAttempts    wrong PIN entries before a PIN is void
     */
    public record Verification(
            @DefaultValue("60m") Duration hashLifetime,
            @DefaultValue("15m") Duration pinLifetime,
            @DefaultValue("5m") Duration minInterval,
            @DefaultValue("5") int maxHashRequests,
            @DefaultValue("3") int maxPinRequests,
            @DefaultValue("3") int maxPinAttempts) {
    }

    /**
     * @param limitHashRequests       initial {@code limit_hash_activation_requests} and
     *                                {@code limit_hash_forgot_password_requests} (Extra Horizon: on for new
     *                                environments)
     * @param enablePinCodes          initial {@code enable_pin_code_*_requests}
     * @param passwordMinimumLength   initial password policy minimum length
     * @param passwordMaximumLength   initial password policy maximum length
     */
    public record Defaults(
            @DefaultValue("true") boolean limitHashRequests,
            @DefaultValue("false") boolean enablePinCodes,
            @DefaultValue("8") int passwordMinimumLength,
            @DefaultValue("128") int passwordMaximumLength) {
    }
}
