package dev.medbase.users.groups;

import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;
import org.bson.types.ObjectId;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.openapi.ApiBody;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;
import dev.medbase.users.accounts.User;
import dev.medbase.users.web.AffectedRecords;
import dev.medbase.users.web.Fields;
import dev.medbase.users.web.Ids;

/** Groups: group roles, staff and patient enlistments, patient and staff lists (contract §6.2 rows 7, 8, 19, 20, 45–54). */
@RestController
@RequestMapping("/users/v1")
class GroupsController {

    @Schema(example = "{\"name\": \"nurse\", \"description\": \"Reviews the measurements of the group\"}")
    record RoleBody(String name, String description) {
    }

    @Schema(example = "{\"permissions\": [\"VIEW_DOCUMENTS\", \"VIEW_PATIENTS\"]}")
    record PermissionsBody(List<String> permissions) {
    }

    @Schema(example = "{\"roles\": [\"5e9fff9d90135a2a9a718e2f\"]}")
    record RolesBody(List<String> roles) {
    }

    @Schema(example = "{\"groups\": [\"5e9fff9d90135a2a9a718e2f\"]}")
    record GroupsBody(List<String> groups) {
    }

    @Schema(example = "{\"group_id\": \"5e9fff9d90135a2a9a718e2f\", \"expiry_timestamp\": 1798761600000}")
    record PatientBody(String groupId, Long expiryTimestamp) {
    }

    private final GroupRoleService roles;
    private final EnlistmentService enlistments;

    GroupsController(GroupRoleService roles, EnlistmentService enlistments) {
        this.roles = roles;
        this.enlistments = enlistments;
    }

    @GetMapping("/groups/{groupId}/roles")
    PageEnvelope<GroupRole> findRoles(Caller caller, @PathVariable String groupId, RqlQuery rql) {
        caller.requireUser();
        ObjectId group = Ids.parse("groupId", groupId);
        if (!caller.isStaffOf(group.toHexString())) {
            caller.requirePermission("VIEW_GROUP");
        }
        return roles.find(group, rql);
    }

    @PostMapping("/groups/{groupId}/roles")
    GroupRole createRole(Caller caller, @PathVariable String groupId, @RequestBody RoleBody body) {
        caller.requireUser();
        ObjectId group = Ids.parse("groupId", groupId);
        GroupAccess.require(caller, group, "CREATE_GROUP_ROLE");
        String description = Fields.optionalText("description", body.description(), Fields.MAX_DESCRIPTION);
        return roles.create(group, Fields.required("name", body.name(), Fields.MAX_NAME),
                description == null ? "" : description);
    }

    @PutMapping("/groups/{groupId}/roles/{roleId}")
    GroupRole updateRole(Caller caller, @PathVariable String groupId, @PathVariable String roleId,
            @RequestBody RoleBody body) {
        caller.requireUser();
        ObjectId group = Ids.parse("groupId", groupId);
        ObjectId role = Ids.parse("roleId", roleId);
        GroupAccess.require(caller, group, "UPDATE_GROUP_ROLE");
        return roles.update(group, role, Fields.optional("name", body.name(), Fields.MAX_NAME),
                Fields.optionalText("description", body.description(), Fields.MAX_DESCRIPTION));
    }

    @DeleteMapping("/groups/{groupId}/roles")
    AffectedRecords deleteRoles(Caller caller, @PathVariable String groupId, RqlQuery rql) {
        caller.requireUser();
        ObjectId group = Ids.parse("groupId", groupId);
        GroupAccess.require(caller, group, "DELETE_GROUP_ROLE");
        return roles.delete(group, rql);
    }

    @DeleteMapping("/groups/{groupId}/roles/{roleId}")
    AffectedRecords deleteRole(Caller caller, @PathVariable String groupId, @PathVariable String roleId) {
        caller.requireUser();
        ObjectId group = Ids.parse("groupId", groupId);
        ObjectId role = Ids.parse("roleId", roleId);
        GroupAccess.require(caller, group, "DELETE_GROUP_ROLE");
        return roles.delete(group, role);
    }

