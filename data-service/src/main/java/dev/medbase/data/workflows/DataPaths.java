package dev.medbase.data.workflows;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Dot paths inside document data ({@code location.latitude}), over objects. */
public final class DataPaths {

    private DataPaths() {
    }

    public static JsonNode get(JsonNode root, String path) {
        JsonNode node = root;
        for (String segment : path.split("\\.")) {
            if (node == null || !node.isObject()) {
                return null;
            }
            node = node.get(segment);
        }
        return node;
    }

    /** Sets the value, creating (or replacing non-object) intermediate objects. */
    public static void set(ObjectNode root, String path, JsonNode value) {
        String[] segments = path.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < segments.length - 1; i++) {
            JsonNode next = node.get(segments[i]);
            if (next == null || !next.isObject()) {
                next = node.putObject(segments[i]);
            }
            node = (ObjectNode) next;
        }
        node.set(segments[segments.length - 1], value);
    }

    /** Removes the value; true when there was one. */
    public static boolean unset(ObjectNode root, String path) {
        String[] segments = path.split("\\.");
        JsonNode node = root;
        for (int i = 0; i < segments.length - 1; i++) {
            node = node.get(segments[i]);
            if (node == null || !node.isObject()) {
                return false;
            }
        }
        return ((ObjectNode) node).remove(segments[segments.length - 1]) != null;
    }
}
