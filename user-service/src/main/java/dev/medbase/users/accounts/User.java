package dev.medbase.users.accounts;

import java.util.List;

import dev.medbase.users.groups.GroupRole;
import dev.medbase.users.roles.Role;

/**
 * A user on the wire (contract §6.1), in snake_case with epoch-millisecond timestamps. Which fields are present
 * depends on the view the caller gets ({@link UserViews}); absent fields are omitted, never {@code null}.
 * {@code birthday}, {@code gender}, {@code country} and {@code region} are the registration extras, shown in the
 * full view when set.
 */
public record User(
        String id,
        String firstName,
        String lastName,
        String email,
        Boolean activation,
        String phoneNumber,
        String profileImage,
        String language,
        String timeZone,
        String birthday,
        Integer gender,
        String country,
        String region,
        Long lastFailedTimestamp,
        Integer failedCount,
        List<Role> roles,
        List<StaffEnlistment> staffEnlistments,
        List<PatientEnlistment> patientEnlistments,
        Long creationTimestamp,
        Long updateTimestamp) {

    /** A staff enlistment: the group and the user's group roles there (expanded). */
    public record StaffEnlistment(String groupId, List<GroupRole> roles, Long creationTimestamp,
            Long updateTimestamp) {
    }

    /** A patient enlistment; {@code expired} is computed from {@code expiry_timestamp}. */
    public record PatientEnlistment(String groupId, Long expiryTimestamp, Boolean expired, Long creationTimestamp) {
    }
}
