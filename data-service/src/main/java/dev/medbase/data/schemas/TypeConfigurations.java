package dev.medbase.data.schemas;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.medbase.data.support.Body;
import dev.medbase.data.support.Json;
import dev.medbase.platform.rql.FieldType;

/**
 * The TypeConfiguration language of §7.2 (properties, input and document conditions): validation of definitions,
 * translation to JSON Schema 2020-12, and the RQL types of {@code data.*} fields.
 *
 * <p>{@code format: "date-time"} is not translated: any ISO-8601 input is accepted and normalised to UTC by
 * {@link DataValidator}, which JSON Schema's strict RFC 3339 format would not allow.
 */
public final class TypeConfigurations {

    private static final Set<String> COMMON = Set.of("type", "queryable", "description", "title");
    private static final Map<String, Set<String>> KEYWORDS = Map.of(
            "object", Set.of("properties", "additionalProperties", "required"),
            "array", Set.of("items", "minItems", "maxItems", "contains"),
            "string", Set.of("minLength", "maxLength", "pattern", "enum", "const", "format"),
            "number", Set.of("minimum", "maximum", "enum", "const"),
            "boolean", Set.of("enum", "const"));
    /** Nesting of definitions; deeper definitions are refused. */
    static final int MAX_DEPTH = 32;

    private TypeConfigurations() {
    }

    /** Checks a property name: MongoDB must be able to store and query it. */
    public static void checkName(String name, String path) {
        if (name.isEmpty() || name.indexOf('.') >= 0 || name.charAt(0) == '$' || name.indexOf('\0') >= 0
                || name.length() > 200) {
            throw Body.illegal("'" + path + "': property names must be 1-200 characters, without '.' and not"
                    + " starting with '$'");
        }
    }

    /** Validates a definition; 26 naming the path of the first problem. */
    public static void validate(JsonNode config, String path) {
        validate(config, path, 0);
    }

    /** Validates a properties map (name → TypeConfiguration). */
    public static void validateProperties(JsonNode properties, String path) {
        if (properties == null || !properties.isObject()) {
            throw Body.illegal("'" + path + "' must be an object of property configurations");
        }
        for (Map.Entry<String, JsonNode> e : properties.properties()) {
            checkName(e.getKey(), path + "." + e.getKey());
            validate(e.getValue(), path + "." + e.getKey(), 1);
        }
    }

