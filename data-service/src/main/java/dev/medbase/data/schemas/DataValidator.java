package dev.medbase.data.schemas;

import java.util.ArrayList;
import java.util.List;

import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.medbase.data.support.DateTimes;
import dev.medbase.data.support.Json;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * One TypeConfiguration compiled for validation (once per schema version, see {@link SchemaCache}): JSON Schema
 * 2020-12 through networknt json-schema-validator, plus the {@code date-time} handling of §7.2 — values are parsed
 * as lenient ISO-8601 and, where stored, normalised to UTC ({@code 2012-08-22T12:16:05.677Z}).
 */
public final class DataValidator {

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    /** At most this many problems are listed in an error message. */
    private static final int MAX_PROBLEMS = 5;

    private final JsonNode config;
    private final com.networknt.schema.Schema schema;
    private final boolean hasDateTimes;

    private DataValidator(JsonNode config, ObjectNode jsonSchema) {
        this.config = config;
        this.schema = REGISTRY.getSchema(jsonSchema.toString(), InputFormat.JSON);
        this.schema.initializeValidators();
        this.hasDateTimes = jsonSchemaMentionsDateTime(config);
    }

    /** The validator of a document's data: an object with the schema's properties (other keys allowed). */
    public static DataValidator forProperties(ObjectNode properties) {
        ObjectNode root = Json.object();
        root.put("type", "object");
        root.set("properties", properties);
        return new DataValidator(root, TypeConfigurations.dataSchema(properties));
    }

    /** The validator of a condition's configuration (a validated TypeConfiguration). */
    public static DataValidator forConfiguration(JsonNode configuration) {
        return new DataValidator(configuration, TypeConfigurations.toJsonSchema(configuration));
    }

    /**
     * Normalises the {@code date-time} values of {@code value} in place and validates it; 26 with a message naming
     * the failing paths (relative to {@code root}, e.g. {@code data.systolic}).
     *
     * @return the value to store (the same tree, or a replacement when the root itself was a date-time)
     */
    public JsonNode normalizeAndValidate(JsonNode value, String root) {
        List<String> problems = new ArrayList<>();
        JsonNode normalized = hasDateTimes ? dates(config, value, root, problems, true, 0) : value;
        if (problems.isEmpty()) {
            problems.addAll(schemaProblems(normalized, root));
        }
        if (!problems.isEmpty()) {
            throw failure(problems);
        }
        return normalized;
    }

    /** The problems of {@code value} without changing it (conditions: input conditions see the raw input). */
    public List<String> problems(JsonNode value, String root) {
        List<String> problems = new ArrayList<>();
        if (hasDateTimes) {
            dates(config, value, root, problems, false, 0);
        }
        if (problems.isEmpty()) {
            problems.addAll(schemaProblems(value, root));
        }
        return problems;
    }

    public static ExhException failure(List<String> problems) {
        List<String> shown = problems.size() > MAX_PROBLEMS ? problems.subList(0, MAX_PROBLEMS) : problems;
        String more = problems.size() > MAX_PROBLEMS ? " (and " + (problems.size() - MAX_PROBLEMS) + " more)" : "";
        return new ExhException(ExhError.ILLEGAL_ARGUMENT_EXCEPTION,
                "Validation failed: " + String.join("; ", shown) + more);
    }

    private List<String> schemaProblems(JsonNode value, String root) {
        List<com.networknt.schema.Error> errors = schema.validate(value);
        List<String> out = new ArrayList<>(errors.size());
        for (com.networknt.schema.Error error : errors) {
            com.networknt.schema.path.NodePath location = error.getInstanceLocation();
            StringBuilder path = new StringBuilder(root);
            if (location != null) {
                for (int i = 0; i < location.getNameCount(); i++) {
                    Object element = location.getElement(i);
                    if (element instanceof Number n) {
                        path.append('[').append(n).append(']');
                    } else {
                        path.append('.').append(element);
                    }
                }
            }
            String message = error.getMessage();
            String prefix = location == null ? null : location + ": ";
            if (message != null && prefix != null && message.startsWith(prefix)) {
                message = message.substring(prefix.length());
            }
            out.add(path + ": " + message);
        }
        return out;
    }

    private static boolean jsonSchemaMentionsDateTime(JsonNode config) {
        return config.toString().contains("\"date-time\"");
    }

    /** Walks value and configuration together; date-time strings are checked and (when {@code store}) replaced. */
    private static JsonNode dates(JsonNode config, JsonNode value, String path, List<String> problems, boolean store,
                                  int depth) {
        if (value == null || value.isNull() || config == null || !config.isObject() || depth > Json.MAX_DEPTH) {
            return value;
        }
        String type = config.path("type").asString("");
        if (type.equals("string") && value.isString() && "date-time".equals(config.path("format").asString(""))) {
            String normalized = DateTimes.normalize(value.stringValue());
            if (normalized == null) {
                problems.add(path + ": '" + Json.printable(value.stringValue()) + "' is not an ISO-8601 date-time");
                return value;
            }
            return store ? Json.NODES.stringNode(normalized) : value;
        }
        if (type.equals("object") && value.isObject()) {
            JsonNode props = config.get("properties");
            JsonNode additional = config.get("additionalProperties");
            ObjectNode object = (ObjectNode) value;
            for (String name : new ArrayList<>(object.propertyNames())) {
                JsonNode c = props != null && props.has(name) ? props.get(name)
                        : additional != null && additional.isObject() ? additional : null;
                if (c != null) {
                    JsonNode child = object.get(name);
                    JsonNode replaced = dates(c, child, path + "." + name, problems, store, depth + 1);
                    if (replaced != child) {
                        object.set(name, replaced);
                    }
                }
            }
            return value;
        }
        if (type.equals("array") && value.isArray()) {
            JsonNode items = config.get("items");
            tools.jackson.databind.node.ArrayNode array = (tools.jackson.databind.node.ArrayNode) value;
            for (int i = 0; i < array.size(); i++) {
                JsonNode c = items == null ? null : items.isArray() ? items.get(i) : items;
                if (c != null) {
                    JsonNode child = array.get(i);
                    JsonNode replaced = dates(c, child, path + "[" + i + "]", problems, store, depth + 1);
                    if (replaced != child) {
                        array.set(i, replaced);
                    }
                }
            }
        }
        return value;
    }
}
