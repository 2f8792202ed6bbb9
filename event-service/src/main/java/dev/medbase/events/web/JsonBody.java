package dev.medbase.events.web;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.bson.types.ObjectId;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * A JSON request body read field by field, so each kind of bad input gets its ExH code (contract §3.4): no body 13,
 * not an object 22, a missing required field 14, a wrong type, bad format or unknown field 15. Field names in messages
 * are paths ({@code recipients.to[1]}).
 */
public final class JsonBody {

    private final JsonNode node;
    private final String path;

    private JsonBody(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** The body of a request that needs one. */
    public static JsonBody of(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            throw new ExhException(ExhError.EMPTY_BODY_EXCEPTION);
        }
        if (!body.isObject()) {
            throw new ExhException(ExhError.BODY_FORMAT_EXCEPTION, "The request body must be a JSON object");
        }
        return new JsonBody(body, "");
    }

    /** The body of a request that may have none (axios sends an empty body for {@code post(url)}): {@code {}} then. */
    public static JsonBody orEmpty(JsonNode body) {
        return body == null || body.isNull() || body.isMissingNode()
                ? new JsonBody(tools.jackson.databind.node.JsonNodeFactory.instance.objectNode(), "")
                : of(body);
    }

    public JsonNode node() {
        return node;
    }

    /** 15 for any field not named. */
    public JsonBody allowOnly(String... names) {
        Set<String> allowed = new LinkedHashSet<>(Arrays.asList(names));
        for (String name : node.propertyNames()) {
            if (!allowed.contains(name)) {
                throw invalid("Unknown field '" + path(name) + "'");
            }
        }
        return this;
    }

    /** Present and not null. */
    public boolean has(String name) {
        JsonNode value = node.get(name);
        return value != null && !value.isNull();
    }

    /** Present, possibly null (a null in a partial update unsets the field). */
    public boolean contains(String name) {
        return node.has(name);
    }

    public String requiredText(String name, int maxLength) {
        return optionalText(name, maxLength).orElseThrow(() -> missing(name));
    }

    public Optional<String> optionalText(String name, int maxLength) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        return Optional.of(text(value, path(name), maxLength));
    }

    public Optional<Boolean> optionalBoolean(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw wrongType(path(name), "a boolean");
        }
        return Optional.of(value.booleanValue());
    }

    public Optional<Integer> optionalInt(String name, int min, int max) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min
                || value.longValue() > max) {
            throw invalid("Field '" + path(name) + "' must be an integer from " + min + " to " + max);
        }
        return Optional.of((int) value.longValue());
    }

    /** A 24-hex ObjectId given as a string. */
    public Optional<ObjectId> optionalObjectId(String name) {
        return optionalText(name, 24).map(text -> {
            if (!ObjectId.isValid(text)) {
                throw invalid("Field '" + path(name) + "' must be a 24-hex id");
            }
            return new ObjectId(text);
        });
    }

    /** An ISO-8601 timestamp or epoch milliseconds (the SDK sends ISO for {@code Date} values). */
    public Optional<Instant> optionalTimestamp(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return Optional.of(Instant.ofEpochMilli(value.longValue()));
        }
        if (value.isString()) {
            try {
                return Optional.of(Instant.parse(value.stringValue()));
            } catch (DateTimeParseException e) {
                // fall through
            }
        }
        throw invalid("Field '" + path(name) + "' must be an ISO-8601 timestamp or epoch milliseconds");
    }

    /** A JSON object (any content), as a node. */
    public Optional<JsonNode> optionalObject(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isObject()) {
            throw wrongType(path(name), "an object");
        }
        return Optional.of(value);
    }

    /** A nested object read with the same rules. */
    public Optional<JsonBody> optionalBody(String name) {
        return optionalObject(name).map(value -> new JsonBody(value, path(name)));
    }

    public JsonBody requiredBody(String name) {
        return optionalBody(name).orElseThrow(() -> missing(name));
    }

    /** An array of non-empty strings. */
    public Optional<List<String>> optionalTextList(String name, int maxItems, int maxLength) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isArray()) {
            throw wrongType(path(name), "an array of strings");
        }
        if (value.size() > maxItems) {
            throw invalid("Field '" + path(name) + "' has more than " + maxItems + " items");
        }
        List<String> items = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            items.add(text(value.get(i), path(name) + "[" + i + "]", maxLength));
        }
        return Optional.of(items);
    }

    /** An array of objects, each read with the same rules. */
    public Optional<List<JsonBody>> optionalBodyList(String name, int maxItems) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isArray()) {
            throw wrongType(path(name), "an array of objects");
        }
        if (value.size() > maxItems) {
            throw invalid("Field '" + path(name) + "' has more than " + maxItems + " items");
        }
        List<JsonBody> items = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            String itemPath = path(name) + "[" + i + "]";
            if (item == null || !item.isObject()) {
                throw wrongType(itemPath, "an object");
            }
            items.add(new JsonBody(item, itemPath));
        }
        return Optional.of(items);
    }

    public ExhException missing(String name) {
        return new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION, "Field '" + path(name) + "' is required");
    }

    public ExhException invalid(String message) {
        return new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, message);
    }

    public String path(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private String text(JsonNode value, String fieldPath, int maxLength) {
        if (value == null || !value.isString()) {
            throw wrongType(fieldPath, "a string");
        }
        String text = value.stringValue();
        if (text.isBlank()) {
            throw invalid("Field '" + fieldPath + "' must not be empty");
        }
        if (text.length() > maxLength) {
            throw invalid("Field '" + fieldPath + "' is longer than " + maxLength + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                throw invalid("Field '" + fieldPath + "' contains control characters");
            }
        }
        return text;
    }

    private ExhException wrongType(String fieldPath, String expected) {
        return invalid("Field '" + fieldPath + "' must be " + expected);
    }
}
