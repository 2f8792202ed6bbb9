package dev.medbase.auth.applications;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.auth.support.AffectedRecords;
import dev.medbase.auth.support.Ids;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.openapi.ApiBody;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;

/**
 * {@code /auth/v2/applications} (contract §5.2, permissions Appendix A). Adding a version takes
 * {@code ADD_APPLICATION_VERSION} or {@code CREATE_APPLICATIONS} (the contract's table and Appendix A differ), removing
 * one {@code REMOVE_APPLICATION_VERSION} or {@code DELETE_APPLICATIONS}. Listing (RQL on {@code id, type, name,
 * description, creationTimestamp, updateTimestamp}) needs an authenticated caller; without {@code VIEW_APPLICATIONS}
 * only {@code name, description, logo, type} are shown.
 */
@RestController
@RequestMapping("/auth/v2/applications")
class ApplicationsController {

    private final Applications applications;

    ApplicationsController(Applications applications) {
        this.applications = applications;
    }

    @PostMapping({"", "/"})
    Application create(Caller caller, @RequestBody(required = false) Applications.CreateRequest body) {
        caller.requirePermission("CREATE_APPLICATIONS");
        return applications.create(body);
    }

    @ApiBody(page = Application.class)
    @GetMapping({"", "/"})
    PageEnvelope<Object> find(Caller caller, RqlQuery rql) {
        caller.requireUser();
        return applications.find(rql, caller.hasPermission("VIEW_APPLICATIONS"));
    }

    @PutMapping("/{id}")
    AffectedRecords update(Caller caller, @PathVariable String id,
            @RequestBody(required = false) Applications.UpdateRequest body) {
        caller.requirePermission("UPDATE_APPLICATIONS");
        return new AffectedRecords(applications.update(Ids.parse(id), body));
    }

    @DeleteMapping("/{id}")
    AffectedRecords delete(Caller caller, @PathVariable String id) {
        caller.requirePermission("DELETE_APPLICATIONS");
        return new AffectedRecords(applications.delete(Ids.parse(id)));
    }

    @PostMapping("/{id}/versions")
    Application.CreatedVersion createVersion(Caller caller, @PathVariable String id,
            @RequestBody(required = false) Applications.VersionRequest body) {
        requireAny(caller, "ADD_APPLICATION_VERSION", "CREATE_APPLICATIONS");
        return applications.createVersion(Ids.parse(id), body);
    }

    @DeleteMapping("/{id}/versions/{versionId}")
    AffectedRecords deleteVersion(Caller caller, @PathVariable String id, @PathVariable String versionId) {
        requireAny(caller, "REMOVE_APPLICATION_VERSION", "DELETE_APPLICATIONS");
        return new AffectedRecords(applications.deleteVersion(Ids.parse(id), Ids.parse(versionId)));
    }

    /** 104 when anonymous, 10 without either permission. */
    private static void requireAny(Caller caller, String permission, String alternative) {
        caller.requireUser();
        if (!caller.hasPermission(permission) && !caller.hasPermission(alternative)) {
            throw new ExhException(ExhError.NO_PERMISSION_EXCEPTION,
                    "Permission " + permission + " or " + alternative + " is required");
        }
    }
}
