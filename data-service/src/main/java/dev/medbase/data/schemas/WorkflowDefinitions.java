package dev.medbase.data.schemas;

import java.util.List;
import java.util.Set;

import org.bson.types.ObjectId;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.medbase.data.support.Body;
import dev.medbase.data.support.Json;

/**
 * Validation of transitions, conditions and actions (§7.3) as an admin defines them; every problem is 26 naming the
 * path. What passes is stored as given (known keys only for the transition itself, conditions and actions verbatim).
 */
public final class WorkflowDefinitions {

    static final Set<String> CONDITIONS = Set.of("input", "document", "initiatorHasRelationToUserInData",
            "initiatorHasRelationToGroupInData");
    static final Set<String> ACTIONS = Set.of("set", "unset", "addItems", "removeItems", "linkCreator",
            "linkUserFromData", "linkEnlistedGroups", "linkGroupFromData", "delay", "task",
            "measurementReviewedNotification", "algorithm");
    static final Set<String> AFTER_ACTIONS = Set.of("task", "notifyAlgoQueueManager");
    private static final int MAX_ITEMS = 100;

    private WorkflowDefinitions() {
    }

    /** {@code {type, toStatus, conditions?, actions?, afterActions?}}. */
    public static ObjectNode creationTransition(JsonNode body, Set<String> statuses) {
        ObjectNode in = Body.object(body);
        ObjectNode out = Json.object();
        out.put("type", type(in, "creationTransition"));
        out.put("toStatus", status(in.get("toStatus"), statuses, "creationTransition.toStatus"));
        parts(in, out, "creationTransition");
        return out;
    }

    /** {@code {id, name?, type, fromStatuses, toStatus, conditions?, actions?, afterActions?}}. */
    public static ObjectNode transition(JsonNode body, Set<String> statuses, String id) {
        ObjectNode in = Body.object(body);
        ObjectNode out = Json.object();
        out.put("id", id == null ? new ObjectId().toHexString() : id);
        JsonNode name = in.get("name");
        if (name != null && !name.isNull()) {
            if (!name.isString() || name.stringValue().isBlank() || name.stringValue().length() > 100) {
                throw Body.illegal("'transition.name' must be a non-empty string of at most 100 characters");
            }
            out.put("name", name.stringValue());
        }
        out.put("type", type(in, "transition"));
        JsonNode from = in.get("fromStatuses");
        if (from == null || !from.isArray() || from.isEmpty()) {
            throw Body.illegal("'transition.fromStatuses' must be a non-empty array of statuses");
        }
        ArrayNode fromOut = out.putArray("fromStatuses");
        int i = 0;
        for (JsonNode s : from) {
            fromOut.add(status(s, statuses, "transition.fromStatuses[" + i++ + "]"));
        }
        out.put("toStatus", status(in.get("toStatus"), statuses, "transition.toStatus"));
        parts(in, out, "transition");
        return out;
    }

    private static String type(ObjectNode in, String path) {
        JsonNode type = in.get("type");
        if (type == null || type.isNull()) {
            return "manual";
        }
        if (!type.isString() || !(type.stringValue().equals("manual") || type.stringValue().equals("automatic"))) {
            throw Body.illegal("'" + path + ".type' must be manual or automatic");
        }
        return type.stringValue();
    }

    private static String status(JsonNode value, Set<String> statuses, String path) {
        if (value == null || !value.isString()) {
            throw Body.illegal("'" + path + "' must name a status of the schema");
        }
        if (!statuses.contains(value.stringValue())) {
            throw Body.illegal("'" + path + "' names the unknown status '" + Json.printable(value.stringValue()) + "'");
        }
        return value.stringValue();
    }

    private static void parts(ObjectNode in, ObjectNode out, String path) {
        ArrayNode conditions = list(in, "conditions", path);
        if (conditions != null) {
            int i = 0;
            for (JsonNode c : conditions) {
                condition(c, path + ".conditions[" + i++ + "]");
            }
            out.set("conditions", conditions);
        }
        ArrayNode actions = list(in, "actions", path);
        if (actions != null) {
            int i = 0;
            for (JsonNode a : actions) {
                action(a, path + ".actions[" + i++ + "]", ACTIONS);
            }
            out.set("actions", actions);
        }
        ArrayNode after = list(in, "afterActions", path);
        if (after != null) {
            int i = 0;
            for (JsonNode a : after) {
                action(a, path + ".afterActions[" + i++ + "]", AFTER_ACTIONS);
            }
            out.set("afterActions", after);
        }
    }

