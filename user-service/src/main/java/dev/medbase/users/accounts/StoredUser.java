package dev.medbase.users.accounts;

import java.time.Instant;
import java.util.List;

import org.bson.types.ObjectId;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Field;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * A user as stored in the collection {@code users} (snake_case like the wire, so RQL field names map one to one;
 * see also {@code BootstrapAdmin}):
 * <pre>
 * { _id: ObjectId, first_name, last_name, email (lower case, unique), activation: bool, phone_number,
 *   profile_image?, language, time_zone, birthday?, gender?, country?, region?,
 *   roles: [global role ObjectId], password_hash: "{bcrypt}…", failed_count, last_failed_timestamp?: Date,
 *   oidc_linked?: bool (logs in through an OpenID Connect provider, has no password),
 *   staff_enlistments: [{ group_id: ObjectId, roles: [group role ObjectId], creation_timestamp, update_timestamp }],
 *   patient_enlistments: [{ group_id: ObjectId, expiry_timestamp?: Date, creation_timestamp }],
 *   creation_timestamp: Date, update_timestamp: Date }
 * </pre>
 * Read-only view for queries; writes go through {@code MongoTemplate} updates on the field names.
 */
public record StoredUser(
        @Id ObjectId id,
        @Field("first_name") String firstName,
        @Field("last_name") String lastName,
        String email,
        Boolean activation,
        @Field("phone_number") String phoneNumber,
        @Field("profile_image") String profileImage,
        String language,
        @Field("time_zone") String timeZone,
        String birthday,
        Integer gender,
        String country,
        String region,
        List<ObjectId> roles,
        @Field("password_hash") String passwordHash,
        @Field("oidc_linked") Boolean oidcLinked,
        @Field("failed_count") Integer failedCount,
        @Field("last_failed_timestamp") Instant lastFailedTimestamp,
        @Field("staff_enlistments") List<StaffEnlistmentEntry> staffEnlistments,
        @Field("patient_enlistments") List<PatientEnlistmentEntry> patientEnlistments,
        @Field("creation_timestamp") Instant creationTimestamp,
        @Field("update_timestamp") Instant updateTimestamp) {

    public static final String COLLECTION = "users";

    public StoredUser {
        roles = roles == null ? List.of() : roles;
        staffEnlistments = staffEnlistments == null ? List.of() : staffEnlistments;
        patientEnlistments = patientEnlistments == null ? List.of() : patientEnlistments;
    }

    public String hexId() {
        return id.toHexString();
    }

    public boolean isActivated() {
        return Boolean.TRUE.equals(activation);
    }

    /** 215 for password operations: such a user's password is the provider's business. */
    public void requireNotOidcLinked() {
        if (Boolean.TRUE.equals(oidcLinked)) {
            throw new ExhException(ExhError.DISABLED_FOR_OIDC_USERS_EXCEPTION);
        }
    }

    public boolean isStaffOf(ObjectId group) {
        return staffEnlistments.stream().anyMatch(e -> group.equals(e.groupId()));
    }

    public boolean isPatientOf(ObjectId group) {
        return patientEnlistments.stream().anyMatch(e -> group.equals(e.groupId()));
    }

    /** One staff enlistment: the group and the user's group roles in it. */
    public record StaffEnlistmentEntry(
            @Field("group_id") ObjectId groupId,
            List<ObjectId> roles,
            @Field("creation_timestamp") Instant creationTimestamp,
            @Field("update_timestamp") Instant updateTimestamp) {

        public StaffEnlistmentEntry {
            roles = roles == null ? List.of() : roles;
        }
    }

    /** One patient enlistment; past its expiry it reads as {@code expired: true}. */
    public record PatientEnlistmentEntry(
            @Field("group_id") ObjectId groupId,
            @Field("expiry_timestamp") Instant expiryTimestamp,
            @Field("creation_timestamp") Instant creationTimestamp) {
    }
}
