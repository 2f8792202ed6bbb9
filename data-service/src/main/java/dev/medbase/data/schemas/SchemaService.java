package dev.medbase.data.schemas;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.medbase.data.DataProperties;
import dev.medbase.data.support.Body;
import dev.medbase.data.support.DataEvents;
import dev.medbase.data.support.Json;
import dev.medbase.data.support.QueryTimeouts;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;
import dev.medbase.platform.security.Caller;

/** Schemas and their sub-resources: properties, statuses, creation transition, transitions (§7.1–7.3, §7.5 #1–16). */
@Service
public class SchemaService {

    /** Published (as a Spring event) when a schema's groupSyncMode changed, so documents are re-synced. */
    public record GroupSyncModeChanged(ObjectId schemaId) {
    }

    private static final RqlTranslator SCHEMAS = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("name", FieldType.STRING)
            .field("description", FieldType.STRING)
            .field("createMode", FieldType.STRING)
            .field("readMode", FieldType.STRING)
            .field("updateMode", FieldType.STRING)
            .field("deleteMode", FieldType.STRING)
            .field("groupSyncMode", FieldType.STRING)
            .field("defaultLimit", FieldType.NUMBER)
            .field("maximumLimit", FieldType.NUMBER)
            .field("creationTimestamp", FieldType.DATE)
            .field("updateTimestamp", FieldType.DATE)
            .field("properties")
            .field("statuses")
            .field("creationTransition")
            .field("transitions")
            .field("indexes")
            .build();
    private static final int MAX_ATTEMPTS = 10;

    private final SchemaStore store;
    private final MongoTemplate mongo;
    private final DataEvents events;
    private final DataProperties properties;
    private final ApplicationEventPublisher spring;

    public SchemaService(SchemaStore store, MongoTemplate mongo, DataEvents events, DataProperties properties,
                         ApplicationEventPublisher spring) {
        this.store = store;
        this.mongo = mongo;
        this.events = events;
        this.properties = properties;
        this.spring = spring;
    }

    // ---- schemas -----------------------------------------------------------------------------------------------

    public Map<String, Object> create(Caller caller, JsonNode body) {
        caller.requirePermission("CREATE_SCHEMAS");
        Body in = Body.of(body);
        Document doc = new Document("_id", new ObjectId());
        doc.put("name", name(in.requiredText("name")));
        String description = in.text("description");
        if (description != null) {
            doc.put("description", description(description));
        }
        ObjectNode props = in.objectField("properties");
        if (props != null) {
            TypeConfigurations.validateProperties(props, "properties");
            doc.put("properties", Json.toBson(props, "properties"));
        } else {
            doc.put("properties", new Document());
        }
        Document statuses = new Document();
        ObjectNode st = in.objectField("statuses");
        if (st != null) {
            for (Map.Entry<String, JsonNode> e : st.properties()) {
                statuses.put(statusName(e.getKey()), statusData(e.getValue(), "statuses." + e.getKey()));
            }
            if (statuses.isEmpty()) {
                throw Body.illegal("'statuses' must contain at least one status");
            }
        } else {
            statuses.put("new", new Document());
        }
        doc.put("statuses", statuses);
        Set<String> names = statuses.keySet();
        JsonNode creation = in.get("creationTransition");
        if (creation != null && !creation.isNull()) {
            doc.put("creationTransition", Json.toBson(WorkflowDefinitions.creationTransition(creation, names),
                    "creationTransition"));
        } else {
            String to = names.contains("new") ? "new" : names.iterator().next();
            doc.put("creationTransition", new Document("type", "manual").append("toStatus", to));
        }
        List<Object> transitions = new ArrayList<>();
        JsonNode ts = in.get("transitions");
        if (ts != null && !ts.isNull()) {
            if (!ts.isArray()) {
                throw Body.format("transitions", "must be an array");
            }
            for (JsonNode t : ts) {
                transitions.add(Json.toBson(WorkflowDefinitions.transition(t, names, null), "transitions"));
            }
        }
        doc.put("transitions", transitions);
        doc.put("indexes", new ArrayList<>());
        doc.put("createMode", mode(in, "createMode", AccessModes.DEFAULT_CREATE));
        doc.put("readMode", mode(in, "readMode", new ArrayList<>(AccessModes.DEFAULT_READ)));
        doc.put("updateMode", mode(in, "updateMode", new ArrayList<>(AccessModes.DEFAULT_UPDATE)));
        doc.put("deleteMode", mode(in, "deleteMode", AccessModes.DEFAULT_DELETE));
        doc.put("groupSyncMode", groupSyncMode(in, "disabled"));
        int maximum = limit(in, "maximumLimit", 100);
        int defaultLimit = limit(in, "defaultLimit", Math.min(20, maximum));
        checkLimits(defaultLimit, maximum);
        doc.put("defaultLimit", defaultLimit);
        doc.put("maximumLimit", maximum);
        Date now = new Date();
        doc.put("creationTimestamp", now);
        doc.put("updateTimestamp", now);
        doc.put("disabled", false);
        doc.put("version", 0L);
        new CompiledSchema(new Schema(doc)); // everything compiles before it is stored
        store.insert(doc);
        events.publish("schema_created", doc.getObjectId("_id").toHexString(),
                Map.of("id", doc.getObjectId("_id").toHexString(), "name", doc.getString("name")));
        return SchemaWire.toWire(doc);
    }

