package dev.medbase.data.workflows;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.medbase.data.DataProperties;
import dev.medbase.data.documents.Doc;
import dev.medbase.data.enlistments.EnlistmentStore;
import dev.medbase.data.schemas.CompiledSchema;
import dev.medbase.data.schemas.DataValidator;
import dev.medbase.data.schemas.Schema;
import dev.medbase.data.schemas.Schema.Transition;
import dev.medbase.data.support.Json;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.security.Caller;

/**
 * The state machine of §7.3, in memory: conditions, actions, automatic transition chains and afterActions. The
 * caller of these methods stores the resulting document in one write and publishes the {@link Effects}.
 *
 * <p>Conditions: {@code input} validates the raw transition input (the create body, or the transition's
 * {@code data}); {@code document} validates the whole document with the input merged and normalised; the
 * {@code initiatorHasRelationTo…} conditions look at the caller and the (merged) data. In automatic transitions
 * {@code input} conditions do not apply (there is no input) and pass.
 */
@Component
public class Workflow {

    private static final Logger log = LoggerFactory.getLogger(Workflow.class);

    private final EnlistmentStore enlistments;
    private final DataProperties properties;

    public Workflow(EnlistmentStore enlistments, DataProperties properties) {
        this.enlistments = enlistments;
        this.properties = properties;
    }

