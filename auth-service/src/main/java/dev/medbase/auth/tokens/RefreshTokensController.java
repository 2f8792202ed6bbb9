package dev.medbase.auth.tokens;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.auth.support.AffectedRecords;
import dev.medbase.auth.support.Ids;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;

/**
 * {@code /auth/v2/oauth2/refreshTokens} (contract §5.5, SDK 8.13+): list the live refresh tokens (own; everyone's
 * with {@code VIEW_AUTHORIZATIONS}) and delete one, which ends its session: the whole family is revoked (own; others'
 * with {@code DELETE_AUTHORIZATIONS}). The contract names no permission for these; the authorization ones are used.
 */
@RestController
@RequestMapping("/auth/v2/oauth2/refreshTokens")
class RefreshTokensController {

    private final RefreshTokens refreshTokens;

    RefreshTokensController(RefreshTokens refreshTokens) {
        this.refreshTokens = refreshTokens;
    }

    @GetMapping({"", "/"})
    PageEnvelope<RefreshTokens.Listed> find(Caller caller, RqlQuery rql) {
        caller.requireUser();
        return refreshTokens.find(rql, caller.hasPermission("VIEW_AUTHORIZATIONS") ? null : caller.userId());
    }

    @DeleteMapping("/{id}")
    AffectedRecords delete(Caller caller, @PathVariable String id) {
        caller.requireUser();
        return new AffectedRecords(refreshTokens.delete(Ids.parse(id), caller.userId(),
                caller.hasPermission("DELETE_AUTHORIZATIONS")));
    }
}
