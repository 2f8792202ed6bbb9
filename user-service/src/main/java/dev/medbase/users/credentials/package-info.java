/**
 * The internal credentials seam between auth-service and user-service (ARCHITECTURE §5). Not routed by the gateway,
 * which only forwards {@code /users/v1/**}; auth-service calls it at {@code medbase.services.users}
 * ({@code MEDBASE_SERVICES_USERS}, default {@code http://127.0.0.1:8082}).
 *
 * <pre>
 * POST /internal/credentials/verify   {"email": "...", "password": "..."}
 *   200 {"userId": "&lt;ObjectId hex&gt;"}
 *   401 {code:106, AUTHENTICATION_EXCEPTION}        unknown e-mail or wrong password (same body, similar timing)
 *   401 {code:211, LOGIN_TIMEOUT_EXCEPTION}         less than 1 s since this account's last failed attempt
 *   401 {code:212, LOGIN_FREEZE_EXCEPTION}          60 s freeze after every 10th consecutive failure
 *   401 {code:213, TOO_MANY_FAILED_ATTEMPTS_EXCEPTION}  50 failures: blocked until an admin resets failed_count
 *   400 {code:13|14|15|22}                          empty body, missing field, oversized field, malformed JSON
 * POST /internal/credentials/verify   {"userId": "...", "password": "..."}   (presence confirmation, auth §5.4)
 *   same answers, same throttling and failure counting; an unknown user id is 106
 *
 * POST /internal/users/oidc   {"email", "firstName"?, "lastName"?}   (first OpenID Connect login, auth §5.6)
 *   200 {"userId"}                                   an active user without a password, oidc_linked: true
 *   400 {code:203, EMAIL_USED_EXCEPTION}             the address belongs to an existing user
 *   400 {code:14|15}                                 missing or malformed e-mail
 *
 * POST /internal/users/{id}/oidc/link     (an existing user links to an OIDC provider, auth §5.6)
 *   200 {"userId"}                                   password and open password-reset request removed, oidc_linked: true
 *   400 {code:12} / 404 {code:16}                    malformed / unknown user id
 * POST /internal/users/{id}/oidc/unlink   (an administrator unlinks the user)
 *   200 {"userId"}                                   oidc_linked: false; a password-reset request is started whose
 *                                                    password_reset_requested event has oidc_unlink: true (the mail)
 *   400 {code:27} / 404 {code:16}                    the user is not linked / unknown user id
 *
 * GET /internal/users/{id}/claims
 *   200 {"userId", "permissions": [global permission strings of the user's roles],
 *        "patientGroups": [group ids], "staffGroups": {"&lt;groupId&gt;": [group-role permission strings]}}
 *   404 {code:16, RESOURCE_UNKNOWN_EXCEPTION}       unknown (or malformed) user id
 * </pre>
 * The wire keys are camelCase and pinned with {@code @JsonProperty}, so a service-wide snake_case naming strategy
 * cannot change this contract. The client side lives in auth-service, {@code dev.medbase.auth.users}.
 */
package dev.medbase.users.credentials;
