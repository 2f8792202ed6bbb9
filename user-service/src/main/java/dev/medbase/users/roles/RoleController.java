package dev.medbase.users.roles;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;
import dev.medbase.users.web.AffectedRecords;
import dev.medbase.users.web.Fields;
import dev.medbase.users.web.Ids;

/** Global roles and their assignment to users (contract §6.2 rows 36–43). */
@RestController
@RequestMapping("/users/v1")
class RoleController {

    @Schema(example = "{\"name\": \"nurse\", \"description\": \"Reviews the measurements of the group\"}")
    record RoleBody(String name, String description) {
    }

    @Schema(example = "{\"permissions\": [\"VIEW_DOCUMENTS\", \"VIEW_PATIENTS\"]}")
    record PermissionsBody(List<String> permissions) {
    }

    @Schema(example = "{\"roles\": [\"5e9fff9d90135a2a9a718e2f\"]}")
    record RolesBody(List<String> roles) {
    }

    private final RoleService roles;

    RoleController(RoleService roles) {
        this.roles = roles;
    }

    @GetMapping("/roles")
    PageEnvelope<Role> find(Caller caller, RqlQuery rql) {
        caller.requirePermission("VIEW_ROLE");
        return roles.find(rql);
    }

    @PostMapping("/roles")
    Role create(Caller caller, @RequestBody RoleBody body) {
        caller.requirePermission("CREATE_ROLE");
        String name = Fields.required("name", body.name(), Fields.MAX_NAME);
        String description = Fields.optionalText("description", body.description(), Fields.MAX_DESCRIPTION);
        return roles.create(name, description == null ? "" : description);
    }

    @PutMapping("/roles/{roleId}")
    Role update(Caller caller, @PathVariable String roleId, @RequestBody RoleBody body) {
        caller.requirePermission("UPDATE_ROLE");
        return roles.update(Ids.parse("roleId", roleId), Fields.optional("name", body.name(), Fields.MAX_NAME),
                Fields.optionalText("description", body.description(), Fields.MAX_DESCRIPTION));
    }

    @DeleteMapping("/roles")
    AffectedRecords delete(Caller caller, RqlQuery rql) {
        caller.requirePermission("DELETE_ROLE");
        return roles.delete(rql);
    }

    @PostMapping("/roles/add_permissions")
    AffectedRecords addPermissions(Caller caller, RqlQuery rql, @RequestBody PermissionsBody body) {
        caller.requirePermission("ADD_ROLE_PERMISSION");
        return roles.addPermissions(rql, Fields.permissions("permissions", body.permissions()));
    }

    @PostMapping("/roles/remove_permissions")
    AffectedRecords removePermissions(Caller caller, RqlQuery rql, @RequestBody PermissionsBody body) {
        caller.requirePermission("REMOVE_ROLE_PERMISSION");
        return roles.removePermissions(rql, Fields.permissions("permissions", body.permissions()));
    }

    @PostMapping("/add_roles")
    AffectedRecords addToUsers(Caller caller, RqlQuery rql, @RequestBody RolesBody body) {
        caller.requirePermission("ADD_ROLE_TO_USER");
        return roles.addToUsers(rql, Fields.ids("roles", body.roles()));
    }

    @PostMapping("/remove_roles")
    AffectedRecords removeFromUsers(Caller caller, RqlQuery rql, @RequestBody RolesBody body) {
        caller.requirePermission("REMOVE_ROLE_FROM_USER");
        return roles.removeFromUsers(rql, Fields.ids("roles", body.roles()));
    }
}
