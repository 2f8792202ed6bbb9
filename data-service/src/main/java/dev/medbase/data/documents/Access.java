package dev.medbase.data.documents;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.springframework.data.mongodb.core.query.Criteria;

import dev.medbase.data.schemas.AccessModes;
import dev.medbase.data.schemas.AccessModes.Relation;
import dev.medbase.data.schemas.Schema;
import dev.medbase.platform.security.Caller;

/**
 * Who may do what with a schema's documents (§7.1 access modes and bypass permissions), in two equivalent forms: a
 * MongoDB criteria (so lists filter inside the query and {@code page.total} counts only what the caller may see) and
 * an in-memory check of one document.
 *
 * <p>A bypass permission is either global ({@code VIEW_DOCUMENTS}, {@code VIEW_DOCUMENTS:bp}) and then covers every
 * document of the schema, or a group permission of a staff member and then covers the documents whose
 * {@code groupIds} contain that group.
 */
public final class Access {

    public enum Op {
        READ("VIEW_DOCUMENTS"), UPDATE("UPDATE_DOCUMENTS"), DELETE("DELETE_DOCUMENTS"),
        /** Transitions: the update mode, UPDATE_DOCUMENTS, or TRANSITION_DOCUMENTS[:schema[:transition]]. */
        TRANSITION("TRANSITION_DOCUMENTS");

        final String permission;

        Op(String permission) {
            this.permission = permission;
        }
    }

    private Access() {
    }

    /**
     * The documents the caller may act on, or null when every document of the schema qualifies. For
     * {@link Op#TRANSITION}, {@code transitionNames} are the candidate transitions (a name may be null).
     */
    public static Criteria criteria(Caller caller, Schema schema, Op op, Collection<String> transitionNames) {
        if (globalBypass(caller, schema, op, transitionNames)) {
            return null;
        }
        AccessModes.Mode mode = mode(schema, op);
        if (mode.allUsers()) {
            return null;
        }
        List<Criteria> any = new ArrayList<>();
        String user = caller.userId();
        for (Relation relation : mode.relations()) {
            switch (relation) {
                case CREATOR -> any.add(Criteria.where("creatorId").is(user));
                case LINKED_USERS -> any.add(Criteria.where("userIds").is(user));
                case LINKED_GROUP_STAFF -> {
                    if (!caller.staffGroups().isEmpty()) {
                        any.add(Criteria.where("groupIds").in(caller.staffGroups().keySet()));
                    }
                }
                case LINKED_GROUP_PATIENTS -> {
                    if (!caller.patientGroups().isEmpty()) {
                        any.add(Criteria.where("groupIds").in(caller.patientGroups()));
                    }
                }
            }
        }
        List<String> bypassGroups = caller.staffGroups().keySet().stream()
                .filter(group -> groupBypass(caller, schema, op, group, transitionNames)).toList();
        if (!bypassGroups.isEmpty()) {
            any.add(Criteria.where("groupIds").in(bypassGroups));
        }
        if (any.isEmpty()) {
            return Criteria.where("_id").in(List.of()); // nothing
        }
        return any.size() == 1 ? any.get(0) : new Criteria().orOperator(any);
    }

    /** The same rule for one document in memory. */
    public static boolean allows(Caller caller, Schema schema, Op op, Doc doc, String transitionName) {
        List<String> names = transitionName == null ? nullList() : List.of(transitionName);
        if (globalBypass(caller, schema, op, names)) {
            return true;
        }
        AccessModes.Mode mode = mode(schema, op);
        if (mode.allUsers()) {
            return true;
        }
        String user = caller.userId();
        for (Relation relation : mode.relations()) {
            boolean holds = switch (relation) {
                case CREATOR -> user != null && user.equals(doc.creatorId);
                case LINKED_USERS -> user != null && doc.userIds.contains(user);
                case LINKED_GROUP_STAFF -> doc.groupIds.stream().anyMatch(caller::isStaffOf);
                case LINKED_GROUP_PATIENTS -> doc.groupIds.stream().anyMatch(caller::isPatientOf);
            };
            if (holds) {
                return true;
            }
        }
        return doc.groupIds.stream().anyMatch(group -> groupBypass(caller, schema, op, group, names));
    }

    /** createMode: every user, or CREATE_DOCUMENTS[:schema] (global only: a new document has no groups yet). */
    public static boolean mayCreate(Caller caller, Schema schema) {
        return schema.modes().create().allUsers() || caller.hasPermission("CREATE_DOCUMENTS", schema.name());
    }

    /** Link/unlink users and groups: UPDATE_ACCESS_TO_DOCUMENT[:schema], global only (§7.1). */
    public static boolean mayChangeAccess(Caller caller, Schema schema) {
        return caller.hasPermission("UPDATE_ACCESS_TO_DOCUMENT", schema.name());
    }

    private static AccessModes.Mode mode(Schema schema, Op op) {
        return switch (op) {
            case READ -> schema.modes().read();
            case UPDATE, TRANSITION -> schema.modes().update();
            case DELETE -> schema.modes().delete();
        };
    }

    private static boolean globalBypass(Caller caller, Schema schema, Op op, Collection<String> transitionNames) {
        if (caller.hasPermission(op == Op.TRANSITION ? "UPDATE_DOCUMENTS" : op.permission, schema.name())) {
            return true;
        }
        if (op == Op.TRANSITION) {
            for (String name : transitionNames) {
                if (name == null ? caller.hasPermission(op.permission, schema.name())
                        : caller.hasPermission(op.permission, schema.name(), name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean groupBypass(Caller caller, Schema schema, Op op, String group,
                                       Collection<String> transitionNames) {
        if (caller.hasGroupPermission(group, op == Op.TRANSITION ? "UPDATE_DOCUMENTS" : op.permission,
                schema.name())) {
            return true;
        }
        if (op == Op.TRANSITION) {
            for (String name : transitionNames) {
                if (name == null ? caller.hasGroupPermission(group, op.permission, schema.name())
                        : caller.hasGroupPermission(group, op.permission, schema.name(), name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> nullList() {
        List<String> list = new ArrayList<>(1);
        list.add(null);
        return list;
    }
}
