package dev.medbase.auth.caller;

import java.util.Arrays;
import java.util.Set;

/**
 * Who is calling, from a verified access token: user id, application id and global permissions.
 *
 * <p>Temporary seam: the platform {@code Caller} (lead's security work) replaces this type and {@link Callers};
 * auth-service code only uses {@link #userId()}, {@link #applicationId()} and {@link #hasAny(String...)}.
 */
public record Caller(String userId, String applicationId, Set<String> permissions) {

    public boolean hasAny(String... names) {
        return Arrays.stream(names).anyMatch(permissions::contains);
    }
}