    private static void validate(JsonNode config, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw Body.illegal("'" + path + "' is nested deeper than " + MAX_DEPTH + " levels");
        }
        if (config == null || !config.isObject()) {
            throw Body.illegal("'" + path + "' must be a type configuration object");
        }
        JsonNode typeNode = config.get("type");
        if (typeNode == null || !typeNode.isString()) {
            throw Body.illegal("'" + path + ".type' is required: one of object, array, string, number, boolean");
        }
        String type = typeNode.stringValue();
        Set<String> allowed = KEYWORDS.get(type);
        if (allowed == null) {
            throw Body.illegal("'" + path + ".type' has the unknown type '" + Json.printable(type)
                    + "' (object, array, string, number or boolean)");
        }
        for (String key : config.propertyNames()) {
            if (!COMMON.contains(key) && !allowed.contains(key)) {
                throw Body.illegal("'" + path + "." + Json.printable(key) + "' is not a keyword of type " + type);
            }
        }
        bool(config, "queryable", path);
        text(config, "description", path);
        text(config, "title", path);
        switch (type) {
            case "object" -> {
                JsonNode props = config.get("properties");
                if (props != null) {
                    if (!props.isObject()) {
                        throw Body.illegal("'" + path + ".properties' must be an object");
                    }
                    for (Map.Entry<String, JsonNode> e : props.properties()) {
                        checkName(e.getKey(), path + ".properties." + e.getKey());
                        validate(e.getValue(), path + ".properties." + e.getKey(), depth + 1);
                    }
                }
                JsonNode additional = config.get("additionalProperties");
                if (additional != null && !additional.isBoolean()) {
                    validate(additional, path + ".additionalProperties", depth + 1);
                }
                JsonNode required = config.get("required");
                if (required != null) {
                    try {
                        Body.texts(required, path + ".required");
                    } catch (RuntimeException e) {
                        throw Body.illegal("'" + path + ".required' must be an array of property names");
                    }
                }
            }
            case "array" -> {
                JsonNode items = config.get("items");
                if (items == null) {
                    throw Body.illegal("'" + path + ".items' is required for type array");
                }
                if (items.isArray()) {
                    if (items.isEmpty()) {
                        throw Body.illegal("'" + path + ".items' must not be an empty array");
                    }
                    int i = 0;
                    for (JsonNode item : items) {
                        validate(item, path + ".items[" + i++ + "]", depth + 1);
                    }
                } else {
                    validate(items, path + ".items", depth + 1);
                }
                if (config.has("contains")) {
                    validate(config.get("contains"), path + ".contains", depth + 1);
                }
                count(config, "minItems", path);
                count(config, "maxItems", path);
                order(config, "minItems", "maxItems", path);
            }
            case "string" -> {
                count(config, "minLength", path);
                count(config, "maxLength", path);
                order(config, "minLength", "maxLength", path);
                JsonNode pattern = config.get("pattern");
                if (pattern != null) {
                    if (!pattern.isString()) {
                        throw Body.illegal("'" + path + ".pattern' must be a regular expression string");
                    }
                    try {
                        Pattern.compile(pattern.stringValue());
                    } catch (PatternSyntaxException e) {
                        throw Body.illegal("'" + path + ".pattern' is not a valid regular expression: "
                                + e.getDescription());
                    }
                }
                JsonNode format = config.get("format");
                if (format != null && !(format.isString() && format.stringValue().equals("date-time"))) {
                    throw Body.illegal("'" + path + ".format' only supports \"date-time\"");
                }
                values(config, path, JsonNode::isString, "strings");
            }
            case "number" -> {
                number(config, "minimum", path);
                number(config, "maximum", path);
                if (config.has("minimum") && config.has("maximum")
                        && config.get("minimum").doubleValue() > config.get("maximum").doubleValue()) {
                    throw Body.illegal("'" + path + ".minimum' is larger than maximum");
                }
                values(config, path, JsonNode::isNumber, "numbers");
            }
            default -> values(config, path, JsonNode::isBoolean, "booleans");
        }
    }

    private static void values(JsonNode config, String path, java.util.function.Predicate<JsonNode> ok, String what) {
        JsonNode en = config.get("enum");
        if (en != null) {
            if (!en.isArray() || en.isEmpty()) {
                throw Body.illegal("'" + path + ".enum' must be a non-empty array of " + what);
            }
            for (JsonNode v : en) {
                if (!ok.test(v)) {
                    throw Body.illegal("'" + path + ".enum' must be a non-empty array of " + what);
                }
            }
        }
        JsonNode c = config.get("const");
        if (c != null && !ok.test(c)) {
            throw Body.illegal("'" + path + ".const' must be one of the " + what);
        }
    }

    private static void bool(JsonNode config, String key, String path) {
        JsonNode v = config.get(key);
        if (v != null && !v.isBoolean()) {
            throw Body.illegal("'" + path + "." + key + "' must be a boolean");
        }
    }

    private static void text(JsonNode config, String key, String path) {
        JsonNode v = config.get(key);
        if (v != null && !v.isString()) {
            throw Body.illegal("'" + path + "." + key + "' must be a string");
        }
    }

    private static void count(JsonNode config, String key, String path) {
        JsonNode v = config.get(key);
        if (v != null && !(v.isIntegralNumber() && v.canConvertToInt() && v.intValue() >= 0)) {
            throw Body.illegal("'" + path + "." + key + "' must be a non-negative integer");
        }
    }

    private static void order(JsonNode config, String min, String max, String path) {
        if (config.has(min) && config.has(max) && config.get(min).intValue() > config.get(max).intValue()) {
            throw Body.illegal("'" + path + "." + min + "' is larger than " + max);
        }
    }

    private static void number(JsonNode config, String key, String path) {
        JsonNode v = config.get(key);
        if (v != null && !v.isNumber()) {
            throw Body.illegal("'" + path + "." + key + "' must be a number");
        }
    }

    // ---- translation -------------------------------------------------------------------------------------------

    /** The JSON Schema of a whole document's {@code data}: an object with the schema's properties. */
    public static ObjectNode dataSchema(ObjectNode properties) {
        ObjectNode root = Json.object();
        root.put("type", "object");
        ObjectNode props = root.putObject("properties");
        properties.properties().forEach(e -> props.set(e.getKey(), toJsonSchema(e.getValue())));
        return root;
    }

    /** A TypeConfiguration (already validated) as JSON Schema 2020-12. */
    public static ObjectNode toJsonSchema(JsonNode config) {
        ObjectNode out = Json.object();
        String type = config.path("type").asString("");
        out.put("type", type);
        for (Map.Entry<String, JsonNode> e : config.properties()) {
            String key = e.getKey();
            JsonNode value = e.getValue();
            switch (key) {
                case "type", "queryable", "format" -> {
                }
                case "properties" -> {
                    ObjectNode props = out.putObject("properties");
                    value.properties().forEach(p -> props.set(p.getKey(), toJsonSchema(p.getValue())));
                }
                case "additionalProperties" ->
                        out.set(key, value.isBoolean() ? value : toJsonSchema(value));
                case "items" -> {
                    if (value.isArray()) {
                        ArrayNode prefix = out.putArray("prefixItems");
                        value.forEach(item -> prefix.add(toJsonSchema(item)));
                    } else {
                        out.set("items", toJsonSchema(value));
                    }
                }
                case "contains" -> out.set(key, toJsonSchema(value));
                default -> out.set(key, value.deepCopy());
            }
        }
        return out;
    }

    // ---- RQL types ---------------------------------------------------------------------------------------------

    /** The RQL field types of {@code data.*} paths the properties declare ({@code data.x.y}, arrays by items). */
    public static void fieldTypes(ObjectNode properties, String prefix, Map<String, FieldType> out) {
        fieldTypes(properties, prefix, out, 0);
    }

    private static void fieldTypes(JsonNode properties, String prefix, Map<String, FieldType> out, int depth) {
        if (properties == null || !properties.isObject() || depth > MAX_DEPTH) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : properties.properties()) {
            fieldType(e.getValue(), prefix + "." + e.getKey(), out, depth + 1);
        }
    }

    private static void fieldType(JsonNode config, String path, Map<String, FieldType> out, int depth) {
        if (config == null || !config.isObject() || depth > MAX_DEPTH) {
            return;
        }
        switch (config.path("type").asString("")) {
            case "string" -> out.put(path, "date-time".equals(config.path("format").asString(""))
                    ? FieldType.DATE_STRING : FieldType.STRING);
            case "number" -> out.put(path, FieldType.NUMBER);
            case "boolean" -> out.put(path, FieldType.BOOLEAN);
            case "object" -> fieldTypes(config.get("properties"), path, out, depth);
            case "array" -> {
                JsonNode items = config.get("items");
                if (items != null && items.isObject()) {
                    // eq(data.tags,x) matches an element; contains(data.list, eq(v,1)) resolves data.list.v
                    fieldType(items, path, out, depth + 1);
                }
            }
            default -> {
            }
        }
    }
}
