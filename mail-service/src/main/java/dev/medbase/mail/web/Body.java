package dev.medbase.mail.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.bson.types.ObjectId;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * A JSON request body read field by field, so every problem gets the ExH code that names it: no body 13, a missing
 * required field 14, a field of the wrong type or shape 15, a malformed id 12. Keys are looked up as sent by the SDK
 * (snake_case for mail and templates v1, camelCase for templates v2) and in the other spelling too
 * ({@code reply_to} / {@code replyTo}), so both kinds of client work (contract §1.5).
 */
public final class Body {

    private final ObjectNode node;

    private Body(ObjectNode node) {
        this.node = node;
    }

    /** The body as an object: 13 when absent or {@code null}, 22 when it is JSON but not an object. */
    public static Body of(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw new ExhException(ExhError.EMPTY_BODY_EXCEPTION);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ExhException(ExhError.BODY_FORMAT_EXCEPTION, "The request body must be a JSON object");
        }
        return new Body(object);
    }

    /** An optional body: absent or empty means {@code {}}. */
    public static Body optional(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return new Body(tools.jackson.databind.node.JsonNodeFactory.instance.objectNode());
        }
        return of(node);
    }

    public static ExhException missing(String field) {
        return new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION, "'" + field + "' is required");
    }

    public static ExhException invalid(String field, String why) {
        return new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "'" + field + "' " + why);
    }

    /** The value under {@code key} or its other spelling; null when absent or JSON null. */
    public JsonNode get(String key) {
        JsonNode value = node.get(key);
        if (value == null) {
            String other = key.contains("_") ? camel(key) : snake(key);
            value = node.get(other);
        }
        return value == null || value.isNull() ? null : value;
    }

    /** Whether the key (either spelling) is present, even with {@code null}. */
    public boolean has(String key) {
        return node.has(key) || node.has(key.contains("_") ? camel(key) : snake(key));
    }

    public String string(String key, boolean required, int max) {
        JsonNode value = get(key);
        if (value == null) {
            if (required) {
                throw missing(key);
            }
            return null;
        }
        if (!value.isString()) {
            throw invalid(key, "must be a string");
        }
        String s = value.asString();
        if (s.length() > max) {
            throw invalid(key, "must be at most " + max + " characters long");
        }
        return s;
    }

    /** A non-blank string, trimmed. */
    public String text(String key, boolean required, int max) {
        String s = string(key, required, max);
        if (s != null && s.isBlank()) {
            throw invalid(key, "must not be empty");
        }
        return s == null ? null : s.trim();
    }

    /** An object value (its keys and values checked by {@link Values#toMap}); null when absent. */
    public Map<String, Object> object(String key, boolean required) {
        JsonNode value = get(key);
        if (value == null) {
            if (required) {
                throw missing(key);
            }
            return null;
        }
        if (!value.isObject()) {
            throw invalid(key, "must be an object");
        }
        return Values.toMap(key, value);
    }

    public JsonNode objectNode(String key, boolean required) {
        JsonNode value = get(key);
        if (value == null) {
            if (required) {
                throw missing(key);
            }
            return null;
        }
        if (!value.isObject()) {
            throw invalid(key, "must be an object");
        }
        return value;
    }

    /** A string or an array of strings (a single string is a list of one); null when absent. */
    public List<String> strings(String key, int maxItems, int maxLength) {
        return strings(key, get(key), maxItems, maxLength);
    }

    public static List<String> strings(String key, JsonNode value, int maxItems, int maxLength) {
        if (value == null || value.isNull()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        if (value.isString()) {
            out.add(value.asString());
        } else if (value.isArray()) {
            if (value.size() > maxItems) {
                throw invalid(key, "may hold at most " + maxItems + " values");
            }
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                if (!item.isString()) {
                    throw invalid(key + "[" + i + "]", "must be a string");
                }
                out.add(item.asString());
            }
        } else {
            throw invalid(key, "must be a string or an array of strings");
        }
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).length() > maxLength) {
                throw invalid(key, "values must be at most " + maxLength + " characters long");
            }
        }
        return out;
    }

    public ObjectNode node() {
        return node;
    }

    /** A path or body id: 12 when it is not a 24-hex ObjectId. */
    public static ObjectId id(String what, String value) {
        if (value == null || !ObjectId.isValid(value)) {
            throw new ExhException(ExhError.ID_FORMAT_EXCEPTION, "'" + what + "' must be a 24-character hexadecimal id");
        }
        return new ObjectId(value);
    }

    static String camel(String snake) {
        StringBuilder out = new StringBuilder(snake.length());
        boolean upper = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    static String snake(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 4);
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