    private static ArrayNode list(ObjectNode in, String key, String path) {
        JsonNode value = in.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray() || value.size() > MAX_ITEMS) {
            throw Body.illegal("'" + path + "." + key + "' must be an array of at most " + MAX_ITEMS + " items");
        }
        return (ArrayNode) value.deepCopy();
    }

    static void condition(JsonNode c, String path) {
        String type = kind(c, path, CONDITIONS);
        switch (type) {
            case "input", "document" -> {
                JsonNode config = c.get("configuration");
                if (config == null) {
                    throw Body.illegal("'" + path + ".configuration' is required");
                }
                TypeConfigurations.validate(config, path + ".configuration");
                DataValidator.forConfiguration(config); // compiles: a definition the validator refuses fails here
            }
            case "initiatorHasRelationToUserInData" -> {
                fieldPath(c, "userIdField", path);
                JsonNode relation = c.get("relation");
                if (relation != null && !(relation.isString() && relation.stringValue().equals("isStaffOfTargetPatient"))) {
                    throw Body.illegal("'" + path + ".relation' must be isStaffOfTargetPatient");
                }
            }
            default -> {
                fieldPath(c, "groupIdField", path);
                JsonNode relation = c.get("relation");
                if (relation == null || !relation.isString()
                        || !List.of("staff", "patient").contains(relation.stringValue())) {
                    throw Body.illegal("'" + path + ".relation' must be staff or patient");
                }
                JsonNode permission = c.get("requiredPermission");
                if (permission != null && !permission.isNull() && !permission.isString()) {
                    throw Body.illegal("'" + path + ".requiredPermission' must be a string");
                }
            }
        }
    }

    static void action(JsonNode a, String path, Set<String> allowed) {
        String type = kind(a, path, allowed);
        switch (type) {
            case "set" -> {
                fieldPath(a, "field", path);
                if (!a.has("value")) {
                    throw Body.illegal("'" + path + ".value' is required");
                }
                Json.toBsonValue(a.get("value"), path + ".value");
            }
            case "unset" -> {
                JsonNode fields = a.has("fields") ? a.get("fields") : a.get("field");
                if (fields == null || !fields.isArray() || fields.isEmpty()) {
                    throw Body.illegal("'" + path + ".fields' must be a non-empty array of field paths");
                }
                for (JsonNode f : fields) {
                    if (!f.isString()) {
                        throw Body.illegal("'" + path + ".fields' must be a non-empty array of field paths");
                    }
                    checkPath(f.stringValue(), path + ".fields");
                }
            }
            case "addItems", "removeItems" -> {
                fieldPath(a, "field", path);
                JsonNode values = a.get("values");
                if (values == null || !values.isArray()) {
                    throw Body.illegal("'" + path + ".values' must be an array");
                }
                Json.toBsonValue(values, path + ".values");
            }
            case "linkUserFromData" -> fieldPath(a, "userIdField", path);
            case "linkGroupFromData" -> fieldPath(a, "groupIdField", path);
            case "linkEnlistedGroups" -> {
                JsonNode onlyActive = a.get("onlyActive");
                if (onlyActive != null && !onlyActive.isNull() && !onlyActive.isBoolean()) {
                    throw Body.illegal("'" + path + ".onlyActive' must be a boolean");
                }
            }
            case "delay" -> {
                JsonNode time = a.get("time");
                if (time != null && !time.isNumber()) {
                    throw Body.illegal("'" + path + ".time' must be a number");
                }
            }
            case "task" -> {
                JsonNode functionName = a.get("functionName");
                if (functionName == null || !functionName.isString() || functionName.stringValue().isBlank()) {
                    throw Body.illegal("'" + path + ".functionName' is required");
                }
                JsonNode priority = a.get("priority");
                if (priority != null && !priority.isNull() && !priority.isIntegralNumber()) {
                    throw Body.illegal("'" + path + ".priority' must be an integer");
                }
                JsonNode data = a.get("data");
                if (data != null && !data.isNull() && !data.isObject()) {
                    throw Body.illegal("'" + path + ".data' must be an object");
                }
            }
            default -> {
            }
        }
        Json.toBsonValue(a, path); // storable
    }

    private static String kind(JsonNode node, String path, Set<String> allowed) {
        if (node == null || !node.isObject()) {
            throw Body.illegal("'" + path + "' must be an object");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isString() || !allowed.contains(type.stringValue())) {
            throw Body.illegal("'" + path + ".type' must be one of " + String.join(", ", allowed.stream().sorted().toList()));
        }
        return type.stringValue();
    }

    private static void fieldPath(JsonNode node, String key, String path) {
        JsonNode value = node.get(key);
        if (value == null || !value.isString()) {
            throw Body.illegal("'" + path + "." + key + "' is required: a field path in data");
        }
        checkPath(value.stringValue(), path + "." + key);
    }

    /** A dot path inside data: non-empty segments MongoDB can address. */
    public static void checkPath(String path, String where) {
        if (path.isEmpty() || path.length() > 500) {
            throw Body.illegal("'" + where + "' must be a field path in data");
        }
        for (String segment : path.split("\\.", -1)) {
            if (segment.isEmpty() || segment.charAt(0) == '$' || segment.indexOf('\0') >= 0) {
                throw Body.illegal("'" + where + "' has an invalid field path '" + Json.printable(path) + "'");
            }
        }
    }
}
