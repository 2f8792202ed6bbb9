package dev.medbase.tasks.support;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Reads a JSON request body with ExH errors: no body 13, not an object 22, a missing required field 14, a wrong type
 * or format 15, a field the endpoint does not know 15.
 */
public final class Body {

    private final ObjectNode node;

    private Body(ObjectNode node) {
        this.node = node;
    }

    public static Body of(JsonNode body) {
        if (body == null || body.isMissingNode() || body.isNull()) {
            throw new ExhException(ExhError.EMPTY_BODY_EXCEPTION);
        }
        if (!body.isObject()) {
            throw new ExhException(ExhError.BODY_FORMAT_EXCEPTION, "The request body must be a JSON object");
        }
        return new Body((ObjectNode) body);
    }

    /** An absent body reads as {@code {}} (for action endpoints such as cancel). */
    public static Body orEmpty(JsonNode body, tools.jackson.databind.json.JsonMapper json) {
        return body == null || body.isMissingNode() || body.isNull() ? new Body(json.createObjectNode()) : of(body);
    }

    public Body allowOnly(Set<String> fields) {
        for (String name : node.propertyNames()) {
            if (!fields.contains(name)) {
                throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "Unknown field '" + name + "'");
            }
        }
        return this;
    }

    public boolean present(String field) {
        return node.hasNonNull(field);
    }

    public JsonNode get(String field) {
        return node.get(field);
    }

    public String requiredText(String field) {
        String v = text(field);
        if (v == null) {
            throw missing(field);
        }
        return v;
    }

    public String text(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw format(field, "must be a string");
        }
        return v.stringValue();
    }

    public Integer integer(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw format(field, "must be an integer");
        }
        return v.intValue();
    }

    public Boolean bool(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw format(field, "must be a boolean");
        }
        return v.booleanValue();
    }

    public ObjectNode object(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw format(field, "must be an object");
        }
        return (ObjectNode) v;
    }

    public List<String> strings(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw format(field, "must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isString()) {
                throw format(field, "must be an array of strings");
            }
            out.add(e.stringValue());
        }
        return out;
    }

    /** ISO-8601 text or epoch milliseconds. */
    public Instant instant(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return Instant.ofEpochMilli(v.longValue());
        }
        if (v.isString()) {
            try {
                return OffsetDateTime.parse(v.stringValue()).toInstant();
            } catch (DateTimeParseException e) {
                // below
            }
        }
        throw format(field, "must be an ISO-8601 date-time");
    }

    public static ExhException missing(String field) {
        return new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION, "Field '" + field + "' is required");
    }

    public static ExhException format(String field, String what) {
        return new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "Field '" + field + "' " + what);
    }
}
