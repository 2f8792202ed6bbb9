package dev.medbase.data.schemas;

import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.medbase.data.support.Body;
import dev.medbase.data.support.Json;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * A property path in dot notation ({@code address.street}, §7.5 #7–9): each parent segment names an object property
 * (or an array property whose items are objects), and the last segment the property itself.
 */
record PropertyPath(List<String> parents, String leaf) {

    static PropertyPath parse(String path) {
        if (path == null || path.isEmpty() || path.length() > 1000) {
            throw Body.illegal("The property path must be a dot path such as 'address.street'");
        }
        String[] segments = path.split("\\.", -1);
        for (String segment : segments) {
            TypeConfigurations.checkName(segment, path);
        }
        return new PropertyPath(List.of(segments).subList(0, segments.length - 1), segments[segments.length - 1]);
    }

    /**
     * The properties map holding the leaf (16 when a parent is unknown or not an object). With {@code create}, an
     * object parent without a properties map gets one.
     */
    ObjectNode container(ObjectNode root, boolean create) {
        ObjectNode container = root;
        StringBuilder walked = new StringBuilder();
        for (String segment : parents) {
            walked.append(walked.length() == 0 ? "" : ".").append(segment);
            JsonNode config = container.get(segment);
            if (config != null && "array".equals(config.path("type").asString("")) && config.path("items").isObject()) {
                config = config.get("items");
            }
            if (config == null || !config.isObject() || !"object".equals(config.path("type").asString(""))) {
                throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION,
                        "The parent property '" + Json.printable(walked.toString()) + "' is unknown or not an object");
            }
            JsonNode props = config.get("properties");
            if (props == null || !props.isObject()) {
                if (!create) {
                    throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION,
                            "The property '" + Json.printable(walked + "." + leaf) + "' is unknown");
                }
                props = ((ObjectNode) config).putObject("properties");
            }
            container = (ObjectNode) props;
        }
        return container;
    }

    /** Drops the leaf from its parent object's {@code required} list, so the schema stays consistent. */
    void removeFromRequired(ObjectNode root) {
        if (parents.isEmpty()) {
            return;
        }
        ObjectNode container = root;
        JsonNode parent = null;
        for (String segment : parents) {
            parent = container.get(segment);
            if (parent != null && "array".equals(parent.path("type").asString(""))) {
                parent = parent.get("items");
            }
            if (parent == null || !parent.has("properties")) {
                return;
            }
            container = (ObjectNode) parent.get("properties");
        }
        if (parent != null && parent.get("required") instanceof ArrayNode required) {
            for (int i = required.size() - 1; i >= 0; i--) {
                if (leaf.equals(required.get(i).asString(""))) {
                    required.remove(i);
                }
            }
        }
    }
}