    /**
     * Document creation (§7.5 #19): input conditions on the body, property validation, document and initiator
     * conditions, actions, the creation transition's status, then automatic transitions and afterActions.
     */
    public void create(CompiledSchema compiled, Caller caller, ObjectNode input, Doc doc, Effects fx) {
        Schema schema = compiled.schema();
        Transition creation = schema.creationTransition();
        ObjectNode raw = input.deepCopy();
        doc.data = (ObjectNode) compiled.data().normalizeAndValidate(input, "data");
        if (creation == null) {
            throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION, "The schema has no creation transition");
        }
        String failure = conditions(compiled, creation, caller, raw, doc, false);
        if (failure != null) {
            throw new ExhException(ExhError.ILLEGAL_ARGUMENT_EXCEPTION,
                    "A condition of the creation transition is not met: " + failure);
        }
        run(compiled, creation, caller, doc, fx, false);
        automatic(compiled, caller, doc, fx);
        afterActions(fx);
    }

    /**
     * A manual transition (§7.5 #23) among {@code candidates} (all transitions with the requested id or name): the
     * first whose fromStatuses contain the current status and whose conditions pass. {@code input} (the request's
     * {@code data}, possibly null) overwrites matching top-level data fields first.
     *
     * @return the transition that ran
     */
    public Transition transition(CompiledSchema compiled, Caller caller, Doc doc, List<Transition> candidates,
                                 ObjectNode input, Effects fx, Predicate<Transition> allowed) {
        List<Transition> fromHere = candidates.stream().filter(t -> t.fromStatuses().contains(doc.status)).toList();
        if (fromHere.isEmpty()) {
            throw new ExhException(ExhError.ILLEGAL_ARGUMENT_EXCEPTION, "The transition is not allowed from status '"
                    + doc.status + "'");
        }
        fromHere = fromHere.stream().filter(allowed).toList();
        if (fromHere.isEmpty()) {
            throw new ExhException(ExhError.NO_PERMISSION_EXCEPTION, "Permission to run this transition is required");
        }
        ObjectNode raw = input == null ? Json.object() : input.deepCopy();
        if (input != null) {
            ObjectNode merged = doc.data.deepCopy();
            input.properties().forEach(e -> {
                if (e.getValue().isNull()) {
                    merged.remove(e.getKey());
                } else {
                    merged.set(e.getKey(), e.getValue());
                }
            });
            doc.data = (ObjectNode) compiled.data().normalizeAndValidate(merged, "data");
        }
        String firstFailure = null;
        for (Transition t : fromHere) {
            String failure = conditions(compiled, t, caller, raw, doc, false);
            if (failure == null) {
                run(compiled, t, caller, doc, fx, false);
                automatic(compiled, caller, doc, fx);
                afterActions(fx);
                return t;
            }
            firstFailure = firstFailure == null ? failure : firstFailure;
        }
        throw new ExhException(ExhError.ILLEGAL_ARGUMENT_EXCEPTION,
                "A condition of the transition is not met: " + firstFailure);
    }

    /** After a status change: the first automatic transition from the new status whose conditions hold, repeatedly. */
    void automatic(CompiledSchema compiled, Caller caller, Doc doc, Effects fx) {
        int ran = 0;
        while (true) {
            Transition next = null;
            for (Transition t : compiled.schema().transitions()) {
                if (t.automatic() && t.fromStatuses().contains(doc.status)
                        && conditions(compiled, t, caller, null, doc, true) == null) {
                    next = t;
                    break;
                }
            }
            if (next == null) {
                return;
            }
            if (ran++ >= properties.maxAutomaticTransitions()) {
                log.warn("Schema {}: more than {} automatic transitions in a row (a loop?), stopping at status '{}'",
                        compiled.schema().name(), properties.maxAutomaticTransitions(), doc.status);
                return;
            }
            run(compiled, next, caller, doc, fx, true);
        }
    }

    private void run(CompiledSchema compiled, Transition t, Caller caller, Doc doc, Effects fx, boolean automatic) {
        String from = doc.status;
        List<String> types = new ArrayList<>();
        for (ObjectNode action : t.actions()) {
            types.add(action.path("type").asString(""));
            act(compiled.schema(), t, action, caller, doc, fx);
        }
        doc.status = t.toStatus();
        doc.statusChangedTimestamp = new Date();
        fx.runs.add(new Effects.Run(t, from, t.toStatus(), automatic, types));
    }

    private static void afterActions(Effects fx) {
        for (Effects.Run run : List.copyOf(fx.runs)) {
            for (ObjectNode after : run.transition().afterActions()) {
                if ("task".equals(after.path("type").asString(""))) {
                    fx.tasks.add(task(after, run.transition(), true));
                }
            }
        }
    }

    // ---- conditions --------------------------------------------------------------------------------------------

    /** Null when every condition holds, else why the first one fails. */
    String conditions(CompiledSchema compiled, Transition t, Caller caller, ObjectNode input, Doc doc,
                      boolean automatic) {
        List<ObjectNode> conditions = t.conditions();
        for (int i = 0; i < conditions.size(); i++) {
            ObjectNode c = conditions.get(i);
            String type = c.path("type").asString("");
            String failure = switch (type) {
                case "input" -> {
                    if (automatic) {
                        yield null;
                    }
                    DataValidator v = compiled.condition(t, i);
                    List<String> problems = v.problems(input == null ? Json.object() : input, "input");
                    yield problems.isEmpty() ? null : String.join("; ", problems);
                }
                case "document" -> {
                    DataValidator v = compiled.condition(t, i);
                    List<String> problems = v.problems(doc.conditionView(), "document");
                    yield problems.isEmpty() ? null : String.join("; ", problems);
                }
                case "initiatorHasRelationToUserInData" -> userRelation(c, caller, doc);
                case "initiatorHasRelationToGroupInData" -> groupRelation(c, caller, doc);
                default -> null;
            };
            if (failure != null) {
                return "condition " + i + " (" + type + "): " + failure;
            }
        }
        return null;
    }

    private String userRelation(ObjectNode c, Caller caller, Doc doc) {
        String field = c.path("userIdField").asString("");
        JsonNode value = DataPaths.get(doc.data, field);
        if (value == null || !value.isString()) {
            return "data." + field + " does not hold a user id";
        }
        Set<String> targetGroups = enlistments.groupsOf(value.stringValue(), true);
        for (String group : targetGroups) {
            if (caller.isStaffOf(group)) {
                return null;
            }
        }
        return "the initiator is not staff of a group where user " + value.stringValue() + " is a patient";
    }

    private static String groupRelation(ObjectNode c, Caller caller, Doc doc) {
        String field = c.path("groupIdField").asString("");
        JsonNode value = DataPaths.get(doc.data, field);
        if (value == null || !value.isString()) {
            return "data." + field + " does not hold a group id";
        }
        String group = value.stringValue();
        String relation = c.path("relation").asString("");
        if (relation.equals("patient")) {
            return caller.isPatientOf(group) ? null : "the initiator is not a patient of group " + group;
        }
        if (!caller.isStaffOf(group)) {
            return "the initiator is not staff of group " + group;
        }
        JsonNode permission = c.get("requiredPermission");
        if (permission != null && permission.isString()
                && !caller.hasGroupPermission(group, permission.stringValue())) {
            return "the initiator lacks " + permission.stringValue() + " in group " + group;
        }
        return null;
    }

    // ---- actions -----------------------------------------------------------------------------------------------

    private void act(Schema schema, Transition t, ObjectNode action, Caller caller, Doc doc, Effects fx) {
        switch (action.path("type").asString("")) {
            case "set" -> DataPaths.set(doc.data, action.path("field").asString(""), action.get("value").deepCopy());
            case "unset" -> {
                JsonNode fields = action.has("fields") ? action.get("fields") : action.get("field");
                if (fields != null && fields.isArray()) {
                    fields.forEach(f -> DataPaths.unset(doc.data, f.asString("")));
                }
            }
            case "addItems" -> {
                String field = action.path("field").asString("");
                JsonNode current = DataPaths.get(doc.data, field);
                ArrayNode array = current != null && current.isArray() ? (ArrayNode) current : Json.array();
                for (JsonNode v : action.path("values")) {
                    if (!contains(array, v)) {
                        array.add(v.deepCopy());
                    }
                }
                DataPaths.set(doc.data, field, array);
            }
            case "removeItems" -> {
                JsonNode current = DataPaths.get(doc.data, action.path("field").asString(""));
                if (current != null && current.isArray()) {
                    ArrayNode array = (ArrayNode) current;
                    for (int i = array.size() - 1; i >= 0; i--) {
                        if (contains(action.path("values"), array.get(i))) {
                            array.remove(i);
                        }
                    }
                }
            }
            case "linkCreator" -> {
                if (doc.creatorId != null) {
                    doc.userIds.add(doc.creatorId);
                }
            }
            case "linkUserFromData" -> ids(DataPaths.get(doc.data, action.path("userIdField").asString("")))
                    .forEach(doc.userIds::add);
            case "linkGroupFromData" -> ids(DataPaths.get(doc.data, action.path("groupIdField").asString("")))
                    .forEach(doc.groupIds::add);
            case "linkEnlistedGroups" -> {
                boolean onlyActive = action.path("onlyActive").asBoolean(false);
                Set<String> groups = new LinkedHashSet<>(enlistments.groupsOf(doc.creatorId, onlyActive));
                if (doc.creatorId != null && doc.creatorId.equals(caller.userId())) {
                    groups.addAll(caller.patientGroups()); // what the creator's own token says, right now
                }
                doc.groupIds.addAll(groups);
            }
            case "task" -> fx.tasks.add(task(action, t, false));
            default -> {
                // delay, measurementReviewedNotification, algorithm: legacy, accepted and ignored
            }
        }
    }

    private static Effects.TaskRequest task(ObjectNode action, Transition t, boolean after) {
        JsonNode data = action.get("data");
        Integer priority = action.path("priority").isIntegralNumber() ? action.get("priority").intValue() : null;
        return new Effects.TaskRequest(action.path("functionName").asString(""), priority,
                data != null && data.isObject() ? (ObjectNode) data.deepCopy() : Json.object(), t, after);
    }

    private static boolean contains(JsonNode array, JsonNode value) {
        for (JsonNode item : array) {
            if (item.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> ids(JsonNode value) {
        List<String> ids = new ArrayList<>();
        if (value != null && value.isString()) {
            ids.add(value.stringValue());
        } else if (value != null && value.isArray()) {
            value.forEach(v -> {
                if (v.isString()) {
                    ids.add(v.stringValue());
                }
            });
        }
        return ids;
    }
}
