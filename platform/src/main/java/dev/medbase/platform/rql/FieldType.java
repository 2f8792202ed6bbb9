package dev.medbase.platform.rql;

/**
 * How the {@link RqlTranslator} types values compared with a field (contract §4.5 items 3 and 5). Only values typed
 * automatically are re-typed; a value written with a prefix ({@code string:}, {@code number:}…) or in quotes keeps its
 * type, except that text on an {@link #OBJECT_ID} field always becomes an ObjectId when it is one.
 */
public enum FieldType {
    /** No coercion: values compare as typed by the query ({@code 10} is a number, {@code abc} a string). */
    ANY,
    /** Numbers and booleans compare as the text they were written as: {@code eq(phone,0123)} is {@code "0123"}. */
    STRING,
    /** Text that reads as a decimal number ({@code 010}, {@code 1.0}) compares as that number. */
    NUMBER,
    /** {@code TRUE}/{@code False} (any case) compare as booleans. */
    BOOLEAN,
    /** ISO-8601 text and epoch-millisecond numbers compare as dates ({@code java.util.Date}). */
    DATE,
    /**
     * Dates stored as normalised UTC ISO-8601 strings ({@code 2012-08-22T12:16:05.677Z}), such as data-service
     * properties with {@code format: date-time}: ISO-8601 text (also partial, {@code 2012}, {@code 2012-08}), epoch
     * milliseconds and {@code date:}/{@code epoch:} values compare as that string, which orders like the date.
     */
    DATE_STRING,
    /** 24-hex text compares as an {@code org.bson.types.ObjectId}; other values as their text, never as numbers. */
    OBJECT_ID
}
