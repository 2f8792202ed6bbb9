package dev.medbase.users.roles;

import dev.medbase.users.permissions.Permission;

/** {@code {name, description}}: how global role permissions and the permission catalogue appear on the wire. */
public record GlobalPermission(String name, String description) {

    public static GlobalPermission of(String name) {
        return new GlobalPermission(name, Permission.describe(name));
    }
}
