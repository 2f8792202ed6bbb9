package dev.medbase.mail.templates;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.types.ObjectId;
import tools.jackson.databind.json.JsonMapper;

import dev.medbase.mail.web.Body;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * The declared inputs of templates, checked twice: when a template is saved (the declaration itself: known types,
 * well-formed nesting; 15 otherwise) and when it is resolved (the values against the declaration;
 * {@code 1003 TEMPLATE_FILLING_EXCEPTION} naming the first offending path). Declared values are optional, as in
 * JSON Schema without {@code required}; undeclared ones are passed through (mail-service adds {@code tracking_hash},
 * user-service mails carry more than a template may use).
 *
 * <ul>
 * <li>v1 {@code schema}: {@code {type: "object", fields: {name: T}, options?: [{type: min_bytes|max_bytes, value}]}}
 * with {@code T.type} ∈ string, number, boolean, object ({@code fields} or {@code properties}), array
 * ({@code type_configuration} or {@code items}), object_id, date, and options {@code min}/{@code max} (numbers:
 * value, strings and arrays: length).</li>
 * <li>v2 {@code inputs}: {@code {name: T}} with {@code T.type} ∈ string, number, boolean, object
 * ({@code properties}), array ({@code items}).</li>
 * </ul>
 */
public final class TypeChecks {

    private static final Set<String> V1_TYPES = Set.of("string", "number", "boolean", "object", "array", "object_id",
            "date", "any");
    private static final Set<String> V2_TYPES = Set.of("string", "number", "boolean", "object", "array");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TypeChecks() {
    }

    // ------------------------------------------------------------------ declarations

    /** A v1 schema as saved; 15 when malformed. */
    public static void checkV1Schema(Map<String, Object> schema) {
        Object type = schema.get("type");
        if (type != null && !"object".equals(type)) {
            throw Body.invalid("schema.type", "must be 'object'");
        }
        Object fields = schema.get("fields");
        if (fields != null) {
            if (!(fields instanceof Map<?, ?> map)) {
                throw Body.invalid("schema.fields", "must be an object");
            }
            map.forEach((k, v) -> checkDeclaration("schema.fields." + k, v, true, 0));
        }
        Object options = schema.get("options");
        if (options != null && !(options instanceof List<?>)) {
            throw Body.invalid("schema.options", "must be an array");
        }
    }

    /** v2 inputs as saved; 15 when malformed. */
    public static void checkV2Inputs(Map<String, Object> inputs) {
        inputs.forEach((k, v) -> checkDeclaration("inputs." + k, v, false, 0));
    }

    private static void checkDeclaration(String path, Object declaration, boolean v1, int depth) {
        if (depth > 16) {
            throw Body.invalid(path, "is nested too deeply");
        }
        if (!(declaration instanceof Map<?, ?> d)) {
            throw Body.invalid(path, "must be a type configuration object such as {\"type\": \"string\"}");
        }
        Object type = d.get("type");
        if (!(type instanceof String t) || !(v1 ? V1_TYPES : V2_TYPES).contains(t)) {
            throw Body.invalid(path + ".type", "must be one of " + (v1 ? V1_TYPES : V2_TYPES));
        }
        if (t.equals("object")) {
            Object props = v1 && d.get("fields") != null ? d.get("fields") : d.get("properties");
            if (props != null) {
                if (!(props instanceof Map<?, ?> map)) {
                    throw Body.invalid(path + (v1 ? ".fields" : ".properties"), "must be an object");
                }
                map.forEach((k, v) -> checkDeclaration(path + "." + k, v, v1, depth + 1));
            }
        }
        if (t.equals("array")) {
            Object items = v1 && d.get("type_configuration") != null ? d.get("type_configuration") : d.get("items");
            if (items != null) {
                checkDeclaration(path + ".items", items, v1, depth + 1);
            } else if (!v1) {
                throw Body.missing(path + ".items");
            }
        }
    }

    // ------------------------------------------------------------------ values

