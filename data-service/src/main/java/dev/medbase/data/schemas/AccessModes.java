package dev.medbase.data.schemas;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.Document;
import tools.jackson.databind.JsonNode;

import dev.medbase.data.support.Body;

/**
 * The access modes of a schema (§7.1, data-service 1.4.0), with the legacy values mapped. A mode is "all users",
 * "permission required" (nobody without a bypass permission) or a set of relations between caller and document that
 * combine with OR.
 */
public record AccessModes(Mode create, Mode read, Mode update, Mode delete) {

    public enum Relation {
        CREATOR("creator"), LINKED_USERS("linkedUsers"), LINKED_GROUP_STAFF("linkedGroupStaff"),
        LINKED_GROUP_PATIENTS("linkedGroupPatients");

        final String wire;

        Relation(String wire) {
            this.wire = wire;
        }

        static Relation of(String wire) {
            for (Relation r : values()) {
                if (r.wire.equals(wire)) {
                    return r;
                }
            }
            return null;
        }
    }

    /** @param allUsers every authenticated user; else only {@code relations} (empty = permission required) */
    public record Mode(boolean allUsers, Set<Relation> relations) {
        static final Mode ALL_USERS = new Mode(true, Set.of());
        static final Mode PERMISSION_REQUIRED = new Mode(false, Set.of());

        static Mode of(Relation... relations) {
            EnumSet<Relation> set = EnumSet.noneOf(Relation.class);
            set.addAll(List.of(relations));
            return new Mode(false, Set.copyOf(set));
        }
    }

    public static final String DEFAULT_CREATE = "allUsers";
    public static final List<String> DEFAULT_READ = List.of("linkedUsers", "linkedGroupStaff");
    public static final List<String> DEFAULT_UPDATE = List.of("linkedUsers", "linkedGroupStaff");
    public static final String DEFAULT_DELETE = "permissionRequired";
    public static final List<String> GROUP_SYNC_MODES =
            List.of("disabled", "creatorPatientEnlistments", "linkedUsersPatientEnlistments");

    private static final Map<String, Mode> LEGACY_READ = Map.of(
            "default", Mode.of(Relation.LINKED_USERS, Relation.LINKED_GROUP_STAFF),
            "enlistedInLinkedGroups", Mode.of(Relation.LINKED_GROUP_PATIENTS, Relation.LINKED_GROUP_STAFF));
    private static final Map<String, Mode> LEGACY_UPDATE = Map.of(
            "default", Mode.of(Relation.LINKED_USERS, Relation.LINKED_GROUP_STAFF),
            "creatorOnly", Mode.of(Relation.CREATOR),
            "disabled", Mode.PERMISSION_REQUIRED,
            "linkedGroupsStaffOnly", Mode.of(Relation.LINKED_GROUP_STAFF));
    private static final Map<String, Mode> LEGACY_DELETE = Map.of(
            "linkedUsersOnly", Mode.of(Relation.LINKED_USERS, Relation.LINKED_GROUP_STAFF));

    static AccessModes of(Document schema) {
        return new AccessModes(
                parse("createMode", schema.get("createMode"), DEFAULT_CREATE),
                parse("readMode", schema.get("readMode"), DEFAULT_READ),
                parse("updateMode", schema.get("updateMode"), DEFAULT_UPDATE),
                parse("deleteMode", schema.get("deleteMode"), DEFAULT_DELETE));
    }

    private static Mode parse(String field, Object stored, Object fallback) {
        Object value = stored == null ? fallback : stored;
        Mode mode = mode(field, value);
        return mode == null ? mode(field, fallback) : mode;
    }

    /** The meaning of a mode value, or null when the value is not allowed for that field. */
    static Mode mode(String field, Object value) {
        if (value instanceof String s) {
            if (s.equals("permissionRequired")) {
                return Mode.PERMISSION_REQUIRED;
            }
            return switch (field) {
                case "createMode" -> s.equals("allUsers") || s.equals("default") ? Mode.ALL_USERS : null;
                case "readMode" -> s.equals("allUsers") ? Mode.ALL_USERS : LEGACY_READ.get(s);
                case "updateMode" -> LEGACY_UPDATE.get(s);
                case "deleteMode" -> LEGACY_DELETE.get(s);
                default -> null;
            };
        }
        if (value instanceof List<?> list && !field.equals("createMode") && !list.isEmpty()) {
            EnumSet<Relation> set = EnumSet.noneOf(Relation.class);
            for (Object item : list) {
                Relation r = item instanceof String s ? Relation.of(s) : null;
                if (r == null) {
                    return null;
                }
                set.add(r);
            }
            return new Mode(false, Set.copyOf(set));
        }
        return null;
    }

    /** Validates a mode from a request body and returns what to store (the value as given). 15 when invalid. */
    static Object input(String field, JsonNode value) {
        Object plain;
        if (value.isString()) {
            plain = value.stringValue();
        } else if (value.isArray()) {
            plain = Body.texts(value, field);
        } else {
            throw Body.format(field, "must be a string or an array of strings");
        }
        if (mode(field, plain) == null) {
            throw Body.format(field, "has an unsupported value " + value + allowed(field));
        }
        return plain instanceof List<?> l ? new ArrayList<>(l) : plain;
    }

    private static String allowed(String field) {
        return switch (field) {
            case "createMode" -> " (allowed: allUsers, permissionRequired)";
            case "readMode" -> " (allowed: allUsers, permissionRequired or an array of creator, linkedUsers,"
                    + " linkedGroupStaff, linkedGroupPatients)";
            default -> " (allowed: permissionRequired or an array of creator, linkedUsers, linkedGroupStaff,"
                    + " linkedGroupPatients)";
        };
    }
}
