package dev.medbase.auth.tokens;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.auth.support.AffectedRecords;
import dev.medbase.auth.support.Ids;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;

/**
 * {@code /auth/v2/oauth2/tokens} GET and DELETE (contract §5.5): the live access tokens (own; everyone's with
 * {@code VIEW_AUTHORIZATIONS}); deleting one (own; others' with {@code DELETE_AUTHORIZATIONS}) revokes it: it answers
 * 117 from then on wherever its revocation is checked. {@code POST} on the same path is the token endpoint.
 */
@RestController
class AccessTokensController {

    private final AccessTokenRecords records;

    AccessTokensController(AccessTokenRecords records) {
        this.records = records;
    }

    @GetMapping({"/auth/v2/oauth2/tokens", "/auth/v2/oauth2/tokens/"})
    PageEnvelope<AccessTokenRecords.Listed> find(Caller caller, RqlQuery rql) {
        caller.requireUser();
        return records.find(rql, caller.hasPermission("VIEW_AUTHORIZATIONS") ? null : caller.userId());
    }

    /**
     * Internal (not routed by the gateway, which polls it): {@code {"revoked": [{"jti", "expiryTimestamp"}]}}, the
     * revoked access tokens that have not expired yet.
     */
    @GetMapping("/internal/revocations")
    java.util.Map<String, Object> revocations() {
        return java.util.Map.of("revoked", records.revokedLive());
    }

    @DeleteMapping("/auth/v2/oauth2/tokens/{id}")
    AffectedRecords delete(Caller caller, @PathVariable String id) {
        caller.requireUser();
        return new AffectedRecords(records.revoke(Ids.parse(id), caller.userId(),
                caller.hasPermission("DELETE_AUTHORIZATIONS")));
    }
}
