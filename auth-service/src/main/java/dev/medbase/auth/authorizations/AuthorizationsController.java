package dev.medbase.auth.authorizations;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
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
 * {@code /auth/v2/oauth2/authorizations} (contract §5.5): create (for the logged-in user), list (own; every one with
 * {@code VIEW_AUTHORIZATIONS}), delete (own; others' with {@code DELETE_AUTHORIZATIONS}).
 */
@RestController
@RequestMapping("/auth/v2/oauth2/authorizations")
class AuthorizationsController {

    private static final String AUTH = "Authorization";
    private final Authorizations authorizations;
    private final Callers callers;

    AuthorizationsController(Authorizations authorizations, Callers callers) {
        this.authorizations = authorizations;
        this.callers = callers;
    }

    @PostMapping({"", "/"})
    Authorization create(@RequestHeader(value = AUTH, required = false) String auth,
            @RequestBody(required = false) Authorizations.CreateRequest body) {
        return authorizations.create(callers.require(auth), body);
    }

    @GetMapping({"", "/"})
    Paged<Authorization> find(@RequestHeader(value = AUTH, required = false) String auth,
            HttpServletRequest request) {
        Caller caller = callers.require(auth);
        MiniRql.Parsed rql = MiniRql.parse(request.getQueryString(), Authorizations.RQL_FIELDS);
        long[] total = new long[1];
        var data = authorizations.find(caller, rql, caller.hasAny("VIEW_AUTHORIZATIONS"), total);
        return Paged.of(data, total[0], rql.offset(), rql.limit());
    }

    @DeleteMapping("/{id}")
    AffectedRecords delete(@RequestHeader(value = AUTH, required = false) String auth, @PathVariable String id) {
        Caller caller = callers.require(auth);
        return new AffectedRecords(authorizations.delete(caller, Ids.parse(id), caller.hasAny("DELETE_AUTHORIZATIONS")));
    }
}