    @PostMapping("/groups/{groupId}/roles/add_permissions")
    AffectedRecords addPermissions(Caller caller, @PathVariable String groupId, RqlQuery rql,
            @RequestBody PermissionsBody body) {
        caller.requireUser();
        ObjectId group = Ids.parse("groupId", groupId);
        GroupAccess.require(caller, group, "ADD_GROUP_ROLE_PERMISSION");
        return roles.changePermissions(group, rql, Fields.permissions("permissions", body.permissions()), true);
    }

    @PostMapping("/groups/{groupId}/roles/remove_permissions")
    AffectedRecords removePermissions(Caller caller, @PathVariable String groupId, RqlQuery rql,
            @RequestBody PermissionsBody body) {
        caller.requireUser();
        ObjectId group = Ids.parse("groupId", groupId);
        GroupAccess.require(caller, group, "REMOVE_GROUP_ROLE_PERMISSION");
        return roles.changePermissions(group, rql, Fields.permissions("permissions", body.permissions()), false);
    }

    @PostMapping("/groups/{groupId}/staff/add_roles")
    AffectedRecords addStaffRoles(Caller caller, @PathVariable String groupId, RqlQuery rql,
            @RequestBody RolesBody body) {
        caller.requireUser();
        ObjectId group = Ids.parse("groupId", groupId);
        GroupAccess.require(caller, group, "ADD_GROUP_ROLE_TO_STAFF");
        return roles.changeStaffRoles(group, rql, Fields.ids("roles", body.roles()), true);
    }

    @PostMapping("/groups/{groupId}/staff/remove_roles")
    AffectedRecords removeStaffRoles(Caller caller, @PathVariable String groupId, RqlQuery rql,
            @RequestBody RolesBody body) {
        caller.requireUser();
        ObjectId group = Ids.parse("groupId", groupId);
        GroupAccess.require(caller, group, "REMOVE_GROUP_ROLE_FROM_STAFF");
        return roles.changeStaffRoles(group, rql, Fields.ids("roles", body.roles()), false);
    }

    @PostMapping("/add_to_staff")
    AffectedRecords addToStaff(Caller caller, RqlQuery rql, @RequestBody GroupsBody body) {
        caller.requireUser();
        return enlistments.addToStaff(caller, rql, Fields.ids("groups", body.groups()));
    }

    @PostMapping("/remove_from_staff")
    AffectedRecords removeFromStaff(Caller caller, RqlQuery rql, @RequestBody GroupsBody body) {
        caller.requireUser();
        return enlistments.removeFromStaff(caller, rql, Fields.ids("groups", body.groups()));
    }

    @PostMapping("/{userId}/patient_enlistments")
    AffectedRecords addPatient(Caller caller, @PathVariable String userId, @RequestBody PatientBody body) {
        caller.requireUser();
        ObjectId user = Ids.parse("userId", userId);
        ObjectId group = Fields.id("group_id", body.groupId());
        Long expiry = body.expiryTimestamp();
        if (expiry != null && (expiry < 0 || expiry > 253_402_300_799_999L)) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION,
                    "'expiry_timestamp' must be a time in epoch milliseconds");
        }
        return enlistments.addPatient(caller, user, group, expiry == null ? null : Instant.ofEpochMilli(expiry));
    }

    @DeleteMapping("/{userId}/patient_enlistments/{groupId}")
    AffectedRecords removePatient(Caller caller, @PathVariable String userId, @PathVariable String groupId) {
        caller.requireUser();
        return enlistments.removePatient(caller, Ids.parse("userId", userId), Ids.parse("groupId", groupId));
    }

    @ApiBody(page = User.class)
    @GetMapping("/patients")
    PageEnvelope<?> patients(Caller caller, RqlQuery rql) {
        return enlistments.patients(caller, rql);
    }

    @ApiBody(page = User.class)
    @GetMapping("/staff")
    PageEnvelope<?> staff(Caller caller, RqlQuery rql) {
        return enlistments.staff(caller, rql);
    }
}
