package dev.medbase.data.documents;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.medbase.data.enlistments.GroupSync;
import dev.medbase.data.history.HistoryStore;
import dev.medbase.data.schemas.CompiledSchema;
import dev.medbase.data.schemas.Schema;
import dev.medbase.data.schemas.SchemaService;
import dev.medbase.data.schemas.SchemaStore;
import dev.medbase.data.schemas.WorkflowDefinitions;
import dev.medbase.data.support.Body;
import dev.medbase.data.support.DataEvents;
import dev.medbase.data.support.Json;
import dev.medbase.data.support.QueryTimeouts;
import dev.medbase.data.workflows.DataPaths;
import dev.medbase.data.workflows.Effects;
import dev.medbase.data.workflows.Workflow;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;

/** Documents (§7.4, §7.5 #19–31): create, list, update, delete, transition, fields, access links, array objects. */
@Service
public class DocumentService {

    /** Reads and compare-and-sets of one write before it gives up with 415 (each lost CAS means a concurrent write). */
    private static final int CAS_ATTEMPTS = 3;

    private final SchemaStore schemas;
    private final DocumentStore store;
    private final Workflow workflow;
    private final DataEvents events;
    private final HistoryStore history;
    private final GroupSync groupSync;

    public DocumentService(SchemaStore schemas, DocumentStore store, Workflow workflow, DataEvents events,
                           HistoryStore history, GroupSync groupSync) {
        this.schemas = schemas;
        this.store = store;
        this.workflow = workflow;
        this.events = events;
        this.history = history;
        this.groupSync = groupSync;
    }

    // ---- create and read ---------------------------------------------------------------------------------------

    /** The schema a caller may create documents in (checked before the body is read). */
    public CompiledSchema creatable(Caller caller, String path) {
        caller.requireUser();
        CompiledSchema compiled = schemas.resolve(path);
        Schema schema = writable(compiled);
        if (!Access.mayCreate(caller, schema)) {
            throw noPermission("CREATE_DOCUMENTS");
        }
        return compiled;
    }

    public Map<String, Object> create(Caller caller, String path, JsonNode body) {
        return create(caller, creatable(caller, path), body);
    }

    public Map<String, Object> create(Caller caller, CompiledSchema compiled, JsonNode body) {
        Schema schema = compiled.schema();
        ObjectNode input = data(body);
        Doc doc = new Doc();
        doc.id = new ObjectId();
        doc.creatorId = caller.userId();
        doc.creationTimestamp = new Date();
        doc.updateTimestamp = doc.creationTimestamp;
        Effects fx = new Effects();
        workflow.create(compiled, caller, input, doc, fx);
        groupSync.apply(schema, doc, caller);
        store.insert(schema, doc.toBson());
        Map<String, Object> content = base(schema, doc);
        content.put("creatorId", doc.creatorId);
        content.put("status", doc.status);
        content.put("userIds", List.copyOf(doc.userIds));
        content.put("groupIds", List.copyOf(doc.groupIds));
        events.publish("document_created", doc.idHex(), content);
        publishEffects(schema, doc, caller, fx);
        history.record(schema, doc.idHex(), "create", caller.userId(), doc, fx.runs(), null);
        return doc.toWire();
    }

    public PageEnvelope<Map<String, Object>> list(Caller caller, String path, RqlQuery rql) {
        caller.requireUser();
        CompiledSchema compiled = schemas.resolve(path);
        Schema schema = compiled.schema();
        Criteria access = Access.criteria(caller, schema, Access.Op.READ, List.of());
        Query query = store.maxTime(compiled.documentQueries().toQuery(rql, access));
        return QueryTimeouts.guard(() -> RqlPaging.find(store.mongo(), query, rql, Document.class,
                schema.documentsCollection(), DocumentWire::toWire));
    }

    // ---- changes under the lock --------------------------------------------------------------------------------

    public Map<String, Object> update(Caller caller, String path, String documentId, RqlQuery rql, JsonNode body) {
        caller.requireUser();
        CompiledSchema compiled = schemas.resolve(path);
        Schema schema = writable(compiled);
        ObjectNode patch = data(body);
        List<String> fields = new ArrayList<>(patch.propertyNames());
        Changed<Void> changed = modify(caller, compiled, documentId, rql, Access.Op.UPDATE, doc -> {
            ObjectNode merged = doc.data.deepCopy();
            patch.properties().forEach(e -> {
                if (e.getValue().isNull()) {
                    merged.remove(e.getKey());
                } else {
                    merged.set(e.getKey(), e.getValue());
                }
            });
            doc.data = (ObjectNode) compiled.data().normalizeAndValidate(merged, "data");
            return null;
        });
        return updated(schema, caller, changed, "update", fields);
    }

