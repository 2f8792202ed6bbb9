package dev.medbase.auth.support;

/** {@code {"affectedRecords": n}}, the answer of updates and deletes. */
public record AffectedRecords(long affectedRecords) {}