    /** Checks v1 content against its schema; 1003 on the first mismatch. */
    public static void checkV1Content(Map<String, Object> schema, Map<String, Object> content) {
        if (schema == null) {
            return;
        }
        Object fields = schema.get("fields");
        if (fields instanceof Map<?, ?> declared) {
            for (Map.Entry<?, ?> e : declared.entrySet()) {
                checkValue("content." + e.getKey(), e.getValue(), content.get(String.valueOf(e.getKey())), true);
            }
        }
        if (schema.get("options") instanceof List<?> options) {
            int bytes = -1;
            for (Object option : options) {
                if (option instanceof Map<?, ?> o && o.get("value") instanceof Number value) {
                    String type = String.valueOf(o.get("type"));
                    if (type.equals("min_bytes") || type.equals("max_bytes")) {
                        if (bytes < 0) {
                            bytes = JSON.writeValueAsString(content).getBytes(StandardCharsets.UTF_8).length;
                        }
                        if (type.equals("min_bytes") ? bytes < value.longValue() : bytes > value.longValue()) {
                            throw filling("content", "is " + bytes + " bytes; " + type + " is " + value);
                        }
                    }
                }
            }
        }
    }

    /** Checks v2 inputs against their declaration; 1003 on the first mismatch. */
    public static void checkV2Inputs(Map<String, Object> declared, Map<String, Object> inputs) {
        if (declared == null) {
            return;
        }
        for (Map.Entry<String, Object> e : declared.entrySet()) {
            checkValue("inputs." + e.getKey(), e.getValue(), inputs.get(e.getKey()), false);
        }
    }

    private static void checkValue(String path, Object declaration, Object value, boolean v1) {
        if (value == null || !(declaration instanceof Map<?, ?> d)) {
            return;
        }
        String type = String.valueOf(d.get("type"));
        switch (type) {
            case "string" -> {
                if (!(value instanceof String s)) {
                    throw filling(path, "must be a string");
                }
                bounds(path, d, s.length(), "long");
            }
            case "object_id" -> {
                if (!(value instanceof String s) || !ObjectId.isValid(s)) {
                    throw filling(path, "must be a 24-character hexadecimal id");
                }
            }
            case "date" -> {
                if (!(value instanceof String) && !(value instanceof Number)) {
                    throw filling(path, "must be a date (ISO-8601 text or epoch milliseconds)");
                }
            }
            case "number" -> {
                if (!(value instanceof Number n)) {
                    throw filling(path, "must be a number");
                }
                bounds(path, d, n.doubleValue(), "");
            }
            case "boolean" -> {
                if (!(value instanceof Boolean)) {
                    throw filling(path, "must be a boolean");
                }
            }
            case "object" -> {
                if (!(value instanceof Map<?, ?> map)) {
                    throw filling(path, "must be an object");
                }
                Object props = v1 && d.get("fields") != null ? d.get("fields") : d.get("properties");
                if (props instanceof Map<?, ?> p) {
                    for (Map.Entry<?, ?> e : p.entrySet()) {
                        checkValue(path + "." + e.getKey(), e.getValue(), map.get(e.getKey()), v1);
                    }
                }
            }
            case "array" -> {
                if (!(value instanceof List<?> list)) {
                    throw filling(path, "must be an array");
                }
                bounds(path, d, list.size(), "long");
                Object items = v1 && d.get("type_configuration") != null ? d.get("type_configuration") : d.get("items");
                for (int i = 0; i < list.size(); i++) {
                    checkValue(path + "[" + i + "]", items, list.get(i), v1);
                }
            }
            default -> {
            }
        }
    }

    /** v1 options {@code [{type: "min"|"max", value}]}: number values, or lengths of strings and arrays. */
    private static void bounds(String path, Map<?, ?> declaration, double actual, String unit) {
        if (!(declaration.get("options") instanceof List<?> options)) {
            return;
        }
        for (Object option : options) {
            if (option instanceof Map<?, ?> o && o.get("value") instanceof Number limit) {
                String type = String.valueOf(o.get("type"));
                if (type.equals("min") && actual < limit.doubleValue()) {
                    throw filling(path, "must be at least " + limit + (unit.isEmpty() ? "" : " " + unit));
                }
                if (type.equals("max") && actual > limit.doubleValue()) {
                    throw filling(path, "must be at most " + limit + (unit.isEmpty() ? "" : " " + unit));
                }
            }
        }
    }

    private static ExhException filling(String path, String why) {
        return new ExhException(ExhError.TEMPLATE_FILLING_EXCEPTION, "'" + path + "' " + why);
    }
}
