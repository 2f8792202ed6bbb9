package dev.medbase.users.permissions;

import java.util.Arrays;
import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.users.roles.GlobalPermission;

/**
 * {@code GET /users/v1/permissions} and {@code GET /users/v1/groups/permissions} (contract §6.2 rows 35 and 44):
 * the whole catalogue, in one page, to anyone. Permission strings are free-form, so roles may also hold names that
 * are not listed here.
 */
@RestController
@RequestMapping("/users/v1")
class PermissionsController {

    private static final List<GlobalPermission> ALL = Arrays.stream(Permission.values())
            .map(p -> new GlobalPermission(p.name(), p.description())).toList();

    @GetMapping({"/permissions", "/groups/permissions"})
    PageEnvelope<GlobalPermission> permissions() {
        return PageEnvelope.of(ALL, (long) ALL.size(), 0, ALL.size());
    }
}
