package dev.medbase.users.groups;

import java.time.Instant;
import java.util.List;

import org.bson.types.ObjectId;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Field;

/**
 * A group role in the collection {@code group_roles}: {@code { _id, group_id: ObjectId, name (unique per group),
 * description, permissions: [string], creation_timestamp: Date, update_timestamp: Date }}. Staff members hold group
 * roles through {@code users.staff_enlistments[].roles}.
 */
public record StoredGroupRole(
        @Id ObjectId id,
        @Field("group_id") ObjectId groupId,
        String name,
        String description,
        List<String> permissions,
        @Field("creation_timestamp") Instant creationTimestamp,
        @Field("update_timestamp") Instant updateTimestamp) {

    public static final String COLLECTION = "group_roles";

    public StoredGroupRole {
        permissions = permissions == null ? List.of() : permissions;
    }
}