    public PageEnvelope<Map<String, Object>> list(Caller caller, RqlQuery rql) {
        caller.requireUser();
        Criteria scope = caller.hasPermission("DISABLE_SCHEMAS") ? null : Criteria.where("disabled").ne(true);
        Query query = SCHEMAS.toQuery(rql, scope);
        query.maxTimeMsec(properties.maxQueryTime().toMillis());
        return QueryTimeouts.guard(() -> RqlPaging.find(mongo, query, rql, Document.class, Schema.COLLECTION,
                SchemaWire::toWire));
    }

    public Map<String, Object> update(Caller caller, String path, JsonNode body) {
        caller.requirePermission("UPDATE_SCHEMAS");
        Body in = Body.of(body);
        boolean[] syncChanged = {false};
        CompiledSchema done = modify(path, (schema, next) -> {
            String name = in.text("name");
            if (name != null) {
                next.put("name", name(name));
            }
            if (in.has("description")) {
                String description = in.text("description");
                if (description == null) {
                    next.remove("description");
                } else {
                    next.put("description", description(description));
                }
            }
            for (String field : List.of("createMode", "readMode", "updateMode", "deleteMode")) {
                if (in.present(field)) {
                    next.put(field, AccessModes.input(field, in.get(field)));
                }
            }
            if (in.present("groupSyncMode")) {
                String mode = groupSyncMode(in, "disabled");
                syncChanged[0] = !mode.equals(schema.groupSyncMode());
                next.put("groupSyncMode", mode);
            }
            int maximum = limit(in, "maximumLimit", schema.maximumLimit());
            int defaultLimit = limit(in, "defaultLimit", schema.defaultLimit());
            checkLimits(defaultLimit, maximum);
            next.put("maximumLimit", maximum);
            next.put("defaultLimit", defaultLimit);
        });
        changed(done, "schema");
        if (syncChanged[0]) {
            spring.publishEvent(new GroupSyncModeChanged(done.schema().id()));
        }
        return affected(1);
    }

