package dev.medbase.platform.security;

import java.util.Map;
import java.util.Set;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Who is calling, as the verified access token says (ARCHITECTURE §5): the user, the application, the user's global
 * permissions, the groups the user is a patient of, and per group where the user is staff, the permissions of their
 * group roles. Services authorize from this alone; a controller gets it as a method parameter.
 *
 * <p>Scoped permissions: {@code hasPermission("VIEW_DOCUMENTS", "bp")} holds for {@code VIEW_DOCUMENTS} and for
 * {@code VIEW_DOCUMENTS:bp}; with two scopes ({@code TRANSITION_DOCUMENTS, bp, submit}) also for
 * {@code TRANSITION_DOCUMENTS:bp:submit} (contract Appendix A).
 */
public record Caller(String userId, String applicationId, Set<String> permissions, Set<String> patientGroups,
        Map<String, Set<String>> staffGroups) {

    private static final Caller ANONYMOUS = new Caller(null, null, Set.of(), Set.of(), Map.of());

    public Caller {
        permissions = Set.copyOf(permissions);
        patientGroups = Set.copyOf(patientGroups);
        staffGroups = Map.copyOf(staffGroups);
    }

    public static Caller anonymous() {
        return ANONYMOUS;
    }

    public boolean isAuthenticated() {
        return userId != null;
    }

    /** The global permission, or one of its scoped forms for the given scope path. */
    public boolean hasPermission(String permission, String... scopes) {
        return matches(permissions, permission, scopes);
    }

    /** Whether the caller is staff of the group with a group role granting the permission (or a scoped form). */
    public boolean hasGroupPermission(String groupId, String permission, String... scopes) {
        Set<String> granted = staffGroups.get(groupId);
        return granted != null && matches(granted, permission, scopes);
    }

    public boolean isStaffOf(String groupId) {
        return staffGroups.containsKey(groupId);
    }

    public boolean isPatientOf(String groupId) {
        return patientGroups.contains(groupId);
    }

    /** 104 when anonymous. */
    public Caller requireUser() {
        if (!isAuthenticated()) {
            throw new ExhException(ExhError.USER_NOT_AUTHENTICATED_EXCEPTION);
        }
        return this;
    }

    /** 104 when anonymous, 10 without the permission. */
    public Caller requirePermission(String permission, String... scopes) {
        requireUser();
        if (!hasPermission(permission, scopes)) {
            throw new ExhException(ExhError.NO_PERMISSION_EXCEPTION, "Permission " + permission + " is required");
        }
        return this;
    }

    private static boolean matches(Set<String> granted, String permission, String... scopes) {
        if (granted.contains(permission)) {
            return true;
        }
        StringBuilder scoped = new StringBuilder(permission);
        for (String scope : scopes) {
            scoped.append(':').append(scope);
            if (granted.contains(scoped.toString())) {
                return true;
            }
        }
        return false;
    }
}
