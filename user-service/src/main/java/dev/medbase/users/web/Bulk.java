package dev.medbase.users.web;

import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;

/**
 * The target set of a bulk endpoint ({@code DELETE /users/v1/?…}, {@code POST /add_roles?…}, …): everything the RQL
 * filter matches — not one page of it, so {@code limit}, {@code sort} and {@code select} do not apply. A query
 * without a filter, or whose filter matches everything (e.g. {@code and()}), is refused with
 * {@code 20 EMPTY_RQL_EXCEPTION}: a bulk call never acts on a whole collection by accident (contract §4.6).
 */
public final class Bulk {

    private Bulk() {
    }

    public static Query query(RqlTranslator translator, RqlQuery rql) {
        return query(translator, rql, null);
    }

    /** @param scope ANDed to the filter (what the endpoint always imposes), or null */
    public static Query query(RqlTranslator translator, RqlQuery rql, Criteria scope) {
        rql.requireFilter();
        Criteria filter = translator.toCriteria(rql.filter());
        if (filter.getCriteriaObject().isEmpty()) {
            throw new ExhException(ExhError.EMPTY_RQL_EXCEPTION, "The RQL query must select something");
        }
        return new Query(scope == null ? filter : new Criteria().andOperator(scope, filter));
    }
}
