package dev.medbase.data.schemas;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.client.model.IndexOptions;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

import dev.medbase.data.support.Body;
import dev.medbase.data.support.Json;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.security.Caller;

/**
 * Indexes of a schema's documents (§7.4, §7.5 #17–18), created as real MongoDB indexes on the schema's document
 * collection. Field names are paths of the document: system fields ({@code creatorId}, {@code status}, …,
 * {@code id}) as they are, {@code data.x} as it is, and any other name is read as a path inside data
 * ({@code deviceId} indexes {@code data.deviceId}).
 */
@Service
public class IndexService {

    private static final Set<String> SYSTEM_FIELDS = Set.of("creatorId", "userIds", "groupIds", "status",
            "statusChangedTimestamp", "creationTimestamp", "updateTimestamp", "commentCount");
    private static final int MAX_FIELDS = 16;

    private final SchemaStore store;
    private final SchemaService schemas;
    private final MongoTemplate mongo;

    public IndexService(SchemaStore store, SchemaService schemas, MongoTemplate mongo) {
        this.store = store;
        this.schemas = schemas;
        this.mongo = mongo;
    }

    public Map<String, Object> create(Caller caller, String path, JsonNode body) {
        caller.requirePermission("UPDATE_SCHEMAS");
        Body in = Body.of(body);
        JsonNode fields = in.get("fields");
        if (fields == null || fields.isNull()) {
            throw Body.missing("fields");
        }
        if (!fields.isArray() || fields.isEmpty() || fields.size() > MAX_FIELDS) {
            throw Body.illegal("'fields' must be an array of 1 to " + MAX_FIELDS + " {name, type} objects");
        }
        List<Document> wireFields = new ArrayList<>();
        Document keys = new Document();
        boolean text = false;
        for (JsonNode f : fields) {
            if (!f.isObject() || !f.path("name").isString()) {
                throw Body.illegal("'fields' must be an array of {name, type} objects");
            }
            String name = f.get("name").stringValue();
            WorkflowDefinitions.checkPath(name, "fields.name");
            String type = f.path("type").isString() ? f.get("type").stringValue() : "asc";
            Object direction = switch (type) {
                case "asc" -> 1;
                case "desc" -> -1;
                case "text" -> "text";
                default -> throw Body.illegal("'fields.type' must be asc, desc or text");
            };
            text |= type.equals("text");
            String stored = storedPath(name);
            if (keys.containsKey(stored)) {
                throw Body.illegal("'fields' names '" + Json.printable(name) + "' twice");
            }
            keys.put(stored, direction);
            wireFields.add(new Document("name", name).append("type", type));
        }
        Body options = in.present("options") ? Body.of(in.objectField("options")) : null;
        Document wireOptions = new Document();
        IndexOptions mongoOptions = new IndexOptions();
        if (options != null) {
            for (String option : List.of("unique", "sparse", "background")) {
                Boolean value = options.bool(option);
                if (value != null) {
                    wireOptions.put(option, value);
                }
            }
            mongoOptions.unique(Boolean.TRUE.equals(wireOptions.get("unique")))
                    .sparse(Boolean.TRUE.equals(wireOptions.get("sparse")));
        }
        String name = indexName(keys);
        mongoOptions.name(name);
        CompiledSchema compiled = store.current(path);
        checkNew(compiled.schema(), name, text);
        try {
            mongo.getCollection(compiled.schema().documentsCollection()).createIndex(keys, mongoOptions);
        } catch (MongoCommandException e) {
            if (e.getErrorCode() == 11000) {
                throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION,
                        "Existing documents have duplicate values for this unique index");
            }
            if (e.getErrorCode() == 85 || e.getErrorCode() == 86) {
                throw new ExhException(ExhError.RESOURCE_ALREADY_EXISTS_EXCEPTION,
                        "An index on these fields already exists");
            }
            throw e;
        } catch (MongoException e) {
            if (e.getCode() == 11000) {
                throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION,
                        "Existing documents have duplicate values for this unique index");
            }
            throw e;
        }
        Document index = new Document("id", new ObjectId().toHexString()).append("name", name)
                .append("fields", wireFields).append("options", wireOptions).append("system", false);
        boolean isText = text;
        schemas.modify(compiled.schema().idHex(), (schema, next) -> {
            checkNew(schema, name, isText);
            indexes(next).add(index);
        });
        @SuppressWarnings("unchecked")
        Map<String, Object> wire = (Map<String, Object>) Json.wire(index);
        return wire;
    }

    public Map<String, Object> delete(Caller caller, String path, String indexId) {
        caller.requirePermission("UPDATE_SCHEMAS");
        CompiledSchema compiled = store.current(path);
        Document index = compiled.schema().indexes().stream().filter(i -> indexId.equals(i.getString("id")))
                .findFirst().orElseThrow(() -> new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION,
                        "The index '" + Json.printable(indexId) + "' is unknown"));
        if (Boolean.TRUE.equals(index.get("system"))) {
            throw new ExhException(ExhError.NO_PERMISSION_EXCEPTION, "System indexes cannot be removed");
        }
        schemas.modify(compiled.schema().idHex(), (schema, next) ->
                indexes(next).removeIf(i -> i instanceof Document d && indexId.equals(d.getString("id"))));
        try {
            mongo.getCollection(compiled.schema().documentsCollection()).dropIndex(index.getString("name"));
        } catch (MongoException e) {
            // already gone (or never built by an embedded server): the schema no longer lists it either way
        }
        return SchemaService.affected(1);
    }

    private static void checkNew(Schema schema, String name, boolean text) {
        for (Document existing : schema.indexes()) {
            if (name.equals(existing.getString("name"))) {
                throw new ExhException(ExhError.RESOURCE_ALREADY_EXISTS_EXCEPTION,
                        "An index on these fields already exists");
            }
            if (text && existing.get("fields") instanceof List<?> fields && fields.stream()
                    .anyMatch(f -> f instanceof Document d && "text".equals(d.getString("type")))) {
                throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION, "A schema can have only one text index");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> indexes(Document schema) {
        List<Object> list = schema.get("indexes", List.class);
        if (list == null) {
            list = new ArrayList<>();
            schema.put("indexes", list);
        }
        return list;
    }

    /** The stored path of an index field name (see the class comment). */
    static String storedPath(String name) {
        if (name.equals("id")) {
            return "_id";
        }
        if (SYSTEM_FIELDS.contains(name) || name.startsWith("data.") || name.startsWith("transitionLock")) {
            return name;
        }
        return "data." + name;
    }

    private static String indexName(Document keys) {
        Map<String, Object> ordered = new LinkedHashMap<>(keys);
        StringBuilder name = new StringBuilder();
        ordered.forEach((k, v) -> name.append(name.length() == 0 ? "" : "_").append(k).append('_').append(v));
        return name.length() > 120 ? name.substring(0, 100) + "_" + Integer.toHexString(name.toString().hashCode())
                : name.toString();
    }
}
