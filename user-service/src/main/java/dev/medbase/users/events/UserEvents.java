package dev.medbase.users.events;

/**
 * The event types user-service publishes on {@code medbase.users} (contents in {@code docs/events-users.md}). The
 * first seven are Extra Horizon system events; the others are Medbase's, named in the same style.
 */
public final class UserEvents {

    // Extra Horizon system events
    public static final String USER_CREATED = "user_created";
    public static final String USER_DELETED = "user_deleted";
    public static final String PATIENT_ENLISTMENT_ADDED = "patient_enlistment_added";
    public static final String PATIENT_ENLISTMENT_REMOVED = "patient_enlistment_removed";
    public static final String PASSWORD_RESET_COMPLETED = "password_reset_completed";
    public static final String PASSWORD_UPDATE_COMPLETED = "password_update_completed";
    public static final String USER_ACTIVATION_COMPLETED = "user_activation_completed";

    // users
    public static final String USER_UPDATED = "user_updated";
    public static final String USER_EMAIL_UPDATED = "user_email_updated";
    public static final String FAILED_LOGIN_ATTEMPTS_RESET = "failed_login_attempts_reset";
    public static final String USER_OIDC_LINKED = "user_oidc_linked";
    public static final String USER_OIDC_UNLINKED = "user_oidc_unlinked";
    /** Carries what the activation mail needs, including the hash or PIN code (the mail service sends it). */
    public static final String ACTIVATION_REQUESTED = "activation_requested";
    /** Carries what the password-reset mail needs, including the hash or PIN code. */
    public static final String PASSWORD_RESET_REQUESTED = "password_reset_requested";
    public static final String ACTIVATION_REQUEST_REMOVED = "activation_request_removed";
    public static final String FORGOT_PASSWORD_REQUEST_REMOVED = "forgot_password_request_removed";

    // global roles
    public static final String ROLE_CREATED = "role_created";
    public static final String ROLE_UPDATED = "role_updated";
    public static final String ROLE_DELETED = "role_deleted";
    public static final String ROLE_PERMISSIONS_ADDED = "role_permissions_added";
    public static final String ROLE_PERMISSIONS_REMOVED = "role_permissions_removed";
    public static final String USER_ROLES_ADDED = "user_roles_added";
    public static final String USER_ROLES_REMOVED = "user_roles_removed";

    // groups
    public static final String GROUP_ROLE_CREATED = "group_role_created";
    public static final String GROUP_ROLE_UPDATED = "group_role_updated";
    public static final String GROUP_ROLE_DELETED = "group_role_deleted";
    public static final String GROUP_ROLE_PERMISSIONS_ADDED = "group_role_permissions_added";
    public static final String GROUP_ROLE_PERMISSIONS_REMOVED = "group_role_permissions_removed";
    public static final String STAFF_ENLISTMENT_ADDED = "staff_enlistment_added";
    public static final String STAFF_ENLISTMENT_REMOVED = "staff_enlistment_removed";
    public static final String STAFF_ROLES_ADDED = "staff_roles_added";
    public static final String STAFF_ROLES_REMOVED = "staff_roles_removed";

    // settings
    public static final String PASSWORD_POLICY_UPDATED = "password_policy_updated";
    public static final String VERIFICATION_SETTINGS_UPDATED = "verification_settings_updated";
    public static final String EMAIL_TEMPLATES_UPDATED = "email_templates_updated";

    private UserEvents() {
    }
}
