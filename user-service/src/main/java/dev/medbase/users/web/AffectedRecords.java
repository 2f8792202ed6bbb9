package dev.medbase.users.web;

/** {@code {"records_affected": n}}, the count answer of the users service (contract §2.4). */
public record AffectedRecords(long recordsAffected) {

    public static AffectedRecords of(long count) {
        return new AffectedRecords(count);
    }
}
