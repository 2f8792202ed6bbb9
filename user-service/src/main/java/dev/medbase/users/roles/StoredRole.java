package dev.medbase.users.roles;

import java.time.Instant;
import java.util.List;

import org.bson.types.ObjectId;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Field;

/**
 * A global role in the collection {@code roles}: {@code { _id, name (unique), description, permissions: [string],
 * creation_timestamp: Date, update_timestamp: Date }}. Permissions are stored as plain strings; the wire shows them
 * as {@code {name, description}} objects.
 */
public record StoredRole(
        @Id ObjectId id,
        String name,
        String description,
        List<String> permissions,
        @Field("creation_timestamp") Instant creationTimestamp,
        @Field("update_timestamp") Instant updateTimestamp) {

    public static final String COLLECTION = "roles";

    public StoredRole {
        permissions = permissions == null ? List.of() : permissions;
    }
}
