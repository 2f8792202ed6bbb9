package dev.medbase.data.support;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Conversions between the three forms data takes: Jackson trees (request bodies, validation), BSON documents (what
 * MongoDB stores) and wire values (maps and lists Spring writes as JSON). Custom data keys are kept verbatim (§7: no
 * key conversion); dates become ISO strings on the wire.
 */
public final class Json {

    public static final JsonMapper MAPPER = JsonMapper.builder().build();
    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Deeper data is refused (MongoDB stops at 100 levels; nobody's measurement needs 64). */
    public static final int MAX_DEPTH = 64;

    private Json() {
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    // ---- Jackson -> BSON ---------------------------------------------------------------------------------------

    /** A JSON object as a BSON document for storage; keys MongoDB cannot store or query are refused with 26. */
    public static Document toBson(ObjectNode node, String path) {
        return (Document) toBson(node, path, 0);
    }

    public static Object toBsonValue(JsonNode node, String path) {
        return toBson(node, path, 0);
    }

    private static Object toBson(JsonNode node, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new ExhException(ExhError.ILLEGAL_ARGUMENT_EXCEPTION,
                    "'" + path + "' is nested deeper than " + MAX_DEPTH + " levels");
        }
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            Document doc = new Document();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String key = e.getKey();
                checkKey(key, path);
                doc.put(key, toBson(e.getValue(), path + "." + key, depth + 1));
            }
            return doc;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            int i = 0;
            for (JsonNode item : node) {
                list.add(toBson(item, path + "[" + i++ + "]", depth + 1));
            }
            return list;
        }
        if (node.isString()) {
            return node.stringValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            if (node.canConvertToInt()) {
                return node.intValue();
            }
            if (node.canConvertToLong()) {
                return node.longValue();
            }
            BigInteger big = node.bigIntegerValue();
            return big.toString().length() <= 34 ? new Decimal128(new BigDecimal(big)) : node.doubleValue();
        }
        if (node.isBigDecimal()) {
            BigDecimal d = node.decimalValue();
            return d.precision() <= 34 ? new Decimal128(d) : node.doubleValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        throw new ExhException(ExhError.ILLEGAL_ARGUMENT_EXCEPTION, "'" + path + "' has an unsupported value");
    }

    /** MongoDB cannot address keys with dots or a leading dollar, and NUL ends a BSON key. */
    public static void checkKey(String key, String path) {
        if (key.isEmpty() || key.indexOf('.') >= 0 || key.charAt(0) == '$' || key.indexOf('\0') >= 0) {
            throw new ExhException(ExhError.ILLEGAL_ARGUMENT_EXCEPTION, "'" + path + "' has the key '"
                    + printable(key) + "': keys must be non-empty and may not contain '.' or start with '$'");
        }
    }

    // ---- BSON -> Jackson ---------------------------------------------------------------------------------------

    public static ObjectNode toNode(Document doc) {
        return (ObjectNode) toNode((Object) doc);
    }

    public static JsonNode toNode(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode node = NODES.objectNode();
            map.forEach((k, v) -> node.set(String.valueOf(k), toNode(v)));
            return node;
        }
        if (value instanceof List<?> list) {
            ArrayNode node = NODES.arrayNode(list.size());
            list.forEach(v -> node.add(toNode(v)));
            return node;
        }
        if (value instanceof String s) {
            return NODES.stringNode(s);
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (value instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (value instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (value instanceof Decimal128 d) {
            return NODES.numberNode(d.bigDecimalValue());
        }
        if (value instanceof Number n) {
            return NODES.numberNode(n.doubleValue());
        }
        if (value instanceof Date date) {
            return NODES.stringNode(DateTimes.format(date.toInstant()));
        }
        if (value instanceof ObjectId id) {
            return NODES.stringNode(id.toHexString());
        }
        return NODES.stringNode(String.valueOf(value));
    }

    // ---- BSON -> wire ------------------------------------------------------------------------------------------

    /** A stored value as Spring should write it: dates as ISO strings, ObjectIds as hex, documents as maps. */
    public static Object wire(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
            map.forEach((k, v) -> out.put(String.valueOf(k), wire(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(wire(v)));
            return out;
        }
        if (value instanceof Date date) {
            return DateTimes.format(date.toInstant());
        }
        if (value instanceof ObjectId id) {
            return id.toHexString();
        }
        if (value instanceof Decimal128 d) {
            return d.bigDecimalValue();
        }
        return value;
    }

    /** A deep copy of a BSON value (documents and lists copied, leaves shared: they are immutable). */
    @SuppressWarnings("unchecked")
    public static <T> T copy(T value) {
        if (value instanceof Document doc) {
            Document out = new Document();
            doc.forEach((k, v) -> out.put(k, copy(v)));
            return (T) out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), copy(v)));
            return (T) out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(copy(v)));
            return (T) out;
        }
        return value;
    }

    /** Whether a JSON tree is deeper than {@code max} levels (checked before work that recurses over it). */
    public static boolean deeperThan(JsonNode node, int max) {
        return depth(node, 0, max) > max;
    }

    private static int depth(JsonNode node, int current, int max) {
        if (current > max || node == null || !node.isContainer()) {
            return current;
        }
        int deepest = current;
        for (JsonNode child : node) {
            deepest = Math.max(deepest, depth(child, current + 1, max));
            if (deepest > max) {
                break;
            }
        }
        return deepest;
    }

    public static String printable(String s) {
        String t = s.length() > 60 ? s.substring(0, 57) + "..." : s;
        StringBuilder out = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }
}
