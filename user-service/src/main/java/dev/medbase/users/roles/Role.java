package dev.medbase.users.roles;

import java.util.List;

import dev.medbase.users.web.Ids;
import dev.medbase.users.web.Times;

/** A global role on the wire (contract §6.1): permissions are {@code {name, description}} objects. */
public record Role(String id, String name, String description, List<GlobalPermission> permissions,
        Long creationTimestamp, Long updateTimestamp) {

    public static Role of(StoredRole role) {
        return new Role(Ids.hex(role.id()), role.name(), role.description(),
                role.permissions().stream().map(GlobalPermission::of).toList(),
                Times.millis(role.creationTimestamp()), Times.millis(role.updateTimestamp()));
    }
}
