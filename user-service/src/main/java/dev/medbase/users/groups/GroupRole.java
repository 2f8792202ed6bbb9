package dev.medbase.users.groups;

import java.util.List;

import dev.medbase.users.web.Ids;
import dev.medbase.users.web.Times;

/** A group role on the wire (contract §6.1): unlike global roles, permissions are plain strings. */
public record GroupRole(String id, String groupId, String name, String description, List<String> permissions,
        Long creationTimestamp, Long updateTimestamp) {

    public static GroupRole of(StoredGroupRole role) {
        return new GroupRole(Ids.hex(role.id()), Ids.hex(role.groupId()), role.name(), role.description(),
                role.permissions(), Times.millis(role.creationTimestamp()), Times.millis(role.updateTimestamp()));
    }
}
