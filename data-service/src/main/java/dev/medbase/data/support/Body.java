package dev.medbase.data.support;

import java.util.ArrayList;
import java.util.List;

import org.bson.types.ObjectId;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Reads fields of a JSON request body with ExH errors: a missing body is 13, a missing required field 14, a value of
 * the wrong type or format 15.
 */
public final class Body {

    private final ObjectNode node;

    private Body(ObjectNode node) {
        this.node = node;
    }

    /** The body as an object; null or empty (no body at all) is 13, any other JSON value 22. */
    public static Body of(JsonNode body) {
        return new Body(object(body));
    }

    /** The body as a JSON object (13 when absent, 22 when not an object). */
    public static ObjectNode object(JsonNode body) {
        if (body == null || body.isMissingNode() || body.isNull()) {
            throw new ExhException(ExhError.EMPTY_BODY_EXCEPTION);
        }
        if (!body.isObject()) {
            throw new ExhException(ExhError.BODY_FORMAT_EXCEPTION, "The request body must be a JSON object");
        }
        return (ObjectNode) body;
    }

    public ObjectNode node() {
        return node;
    }

    public boolean has(String field) {
        return node.has(field);
    }

    /** Present and not null. */
    public boolean present(String field) {
        return node.hasNonNull(field);
    }

    public JsonNode get(String field) {
        return node.get(field);
    }

    public String requiredText(String field) {
        String value = text(field);
        if (value == null) {
            throw missing(field);
        }
        return value;
    }

    public String text(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw format(field, "must be a string");
        }
        return value.stringValue();
    }

    public Integer integer(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            if (value.isNumber() && value.canConvertToExactIntegral() && value.canConvertToInt()) {
                return value.intValue();
            }
            throw format(field, "must be an integer");
        }
        return value.intValue();
    }

    public Boolean bool(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw format(field, "must be a boolean");
        }
        return value.booleanValue();
    }

    /** A string array, or null when absent. */
    public List<String> texts(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        return texts(value, field);
    }

    public static List<String> texts(JsonNode value, String field) {
        if (!value.isArray()) {
            throw format(field, "must be an array of strings");
        }
        List<String> out = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isString()) {
                throw format(field, "must be an array of strings");
            }
            out.add(item.stringValue());
        }
        return out;
    }

    /** An array of ObjectId strings (15 for anything else), or null when absent. */
    public List<String> objectIds(String field) {
        List<String> ids = texts(field);
        if (ids != null) {
            for (String id : ids) {
                if (!ObjectId.isValid(id) || id.length() != 24) {
                    throw format(field, "must contain ObjectIds (24 hexadecimal characters), not '"
                            + Json.printable(id) + "'");
                }
            }
            return ids.stream().map(String::toLowerCase).distinct().toList();
        }
        return null;
    }

    public ObjectNode objectField(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw format(field, "must be an object");
        }
        return (ObjectNode) value;
    }

    public static ExhException missing(String field) {
        return new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION, "The field '" + field + "' is required");
    }

    public static ExhException format(String field, String problem) {
        return new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "The field '" + field + "' " + problem);
    }

    public static ExhException illegal(String message) {
        return new ExhException(ExhError.ILLEGAL_ARGUMENT_EXCEPTION, message);
    }
}