    public Map<String, Object> delete(Caller caller, String path) {
        caller.requirePermission("DELETE_SCHEMAS");
        Schema schema = store.current(path).schema();
        if (!schema.disabled()) {
            throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION, "Only a disabled schema can be deleted");
        }
        boolean deleted = store.delete(schema.id());
        if (deleted) {
            mongo.dropCollection(schema.documentsCollection());
            Query bySchema = Query.query(Criteria.where("schemaId").is(schema.idHex()));
            mongo.remove(bySchema, "comments");
            mongo.remove(bySchema, "document_history");
            events.publish("schema_deleted", schema.idHex(), Map.of("id", schema.idHex(), "name", schema.name()));
        }
        return affected(deleted ? 1 : 0);
    }

    public Map<String, Object> setDisabled(Caller caller, String path, boolean disabled) {
        caller.requirePermission("DISABLE_SCHEMAS");
        CompiledSchema done = modify(path, (schema, next) -> next.put("disabled", disabled));
        String id = done.schema().idHex();
        events.publish(disabled ? "schema_disabled" : "schema_enabled", id,
                Map.of("id", id, "name", done.schema().name()));
        return affected(1);
    }

    // ---- properties --------------------------------------------------------------------------------------------

    public Map<String, Object> createProperty(Caller caller, String path, JsonNode body) {
        caller.requirePermission("UPDATE_SCHEMAS");
        Body in = Body.of(body);
        String name = in.requiredText("name");
        JsonNode configuration = in.get("configuration");
        if (configuration == null || configuration.isNull()) {
            throw Body.missing("configuration");
        }
        PropertyPath property = PropertyPath.parse(name);
        TypeConfigurations.validate(configuration, "configuration");
        CompiledSchema done = modifyProperties(path, props -> {
            ObjectNode container = property.container(props, true);
            if (container.has(property.leaf())) {
                throw new ExhException(ExhError.RESOURCE_ALREADY_EXISTS_EXCEPTION,
                        "The property '" + name + "' already exists");
            }
            container.set(property.leaf(), configuration);
        });
        changed(done, "properties");
        return affected(1);
    }

    public Map<String, Object> updateProperty(Caller caller, String path, String propertyPath, JsonNode body) {
        caller.requirePermission("UPDATE_SCHEMAS");
        ObjectNode configuration = Body.object(body);
        PropertyPath property = PropertyPath.parse(propertyPath);
        TypeConfigurations.validate(configuration, "configuration");
        CompiledSchema done = modifyProperties(path, props -> {
            ObjectNode container = property.container(props, false);
            if (!container.has(property.leaf())) {
                throw unknownProperty(propertyPath);
            }
            container.set(property.leaf(), configuration);
        });
        changed(done, "properties");
        return affected(1);
    }

    public Map<String, Object> deleteProperty(Caller caller, String path, String propertyPath) {
        caller.requirePermission("UPDATE_SCHEMAS");
        PropertyPath property = PropertyPath.parse(propertyPath);
        CompiledSchema done = modifyProperties(path, props -> {
            ObjectNode container = property.container(props, false);
            if (!container.has(property.leaf())) {
                throw unknownProperty(propertyPath);
            }
            container.remove(property.leaf());
            property.removeFromRequired(props);
        });
        changed(done, "properties");
        return affected(1);
    }

    private static ExhException unknownProperty(String path) {
        return new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "The property '" + Json.printable(path)
                + "' is unknown");
    }

    private interface PropertiesChange {
        void apply(ObjectNode properties);
    }

    private CompiledSchema modifyProperties(String path, PropertiesChange change) {
        return modify(path, (schema, next) -> {
            ObjectNode props = schema.properties().deepCopy();
            change.apply(props);
            TypeConfigurations.validateProperties(props, "properties");
            next.put("properties", Json.toBson(props, "properties"));
        });
    }

    // ---- statuses ----------------------------------------------------------------------------------------------

    public Map<String, Object> createStatus(Caller caller, String path, JsonNode body) {
        caller.requirePermission("UPDATE_SCHEMAS");
        Body in = Body.of(body);
        String name = statusName(in.requiredText("name"));
        Document data = in.present("data") ? statusData(in.get("data"), "data") : new Document();
        CompiledSchema done = modify(path, (schema, next) -> {
            Document statuses = next.get("statuses", Document.class);
            if (statuses.containsKey(name)) {
                throw new ExhException(ExhError.RESOURCE_ALREADY_EXISTS_EXCEPTION,
                        "The status '" + name + "' already exists");
            }
            statuses.put(name, data);
        });
        changed(done, "statuses");
        return affected(1);
    }

    public Map<String, Object> updateStatus(Caller caller, String path, String name, JsonNode body) {
        caller.requirePermission("UPDATE_SCHEMAS");
        ObjectNode in = Body.object(body);
        // 8.9.1+ sends {data: {...}}; 8.8 sends the string map itself (status values are strings, so an object-valued
        // "data" key can only be the wrapper)
        JsonNode map = in.size() == 1 && in.has("data") && in.get("data").isObject() ? in.get("data") : in;
        Document data = statusData(map, "data");
        CompiledSchema done = modify(path, (schema, next) -> {
            Document statuses = next.get("statuses", Document.class);
            if (!statuses.containsKey(name)) {
                throw unknownStatus(name);
            }
            statuses.put(name, data);
        });
        changed(done, "statuses");
        return affected(1);
    }

    public Map<String, Object> deleteStatus(Caller caller, String path, String name) {
        caller.requirePermission("UPDATE_SCHEMAS");
        CompiledSchema done = modify(path, (schema, next) -> {
            Document statuses = next.get("statuses", Document.class);
            if (!statuses.containsKey(name)) {
                throw unknownStatus(name);
            }
            Schema.Transition creation = schema.creationTransition();
            boolean used = creation != null && name.equals(creation.toStatus());
            for (Schema.Transition t : schema.transitions()) {
                used |= name.equals(t.toStatus()) || t.fromStatuses().contains(name);
            }
            if (used) {
                throw new ExhException(ExhError.STATUS_IN_USE_EXCEPTION,
                        "The status '" + name + "' is used by a transition");
            }
            statuses.remove(name);
        });
        changed(done, "statuses");
        return affected(1);
    }

    private static ExhException unknownStatus(String name) {
        return new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "The status '" + Json.printable(name)
                + "' is unknown");
    }

    // ---- transitions -------------------------------------------------------------------------------------------

    public Map<String, Object> updateCreationTransition(Caller caller, String path, JsonNode body) {
        caller.requirePermission("UPDATE_SCHEMAS");
        CompiledSchema done = modify(path, (schema, next) -> next.put("creationTransition", Json.toBson(
                WorkflowDefinitions.creationTransition(body, schema.statuses().keySet()), "creationTransition")));
        changed(done, "creationTransition");
        return affected(1);
    }

    public Map<String, Object> createTransition(Caller caller, String path, JsonNode body) {
        caller.requirePermission("UPDATE_SCHEMAS");
        ObjectNode[] created = new ObjectNode[1];
        CompiledSchema done = modify(path, (schema, next) -> {
            created[0] = WorkflowDefinitions.transition(body, schema.statuses().keySet(), null);
            transitions(next).add(Json.toBson(created[0], "transition"));
        });
        changed(done, "transitions");
        @SuppressWarnings("unchecked")
        Map<String, Object> wire = (Map<String, Object>) Json.wire(Json.toBson(created[0], "transition"));
        return wire;
    }

    public Map<String, Object> updateTransition(Caller caller, String path, String transitionId, JsonNode body) {
        caller.requirePermission("UPDATE_SCHEMAS");
        CompiledSchema done = modify(path, (schema, next) -> {
            List<Object> transitions = transitions(next);
            int index = transitionIndex(transitions, transitionId);
            ObjectNode replaced = WorkflowDefinitions.transition(body, schema.statuses().keySet(), transitionId);
            transitions.set(index, Json.toBson(replaced, "transition"));
        });
        changed(done, "transitions");
        return affected(1);
    }

    public Map<String, Object> deleteTransition(Caller caller, String path, String transitionId) {
        caller.requirePermission("UPDATE_SCHEMAS");
        CompiledSchema done = modify(path, (schema, next) -> {
            List<Object> transitions = transitions(next);
            transitions.remove(transitionIndex(transitions, transitionId));
        });
        changed(done, "transitions");
        return affected(1);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> transitions(Document schema) {
        List<Object> list = schema.get("transitions", List.class);
        if (list == null) {
            list = new ArrayList<>();
            schema.put("transitions", list);
        }
        return list;
    }

    private static int transitionIndex(List<Object> transitions, String id) {
        for (int i = 0; i < transitions.size(); i++) {
            if (transitions.get(i) instanceof Document d && id.equals(d.getString("id"))) {
                return i;
            }
        }
        throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "The transition '" + Json.printable(id)
                + "' is unknown");
    }

    // ---- shared ------------------------------------------------------------------------------------------------

    /** A change to the stored document of a schema, applied to a fresh copy at the schema's current version. */
    public interface Change {
        void apply(Schema current, Document next);
    }

    /**
     * Applies a change with optimistic concurrency: read the current version, change a copy, check it compiles,
     * replace if the version is unchanged, else retry on the newer version.
     */
    public CompiledSchema modify(String path, Change change) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            CompiledSchema current = store.current(path);
            Schema schema = current.schema();
            Document next = Json.copy(schema.raw());
            change.apply(schema, next);
            next.put("updateTimestamp", Date.from(Instant.now()));
            next.put("version", schema.version() + 1);
            CompiledSchema compiled = new CompiledSchema(new Schema(next));
            if (store.replace(schema.id(), schema.version(), next)) {
                return compiled;
            }
            path = schema.idHex(); // a rename must not lose the schema between attempts
        }
        throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION,
                "The schema is being changed concurrently, try again");
    }

    private void changed(CompiledSchema done, String part) {
        String id = done.schema().idHex();
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("id", id);
        content.put("name", done.schema().name());
        content.put("change", part);
        events.publish("schema_updated", id, content);
    }

    public static Map<String, Object> affected(long n) {
        return Map.of("affectedRecords", n);
    }

    private static String name(String name) {
        if (name.length() < 3 || name.length() > 50) {
            throw Body.format("name", "must be 3 to 50 characters long");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw Body.format("name", "may not contain control characters");
            }
        }
        return name;
    }

    private static String description(String description) {
        if (description.length() > 100) {
            throw Body.format("description", "must be at most 100 characters long");
        }
        return description;
    }

    static String statusName(String name) {
        if (name.isEmpty() || name.length() > 100 || name.indexOf('.') >= 0 || name.charAt(0) == '$'
                || name.indexOf('\0') >= 0) {
            throw Body.format("name", "of a status must be 1 to 100 characters, without '.' and not starting"
                    + " with '$'");
        }
        return name;
    }

    private static Document statusData(JsonNode value, String path) {
        if (value == null || value.isNull()) {
            return new Document();
        }
        if (!value.isObject()) {
            throw Body.format(path, "must be an object of strings");
        }
        Document data = new Document();
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            if (!e.getValue().isString()) {
                throw Body.format(path + "." + e.getKey(), "must be a string");
            }
            Json.checkKey(e.getKey(), path);
            data.put(e.getKey(), e.getValue().stringValue());
        }
        return data;
    }

    private static Object mode(Body in, String field, Object fallback) {
        return in.present(field) ? AccessModes.input(field, in.get(field)) : fallback;
    }

    private static String groupSyncMode(Body in, String fallback) {
        String mode = in.text("groupSyncMode");
        if (mode == null) {
            return fallback;
        }
        if (!AccessModes.GROUP_SYNC_MODES.contains(mode)) {
            throw Body.format("groupSyncMode", "must be one of " + AccessModes.GROUP_SYNC_MODES);
        }
        return mode;
    }

    private int limit(Body in, String field, int fallback) {
        Integer value = in.integer(field);
        if (value == null) {
            return fallback;
        }
        if (value < 1 || value > properties.maxLimitCap()) {
            throw Body.format(field, "must be between 1 and " + properties.maxLimitCap());
        }
        return value;
    }

    private static void checkLimits(int defaultLimit, int maximum) {
        if (defaultLimit > maximum) {
            throw Body.format("defaultLimit", "must not exceed maximumLimit (" + maximum + ")");
        }
    }
}
