package dev.medbase.platform.rql;

import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The list response of every RQL endpoint (contract §2.6): {@code {"page":{"total":n,"offset":o,"limit":l},"data":[…]}}.
 * {@code page.limit} and {@code page.offset} echo the effective values (after capping); {@code page.total} is absent
 * when the query said {@code skipCount()}.
 */
@JsonPropertyOrder({"page", "data"})
public record PageEnvelope<T>(Page page, List<T> data) {

    public PageEnvelope {
        data = List.copyOf(data);
    }

    /**
     * @param total  the number of matching records, or null when not counted ({@code skipCount()})
     * @param offset the effective offset
     * @param limit  the effective limit
     */
    @JsonPropertyOrder({"total", "offset", "limit"})
    public record Page(@JsonInclude(JsonInclude.Include.NON_NULL) Long total, long offset, int limit) {
    }

    public static <T> PageEnvelope<T> of(List<T> data, Long total, long offset, int limit) {
        return new PageEnvelope<>(new Page(total, offset, limit), data);
    }

    /** The same page with every item mapped (stored documents to wire records). */
    public <R> PageEnvelope<R> map(Function<? super T, ? extends R> mapper) {
        return new PageEnvelope<>(page, data.stream().<R>map(mapper).toList());
    }
}
