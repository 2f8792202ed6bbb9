package dev.medbase.auth.support;

import java.util.List;

/** The paging envelope of every list endpoint (contract §2.6). */
public record Paged<T>(Page page, List<T> data) {

    public record Page(long total, int offset, int limit) {}

    public static <T> Paged<T> of(List<T> data, long total, int offset, int limit) {
        return new Paged<>(new Page(total, offset, limit), data);
    }
}
