package dev.medbase.auth.applications;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.auth.caller.Caller;
import dev.medbase.auth.caller.Callers;
import dev.medbase.auth.support.AffectedRecords;
import dev.medbase.auth.support.Ids;
import dev.medbase.auth.support.MiniRql;
import dev.medbase.auth.support.Paged;

/**
 * {@code /auth/v2/applications} (contract §5.2, permissions Appendix A). Adding a version takes
 * {@code ADD_APPLICATION_VERSION} or {@code CREATE_APPLICATIONS} (the contract's table and Appendix A differ), removing
 * one {@code REMOVE_APPLICATION_VERSION} or {@code DELETE_APPLICATIONS}. Listing needs an authenticated caller; without
 * {@code VIEW_APPLICATIONS} only {@code name, description, logo, type} are shown.
 */
@RestController
@RequestMapping("/auth/v2/applications")
class ApplicationsController {

    private static final String AUTH = "Authorization";
    private final Applications applications;
    private final Callers callers;

    ApplicationsController(Applications applications, Callers callers) {
        this.applications = applications;
        this.callers = callers;
    }

    @PostMapping({"", "/"})
    Application create(@RequestHeader(value = AUTH, required = false) String auth,
            @RequestBody(required = false) Applications.CreateRequest body) {
        callers.requireAny(auth, "CREATE_APPLICATIONS");
        return applications.create(body);
    }

    @GetMapping({"", "/"})
    Paged<Object> find(@RequestHeader(value = AUTH, required = false) String auth, HttpServletRequest request) {
        Caller caller = callers.require(auth);
        MiniRql.Parsed rql = MiniRql.parse(request.getQueryString(), Applications.RQL_FIELDS);
        long[] total = new long[1];
        List<Object> data = applications.find(rql, caller.hasAny("VIEW_APPLICATIONS"), total);
        return Paged.of(data, total[0], rql.offset(), rql.limit());
    }

    @PutMapping("/{id}")
    AffectedRecords update(@RequestHeader(value = AUTH, required = false) String auth, @PathVariable String id,
            @RequestBody(required = false) Applications.UpdateRequest body) {
        callers.requireAny(auth, "UPDATE_APPLICATIONS");
        return new AffectedRecords(applications.update(Ids.parse(id), body));
    }

    @DeleteMapping("/{id}")
    AffectedRecords delete(@RequestHeader(value = AUTH, required = false) String auth, @PathVariable String id) {
        callers.requireAny(auth, "DELETE_APPLICATIONS");
        return new AffectedRecords(applications.delete(Ids.parse(id)));
    }

    @PostMapping("/{id}/versions")
    Application.CreatedVersion createVersion(@RequestHeader(value = AUTH, required = false) String auth,
            @PathVariable String id, @RequestBody(required = false) Applications.VersionRequest body) {
        callers.requireAny(auth, "ADD_APPLICATION_VERSION", "CREATE_APPLICATIONS");
        return applications.createVersion(Ids.parse(id), body);
    }

    @DeleteMapping("/{id}/versions/{versionId}")
    AffectedRecords deleteVersion(@RequestHeader(value = AUTH, required = false) String auth,
            @PathVariable String id, @PathVariable String versionId) {
        callers.requireAny(auth, "REMOVE_APPLICATION_VERSION", "DELETE_APPLICATIONS");
        return new AffectedRecords(applications.deleteVersion(Ids.parse(id), Ids.parse(versionId)));
    }
}
