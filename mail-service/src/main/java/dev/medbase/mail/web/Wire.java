package dev.medbase.mail.web;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;

/** Small helpers for building wire maps from stored documents (epoch-millisecond times, hex ids). */
public final class Wire {

    private Wire() {
    }

    public static Long millis(Object date) {
        return date instanceof Date d ? d.getTime() : null;
    }

    public static String hex(Object id) {
        return id instanceof ObjectId o ? o.toHexString() : id == null ? null : id.toString();
    }

    /** {@code {"affectedRecords": n}} (contract §0). */
    public static Map<String, Object> affected(long n) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("affectedRecords", n);
        return out;
    }

    /** A nested document as a plain map (Documents are maps already; null stays null). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object value) {
        if (value instanceof Document d) {
            return new LinkedHashMap<>(d);
        }
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    /** Puts the value unless it is null. */
    public static void put(Map<String, Object> out, String key, Object value) {
        if (value != null) {
            out.put(key, value);
        }
    }
}
