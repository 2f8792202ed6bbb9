package dev.medbase.auth.authorizations;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.auth.support.AffectedRecords;
import dev.medbase.auth.support.Ids;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;

/**
 * {@code /auth/v2/oauth2/authorizations} (contract §5.5): create (for the logged-in user), list (own; every one with
 * {@code VIEW_AUTHORIZATIONS}), delete (own; others' with {@code DELETE_AUTHORIZATIONS}).
 */
@RestController
@RequestMapping("/auth/v2/oauth2/authorizations")
class AuthorizationsController {

    private final Authorizations authorizations;

    AuthorizationsController(Authorizations authorizations) {
        this.authorizations = authorizations;
    }

    @PostMapping({"", "/"})
    Authorization create(Caller caller, @RequestBody(required = false) Authorizations.CreateRequest body) {
        return authorizations.create(caller.requireUser(), body);
    }

    @GetMapping({"", "/"})
    PageEnvelope<Authorization> find(Caller caller, RqlQuery rql) {
        caller.requireUser();
        return authorizations.find(rql, caller.hasPermission("VIEW_AUTHORIZATIONS") ? null : caller.userId());
    }

    @DeleteMapping("/{id}")
    AffectedRecords delete(Caller caller, @PathVariable String id) {
        caller.requireUser();
        return new AffectedRecords(authorizations.delete(Ids.parse(id), caller.userId(),
                caller.hasPermission("DELETE_AUTHORIZATIONS")));
    }
}
