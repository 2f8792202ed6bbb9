package dev.medbase.mail.web;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Free-form JSON (mail {@code content}, template sub-trees) turned into plain Java values that MongoDB can store:
 * objects become {@code LinkedHashMap}s, arrays {@code ArrayList}s, integers {@code Integer}/{@code Long} (larger
 * ones {@code Double}), other numbers {@code Double}. Keys may not contain {@code .}, start with {@code $} or hold a
 * NUL (MongoDB field-name rules), and nesting is bounded, so no body can make a write or a render fail with a 500.
 */
public final class Values {

    public static final int MAX_DEPTH = 32;

    private Values() {
    }

    public static Map<String, Object> toMap(String field, JsonNode object) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) toJava(field, object, 0);
        return map;
    }

    public static Object toJava(String path, JsonNode node, int depth) {
        if (depth > MAX_DEPTH) {
            throw Body.invalid(path, "is nested more than " + MAX_DEPTH + " levels deep");
        }
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String key = e.getKey();
                checkKey(path, key);
                map.put(key, toJava(path + "." + key, e.getValue(), depth + 1));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            for (int i = 0; i < node.size(); i++) {
                list.add(toJava(path + "[" + i + "]", node.get(i), depth + 1));
            }
            return list;
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isIntegralNumber()) {
            BigInteger big = node.bigIntegerValue();
            if (big.bitLength() < 32) {
                return big.intValue();
            }
            return big.bitLength() < 64 ? (Object) big.longValue() : (Object) big.doubleValue();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        return node.asString();
    }

    public static void checkKey(String path, String key) {
        if (key.isEmpty() || key.contains(".") || key.startsWith("$") || key.indexOf('\0') >= 0 || key.length() > 200) {
            throw Body.invalid(path, "has a key that is empty, longer than 200 characters, contains '.' or "
                    + "starts with '$': '" + (key.length() > 40 ? key.substring(0, 40) + "…" : key) + "'");
        }
    }
}
