package dev.medbase.platform.rql;

import java.util.List;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * A parsed RQL query: the filter plus the query options hoisted from wherever they appeared.
 *
 * @param filter    the condition tree; {@link RqlNode#MATCH_ALL} when the query has none
 * @param select    wire field names to return, in order; empty = all fields
 * @param sort      sort keys in priority order; empty = unsorted
 * @param limit     the page size asked for by {@code limit(n)}, or null when absent (the translator applies its
 *                  default and maximum)
 * @param offset    the offset of {@code limit(n,offset)}, 0 when absent
 * @param skipCount {@code skipCount()} was given: do not count, omit {@code page.total}
 */
public record RqlQuery(RqlNode filter, List<String> select, List<SortField> sort, Integer limit, int offset,
                       boolean skipCount) {

    /** The empty query (no query string). */
    public static final RqlQuery EMPTY = new RqlQuery(RqlNode.MATCH_ALL, List.of(), List.of(), null, 0, false);

    public RqlQuery {
        filter = filter == null ? RqlNode.MATCH_ALL : filter;
        select = List.copyOf(select);
        sort = List.copyOf(sort);
    }

    /** One sort key: {@code sort(-creationTimestamp)} is {@code new SortField("creationTimestamp", true)}. */
    public record SortField(String field, boolean descending) {
    }

    /** True unless the filter is {@link RqlNode#MATCH_ALL}. */
    public boolean hasFilter() {
        return !filter.equals(RqlNode.MATCH_ALL);
    }

    /**
     * For endpoints that must not act on everything (bulk updates and deletes): returns this query when it has a
     * filter, else throws {@code EMPTY_RQL_EXCEPTION} (code 20, contract §4.6).
     */
    public RqlQuery requireFilter() {
        if (!hasFilter()) {
            throw new ExhException(ExhError.EMPTY_RQL_EXCEPTION);
        }
        return this;
    }
}