    public Map<String, Object> deleteFields(Caller caller, String path, String documentId, RqlQuery rql,
                                            JsonNode body) {
        caller.requireUser();
        CompiledSchema compiled = schemas.resolve(path);
        Schema schema = writable(compiled);
        Body in = Body.of(body);
        List<String> fields = in.texts("fields");
        if (fields == null) {
            throw Body.missing("fields");
        }
        fields.forEach(f -> WorkflowDefinitions.checkPath(f, "fields"));
        Changed<Void> changed = modify(caller, compiled, documentId, rql, Access.Op.UPDATE, doc -> {
            ObjectNode data = doc.data.deepCopy();
            fields.forEach(f -> DataPaths.unset(data, f));
            doc.data = (ObjectNode) compiled.data().normalizeAndValidate(data, "data");
            return null;
        });
        return updated(schema, caller, changed, "deleteFields", fields);
    }

    public Map<String, Object> transition(Caller caller, String path, String documentId, RqlQuery rql,
                                          JsonNode body) {
        caller.requireUser();
        CompiledSchema compiled = schemas.resolve(path);
        Schema schema = writable(compiled);
        Body in = Body.of(body);
        String id = in.text("id");
        String name = in.text("name");
        if (id == null && name == null) {
            throw new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION,
                    "The id or the name of the transition is required");
        }
        ObjectNode input = in.objectField("data");
        if (input != null && Json.deeperThan(input, Json.MAX_DEPTH)) {
            throw Body.illegal("'data' is nested deeper than " + Json.MAX_DEPTH + " levels");
        }
        List<Schema.Transition> candidates = schema.transitions().stream()
                .filter(t -> !t.automatic() && (id != null ? id.equals(t.id()) : name.equals(t.name()))).toList();
        if (candidates.isEmpty()) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "The transition '"
                    + Json.printable(id != null ? id : name) + "' is unknown");
        }
        List<String> names = candidates.stream().map(Schema.Transition::name).toList();
        Effects fx = new Effects();
        Changed<Schema.Transition> changed = modify(caller, compiled, documentId, rql, Access.Op.TRANSITION,
                names, doc -> workflow.transition(compiled, caller, doc, candidates, input, fx,
                        t -> Access.allows(caller, schema, Access.Op.TRANSITION, doc, t.name())));
        if (changed == null) {
            return SchemaService.affected(0);
        }
        publishEffects(schema, changed.doc(), caller, fx);
        history.record(schema, changed.doc().idHex(), "transition", caller.userId(), changed.doc(), fx.runs(),
                input == null ? null : List.copyOf(input.propertyNames()));
        return SchemaService.affected(1);
    }

    public Map<String, Object> appendObject(Caller caller, String path, String documentId, String arrayField,
                                            JsonNode body) {
        caller.requireUser();
        CompiledSchema compiled = schemas.resolve(path);
        Schema schema = writable(compiled);
        WorkflowDefinitions.checkPath(arrayField, "arrayField");
        ObjectNode element = data(body);
        Changed<ObjectNode> changed = modify(caller, compiled, documentId, RqlQuery.EMPTY, Access.Op.UPDATE, doc -> {
            ObjectNode data = doc.data.deepCopy();
            ArrayNode array = array(data, arrayField, true);
            ObjectNode added = Json.object();
            added.put("id", new ObjectId().toHexString());
            element.properties().forEach(e -> {
                if (!e.getKey().equals("id")) {
                    added.set(e.getKey(), e.getValue());
                }
            });
            array.add(added);
            doc.data = (ObjectNode) compiled.data().normalizeAndValidate(data, "data");
            return added;
        });
        updated(schema, caller, changed, "appendObject", List.of(arrayField));
        @SuppressWarnings("unchecked")
        Map<String, Object> wire = (Map<String, Object>) Json.wire(Json.toBsonValue(changed.result(), arrayField));
        return wire;
    }

    public Map<String, Object> updateObject(Caller caller, String path, String documentId, String arrayField,
                                            String objectId, RqlQuery rql, JsonNode body) {
        caller.requireUser();
        CompiledSchema compiled = schemas.resolve(path);
        Schema schema = writable(compiled);
        WorkflowDefinitions.checkPath(arrayField, "arrayField");
        ObjectNode patch = data(body);
        Changed<Void> changed = modify(caller, compiled, documentId, rql, Access.Op.UPDATE, doc -> {
            ObjectNode data = doc.data.deepCopy();
            ObjectNode element = element(array(data, arrayField, false), objectId);
            patch.properties().forEach(e -> {
                if (e.getKey().equals("id")) {
                    return;
                }
                if (e.getValue().isNull()) {
                    element.remove(e.getKey());
                } else {
                    element.set(e.getKey(), e.getValue());
                }
            });
            doc.data = (ObjectNode) compiled.data().normalizeAndValidate(data, "data");
            return null;
        });
        return updated(schema, caller, changed, "updateObject", List.of(arrayField));
    }

    public Map<String, Object> removeObject(Caller caller, String path, String documentId, String arrayField,
                                            String objectId) {
        caller.requireUser();
        CompiledSchema compiled = schemas.resolve(path);
        Schema schema = writable(compiled);
        WorkflowDefinitions.checkPath(arrayField, "arrayField");
        Changed<Void> changed = modify(caller, compiled, documentId, RqlQuery.EMPTY, Access.Op.UPDATE, doc -> {
            ObjectNode data = doc.data.deepCopy();
            ArrayNode array = array(data, arrayField, false);
            ObjectNode element = element(array, objectId);
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i) == element) {
                    array.remove(i);
                    break;
                }
            }
            doc.data = (ObjectNode) compiled.data().normalizeAndValidate(data, "data");
            return null;
        });
        return updated(schema, caller, changed, "removeObject", List.of(arrayField));
    }

    private Map<String, Object> updated(Schema schema, Caller caller, Changed<?> changed, String operation,
                                        List<String> fields) {
        if (changed == null) {
            return SchemaService.affected(0); // the RQL precondition did not hold
        }
        Map<String, Object> content = base(schema, changed.doc());
        content.put("operation", operation);
        content.put("fields", fields);
        content.put("userId", caller.userId());
        events.publish("document_updated", changed.doc().idHex(), content);
        history.record(schema, changed.doc().idHex(), operation, caller.userId(), changed.doc(), null, fields);
        return SchemaService.affected(1);
    }

    /** A document changed under the lock, and what the change returned. */
    record Changed<T>(Doc doc, T result) {
    }

    private <T> Changed<T> modify(Caller caller, CompiledSchema compiled, String documentId, RqlQuery rql,
                                  Access.Op op, Function<Doc, T> change) {
        return modify(caller, compiled, documentId, rql, op, List.of(), change);
    }

    /**
     * Takes the document's lock (if the caller may act on it and the RQL precondition holds), applies the change in
     * memory and commits it. Null when the precondition did not hold (the contract's "0 affected records").
     *
     * <p>The checks run on the document as read, and the lock is a CAS on that read (see {@link DocumentStore}), so
     * they hold for the locked state exactly as if they were part of the lock's query. The errors are those of one
     * atomic attempt: unknown (16), not the caller's (10, or 16 if they cannot even read it), the precondition does
     * not hold (null), locked (415). A CAS lost to a concurrent write is retried against the new state.
     */
    private <T> Changed<T> modify(Caller caller, CompiledSchema compiled, String documentId, RqlQuery rql,
                                  Access.Op op, List<String> transitionNames, Function<Doc, T> change) {
        Schema schema = compiled.schema();
        ObjectId id = objectId(documentId);
        Criteria precondition = rql.hasFilter() ? compiled.documentQueries().toCriteria(rql.filter()) : null;
        String lockId = new ObjectId().toHexString();
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            Document seen = existing(schema, id);
            requireAccess(caller, schema, op, transitionNames, Doc.fromBson(seen), op.name());
            // rare, and then a collection scan on the embedded server; its answer holds for the state read because
            // the lock below is taken only if nothing wrote the document since
            if (precondition != null
                    && !store.exists(schema, DocumentStore.and(Criteria.where("_id").is(id), precondition))) {
                return null;
            }
            if (store.lockedNow(seen)) {
                throw locked();
            }
            Document locked = store.lock(schema, seen, lockId);
            if (locked != null) {
                return change(schema, Doc.fromBson(locked), lockId, change);
            }
        }
        throw locked();
    }

    private <T> Changed<T> change(Schema schema, Doc doc, String lockId, Function<Doc, T> change) {
        T result;
        try {
            result = change.apply(doc);
            doc.updateTimestamp = new Date();
        } catch (RuntimeException e) {
            store.release(schema, doc.id, lockId);
            throw e;
        }
        if (!store.commit(schema, doc, lockId)) {
            throw store.findById(schema, doc.id) == null ? unknownDocument() : locked();
        }
        return new Changed<>(doc, result);
    }

    /**
     * The in-memory form of {@link Access#criteria} for one document (for transitions: any of the candidate names);
     * 10 when the caller may read the document but not do this, 16 when they cannot even read it.
     */
    private static void requireAccess(Caller caller, Schema schema, Access.Op op, List<String> transitionNames,
                                      Doc doc, String what) {
        boolean allowed = transitionNames.isEmpty() ? Access.allows(caller, schema, op, doc, null)
                : transitionNames.stream().anyMatch(name -> Access.allows(caller, schema, op, doc, name));
        if (!allowed) {
            throw Access.allows(caller, schema, Access.Op.READ, doc, null) ? noPermission(what) : unknownDocument();
        }
    }

    private Document existing(Schema schema, ObjectId id) {
        Document stored = store.findById(schema, id);
        if (stored == null) {
            throw unknownDocument();
        }
        return stored;
    }

    // ---- delete ------------------------------------------------------------------------------------------------

    public Map<String, Object> delete(Caller caller, String path, String documentId) {
        caller.requireUser();
        CompiledSchema compiled = schemas.resolve(path);
        Schema schema = writable(compiled);
        ObjectId id = objectId(documentId);
        long deleted = 0;
        for (int attempt = 0; attempt < CAS_ATTEMPTS && deleted == 0; attempt++) {
            Document seen = existing(schema, id);
            requireAccess(caller, schema, Access.Op.DELETE, List.of(), Doc.fromBson(seen), "DELETE_DOCUMENTS");
            deleted = store.deleteUnchanged(schema, seen) ? 1 : 0;
        }
        if (deleted == 0) {
            throw locked();
        }
        store.mongo().remove(Query.query(Criteria.where("schemaId").is(schema.idHex())
                .and("documentId").is(id.toHexString())), "comments");
        Map<String, Object> content = base(schema, id.toHexString());
        content.put("userId", caller.userId());
        events.publish("document_deleted", id.toHexString(), content);
        history.record(schema, id.toHexString(), "delete", caller.userId(), null, null, null);
        return SchemaService.affected(deleted);
    }

    // ---- access links ------------------------------------------------------------------------------------------

    /** linkUsers/unlinkUsers/linkGroups/unlinkGroups (§7.5 #25–28; §13.16: absent key = unlink all, [] = no-op). */
    public Map<String, Object> links(Caller caller, String path, String documentId, String field, boolean link,
                                     JsonNode body) {
        caller.requireUser();
        CompiledSchema compiled = schemas.resolve(path);
        Schema schema = writable(compiled);
        if (!Access.mayChangeAccess(caller, schema)) {
            throw noPermission("UPDATE_ACCESS_TO_DOCUMENT");
        }
        ObjectId id = objectId(documentId);
        Body in = Body.of(body);
        List<String> ids = in.objectIds(field);
        Update update;
        if (link) {
            if (ids == null) {
                throw Body.missing(field);
            }
            update = new Update().addToSet(field).each(ids.toArray());
        } else if (!in.has(field) || in.get(field).isNull()) {
            update = new Update().set(field, new ArrayList<>());
        } else {
            update = ids.isEmpty() ? null : new Update().pullAll(field, ids.toArray());
        }
        if (update == null) {
            if (store.findById(schema, id) == null) {
                throw unknownDocument();
            }
            return SchemaService.affected(0);
        }
        update.set("updateTimestamp", new Date());
        long matched = 0;
        for (int attempt = 0; attempt < CAS_ATTEMPTS && matched == 0; attempt++) {
            Document seen = existing(schema, id);
            if (store.lockedNow(seen)) {
                throw locked();
            }
            matched = store.updateUnchanged(schema, seen, update) ? 1 : 0;
        }
        if (matched == 0) {
            throw locked();
        }
        if (field.equals("userIds")) {
            groupSync.resyncDocument(schema, id);
        }
        Document after = store.findById(schema, id);
        Doc doc = after == null ? null : Doc.fromBson(after);
        String operation = (link ? "link" : "unlink") + (field.equals("userIds") ? "Users" : "Groups");
        Map<String, Object> content = base(schema, id.toHexString());
        content.put("operation", operation);
        content.put("fields", List.of(field));
        content.put("userId", caller.userId());
        events.publish("document_updated", id.toHexString(), content);
        history.record(schema, id.toHexString(), operation, caller.userId(), doc, null, List.of(field));
        return SchemaService.affected(matched);
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private void publishEffects(Schema schema, Doc doc, Caller caller, Effects fx) {
        for (Effects.Run run : fx.runs()) {
            if (run.transition().id() == null) {
                continue; // the creation transition is reported by document_created
            }
            Map<String, Object> content = base(schema, doc);
            content.put("transitionId", run.transition().id());
            if (run.transition().name() != null) {
                content.put("transitionName", run.transition().name());
            }
            content.put("fromStatus", run.fromStatus());
            content.put("toStatus", run.toStatus());
            content.put("automatic", run.automatic());
            content.put("actions", run.actions());
            content.put("initiatorId", caller.userId());
            events.publish("document_transitioned", doc.idHex(), content);
        }
        for (Effects.TaskRequest task : fx.tasks()) {
            ObjectNode data = task.data().deepCopy();
            data.put("schemaId", schema.idHex());
            data.put("documentId", doc.idHex());
            Map<String, Object> content = new LinkedHashMap<>();
            content.put("functionName", task.functionName());
            content.put("priority", task.priority() == null ? 1 : task.priority());
            content.put("data", Json.wire(Json.toBsonValue(data, "data")));
            content.put("schemaId", schema.idHex());
            content.put("schemaName", schema.name());
            content.put("documentId", doc.idHex());
            content.put("transitionId", task.transition().id());
            content.put("transitionName", task.transition().name());
            content.put("afterAction", task.afterAction());
            content.put("initiatorId", caller.userId());
            events.publish("task_requested", doc.idHex(), content);
        }
    }

    private static Map<String, Object> base(Schema schema, Doc doc) {
        return base(schema, doc.idHex());
    }

    private static Map<String, Object> base(Schema schema, String documentId) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("id", documentId);
        content.put("schemaId", schema.idHex());
        content.put("schemaName", schema.name());
        return content;
    }

    private static Schema writable(CompiledSchema compiled) {
        if (compiled.schema().disabled()) {
            throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION,
                    "The schema is disabled: its documents cannot be created or changed");
        }
        return compiled.schema();
    }

    /** A request body that becomes document data: a JSON object, not absurdly deep. */
    static ObjectNode data(JsonNode body) {
        ObjectNode data = Body.object(body);
        if (Json.deeperThan(data, Json.MAX_DEPTH)) {
            throw Body.illegal("The document data is nested deeper than " + Json.MAX_DEPTH + " levels");
        }
        return data;
    }

    static ObjectId objectId(String id) {
        if (id == null || id.length() != 24 || !ObjectId.isValid(id)) {
            throw new ExhException(ExhError.ID_FORMAT_EXCEPTION, "'" + Json.printable(String.valueOf(id))
                    + "' is not a valid id (24 hexadecimal characters)");
        }
        return new ObjectId(id);
    }

    private static ArrayNode array(ObjectNode data, String field, boolean create) {
        JsonNode current = DataPaths.get(data, field);
        if (current == null || current.isNull()) {
            if (!create) {
                throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "data." + field + " is not set");
            }
            ArrayNode array = Json.array();
            DataPaths.set(data, field, array);
            return array;
        }
        if (!current.isArray()) {
            throw Body.illegal("data." + field + " is not an array");
        }
        return (ArrayNode) current;
    }

    private static ObjectNode element(ArrayNode array, String objectId) {
        for (JsonNode item : array) {
            if (item.isObject() && objectId.equals(item.path("id").asString(null))) {
                return (ObjectNode) item;
            }
        }
        throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "No object with id '"
                + Json.printable(objectId) + "' in the array");
    }

    static ExhException unknownDocument() {
        return new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "The document is unknown");
    }

    static ExhException locked() {
        return new ExhException(ExhError.LOCKED_DOCUMENT_EXCEPTION,
                "The document is locked by a change in progress, try again shortly");
    }

    static ExhException noPermission(String what) {
        return new ExhException(ExhError.NO_PERMISSION_EXCEPTION, "Permission denied (" + what + ")");
    }
}
