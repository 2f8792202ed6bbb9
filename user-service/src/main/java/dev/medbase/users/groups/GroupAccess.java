package dev.medbase.users.groups;

import org.bson.types.ObjectId;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.security.Caller;

/** Group-scoped permission checks: a global permission, or the same permission from a group role in that group. */
final class GroupAccess {

    private GroupAccess() {
    }

    /** 104 anonymous; 10 without {@code permission} globally or in the group. */
    static void require(Caller caller, ObjectId group, String permission) {
        caller.requireUser();
        if (!caller.hasPermission(permission) && !caller.hasGroupPermission(group.toHexString(), permission)) {
            throw new ExhException(ExhError.NO_PERMISSION_EXCEPTION, "Permission " + permission
                    + " is required, globally or in group " + group.toHexString());
        }
    }
}
