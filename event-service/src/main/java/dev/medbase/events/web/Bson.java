package dev.medbase.events.web;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * JSON values (as Jackson reads them into maps) to BSON and back, for content the service does not interpret: event
 * content, task action data. JSON numbers that BSON cannot hold (integers beyond 64 bits) become Decimal128 when
 * they fit its 34 digits, else doubles, so no content can make an insert fail.
 */
public final class Bson {

    private Bson() {
    }

    /** A JSON value (map, list, string, number, boolean, null) to what the MongoDB driver stores. */
    public static Object fromJson(Object value) {
        if (value instanceof Map<?, ?> map) {
            Document document = new Document();
            map.forEach((k, v) -> document.append(String.valueOf(k), fromJson(v)));
            return document;
        }
        if (value instanceof Collection<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(fromJson(v)));
            return out;
        }
        if (value instanceof BigInteger big) {
            return decimal(new BigDecimal(big));
        }
        if (value instanceof BigDecimal big) {
            return decimal(big);
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        return value;
    }

    /** An object's JSON map as a BSON document. */
    public static Document document(Map<String, Object> json) {
        return (Document) fromJson(json == null ? Map.of() : json);
    }

    /** A stored value back to JSON: documents to maps, Decimal128 to numbers, ids to hex, dates to epoch millis. */
    public static Object toJson(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), toJson(v)));
            return out;
        }
        if (value instanceof Collection<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(toJson(v)));
            return out;
        }
        if (value instanceof Decimal128 decimal) {
            try {
                return decimal.bigDecimalValue();
            } catch (ArithmeticException nanOrInfinity) {
                return decimal.doubleValue();
            }
        }
        if (value instanceof ObjectId id) {
            return id.toHexString();
        }
        if (value instanceof Date date) {
            return date.getTime();
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> toJsonMap(Object value) {
        return value instanceof Map<?, ?> ? (Map<String, Object>) toJson(value) : new LinkedHashMap<>();
    }

    private static final java.time.format.DateTimeFormatter ISO_MILLIS =
            java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
                    .withZone(java.time.ZoneOffset.UTC);

    /** ISO-8601 in UTC with milliseconds, as the camelCase services write timestamps: 2021-04-20T07:34:08.358Z. */
    public static String iso(Date date) {
        return ISO_MILLIS.format(date.toInstant());
    }

    /** A path id: 12 unless 24 hex characters. */
    public static ObjectId id(String text) {
        if (text == null || !ObjectId.isValid(text)) {
            throw new ExhException(ExhError.ID_FORMAT_EXCEPTION, "'" + excerpt(text) + "' is not a valid id");
        }
        return new ObjectId(text);
    }

    /** How stored ids are written: ObjectIds for 24-hex ids, the text otherwise (events from elsewhere). */
    public static Object storedId(String id) {
        return ObjectId.isValid(id) ? new ObjectId(id) : id;
    }

    private static Object decimal(BigDecimal big) {
        try {
            return new Decimal128(big);
        } catch (NumberFormatException tooPrecise) {
            return big.doubleValue();
        }
    }

    private static String excerpt(String text) {
        if (text == null) {
            return "";
        }
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
