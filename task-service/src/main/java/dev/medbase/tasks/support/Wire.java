package dev.medbase.tasks.support;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/** Wire helpers: ISO timestamps with milliseconds (contract §2.4), ids, BSON to plain JSON values. */
public final class Wire {

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private Wire() {
    }

    public static String iso(Instant instant) {
        return instant == null ? null : ISO.format(instant);
    }

    public static String iso(Date date) {
        return date == null ? null : iso(date.toInstant());
    }

    /** 12 when the text is not a 24-hex ObjectId. */
    public static ObjectId objectId(String id) {
        if (id == null || !ObjectId.isValid(id)) {
            throw new ExhException(ExhError.ID_FORMAT_EXCEPTION, "'" + id + "' is not a valid id");
        }
        return new ObjectId(id);
    }

    /** A BSON value (as read from MongoDB) as a plain JSON value: ObjectIds as hex, dates as ISO. */
    public static Object plain(Object value) {
        if (value instanceof Document d) {
            Map<String, Object> out = new LinkedHashMap<>();
            d.forEach((k, v) -> out.put(k, plain(v)));
            return out;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(Wire::plain).toList();
        }
        if (value instanceof ObjectId id) {
            return id.toHexString();
        }
        if (value instanceof Date date) {
            return iso(date);
        }
        return value;
    }

    public static Map<String, Object> affected(long n) {
        return Map.of("affectedRecords", n);
    }
}
