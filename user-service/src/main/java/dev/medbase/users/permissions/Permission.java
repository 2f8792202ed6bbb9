package dev.medbase.users.permissions;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Every global permission the platform checks (contract Appendix A). The bootstrap admin role holds all of them, and
 * {@code GET /users/v1/permissions} lists them. Scoped forms ({@code VIEW_DOCUMENTS:bp}) are checked by the services
 * and need no entry here.
 */
public enum Permission {
    // auth
    CREATE_APPLICATIONS, VIEW_APPLICATIONS, UPDATE_APPLICATIONS, DELETE_APPLICATIONS, ADD_APPLICATION_VERSION,
    REMOVE_APPLICATION_VERSION, VIEW_AUTHORIZATIONS, DELETE_AUTHORIZATIONS, VIEW_USER_MFA_SETTINGS,
    UPDATE_USER_MFA_SETTINGS, CREATE_OIDC_PROVIDER, VIEW_OIDC_PROVIDERS, UPDATE_OIDC_PROVIDER, DELETE_OIDC_PROVIDER,
    VIEW_OIDC_LOGIN_ATTEMPTS, UNLINK_USER_FROM_OIDC,
    // users
    VIEW_USER, UPDATE_USER, UPDATE_USER_EMAIL, DELETE_USER, RESET_FAILED_LOGIN_ATTEMPTS, UPDATE_PROFILE_IMAGE,
    CREATE_ROLE, VIEW_ROLE, UPDATE_ROLE, DELETE_ROLE, ADD_ROLE_PERMISSION, REMOVE_ROLE_PERMISSION, ADD_ROLE_TO_USER,
    REMOVE_ROLE_FROM_USER, VIEW_GROUP, CREATE_GROUP_ROLE, UPDATE_GROUP_ROLE, DELETE_GROUP_ROLE,
    ADD_GROUP_ROLE_PERMISSION, REMOVE_GROUP_ROLE_PERMISSION, ADD_GROUP_ROLE_TO_STAFF, REMOVE_GROUP_ROLE_FROM_STAFF,
    VIEW_STAFF, ADD_STAFF, REMOVE_STAFF, VIEW_PATIENTS, ADD_PATIENT, REMOVE_PATIENT, UPDATE_PASSWORD_POLICY,
    VIEW_USER_SERVICE_EMAIL_TEMPLATES, UPDATE_USER_SERVICE_EMAIL_TEMPLATES, VIEW_USER_VERIFICATION_SETTINGS,
    UPDATE_USER_VERIFICATION_SETTINGS, VIEW_ACTIVATION_REQUESTS, DELETE_ACTIVATION_REQUEST,
    VIEW_FORGOT_PASSWORD_REQUESTS, DELETE_FORGOT_PASSWORD_REQUEST,
    // data
    CREATE_SCHEMAS, UPDATE_SCHEMAS, DELETE_SCHEMAS, DISABLE_SCHEMAS, CREATE_DOCUMENTS, VIEW_DOCUMENTS,
    UPDATE_DOCUMENTS, TRANSITION_DOCUMENTS, DELETE_DOCUMENTS, UPDATE_ACCESS_TO_DOCUMENT, CREATE_DOCUMENT_COMMENTS,
    VIEW_DOCUMENT_COMMENTS, UPDATE_DOCUMENT_COMMENTS,
    // files
    VIEW_FILES, VIEW_FILE_SERVICE_SETTINGS, UPDATE_FILE_SERVICE_SETTINGS,
    // tasks
    VIEW_TASKS, CREATE_TASKS, CANCEL_TASKS, VIEW_TASK_LOGS, EXECUTE_TASK_FUNCTION, EXECUTE_API_FUNCTION,
    VIEW_TASK_SCHEDULES, CREATE_TASK_SCHEDULE, DELETE_TASK_SCHEDULE, VIEW_TASK_FUNCTIONS, VIEW_TASK_FUNCTION_DETAILS,
    CREATE_TASK_FUNCTION, UPDATE_TASK_FUNCTION, DELETE_TASK_FUNCTION, VIEW_TASK_FUNCTION_LOGS,
    VIEW_API_FUNCTION_REQUESTS, VIEW_API_FUNCTION_REQUEST_LOGS,
    // events, dispatchers and webhooks
    VIEW_EVENTS, CREATE_EVENTS, VIEW_SUBSCRIPTIONS, CREATE_SUBSCRIPTIONS, VIEW_DISPATCHERS, CREATE_DISPATCHERS,
    UPDATE_DISPATCHERS, DELETE_DISPATCHERS, VIEW_WEBHOOKS, CREATE_WEBHOOKS, UPDATE_WEBHOOKS, DELETE_WEBHOOKS,
    // mail and templates
    SEND_MAILS, VIEW_MAILS, DELETE_MAILS, VIEW_TEMPLATES, CREATE_TEMPLATES, UPDATE_TEMPLATES, DELETE_TEMPLATES;

    /** A readable description, e.g. {@code VIEW_USER} → "View user". */
    public String description() {
        return describe(name());
    }

    /**
     * The description of any permission string, including those apps define themselves and scoped forms:
     * {@code VIEW_DOCUMENTS:bp} → "View documents (bp)".
     */
    public static String describe(String permission) {
        if (permission == null || permission.isEmpty()) {
            return "";
        }
        int colon = permission.indexOf(':');
        String base = colon < 0 ? permission : permission.substring(0, colon);
        String words = base.replace('_', ' ').toLowerCase(Locale.ROOT);
        String text = words.isEmpty() ? "" : Character.toUpperCase(words.charAt(0)) + words.substring(1);
        return colon < 0 ? text : text + " (" + permission.substring(colon + 1).replace(":", ", ") + ")";
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Enum::name).toList();
    }
}
