package dev.medbase.events.dispatchers;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.result.UpdateResult;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort.Direction;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.medbase.events.ByTypeCache;
import dev.medbase.events.EventServiceProperties;
import dev.medbase.events.web.Bson;
import dev.medbase.events.web.JsonBody;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.events.EventPublisher;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;

/**
 * Dispatchers ({@code /dispatchers/v1}, the SDK's {@code exh.dispatchers}): an event type bound to actions. Stored in
 * {@code dispatchers} as the wire object (camelCase, like the dispatchers service) with {@code _id} and dates:
 * {@code {_id, name?, description?, eventType, actions: [action…], tags?, creationTimestamp, updateTimestamp}}
 * (actions: see {@link Actions}). Names are unique when given. Every change is announced on {@code medbase.events}
 * ({@code dispatcher_created}, {@code dispatcher_updated}, {@code dispatcher_deleted}).
 */
@Component
public class Dispatchers {

    static final String COLLECTION = "dispatchers";
    static final int MAX_ACTIONS = 50;

    static final RqlTranslator RQL = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("name", FieldType.STRING)
            .field("description", FieldType.STRING)
            .field("eventType", FieldType.STRING)
            .field("tags", FieldType.STRING)
            .field("actions")
            .field("actions.id", "actions._id", FieldType.OBJECT_ID)
            .field("actions.type", FieldType.STRING)
            .field("actions.name", FieldType.STRING)
            .field("actions.templateId", FieldType.OBJECT_ID)
            .field("actions.functionName", FieldType.STRING)
            .field("actions.startTimestamp", FieldType.DATE)
            .field("creationTimestamp", FieldType.DATE)
            .field("updateTimestamp", FieldType.DATE)
            .build();

    private final MongoTemplate mongo;
    private final Actions actions;
    private final EventPublisher events;
    private final Clock clock;
    private final ByTypeCache byType;

    public Dispatchers(MongoTemplate mongo, JsonMapper json, EventPublisher events, Clock clock,
                       EventServiceProperties properties) {
        this.mongo = mongo;
        this.byType = new ByTypeCache(() -> mongo.findAll(Document.class, COLLECTION),
                d -> List.of(d.getString("eventType")), null, properties.cacheRefresh());
        this.actions = new Actions(json);
        this.events = events;
        this.clock = clock;
        var indexes = mongo.indexOps(COLLECTION);
        indexes.createIndex(new Index().on("eventType", Direction.ASC).named("eventType"));
        indexes.createIndex(new Index().on("name", Direction.ASC).unique().sparse().named("name"));
    }

    public PageEnvelope<Map<String, Object>> find(RqlQuery rql) {
        return RqlPaging.find(mongo, RQL.toQuery(rql), rql, Document.class, COLLECTION, Dispatchers::wire);
    }

    /** The dispatchers of an event type (for the executor), from the cache. */
    List<Document> forEventType(String eventType) {
        return byType.get(eventType);
    }

    /** {@code {name?, description?, eventType, actions?: [..], tags?}}. */
    public Map<String, Object> create(JsonNode requestBody) {
        JsonBody body = JsonBody.of(requestBody).allowOnly("name", "description", "eventType", "actions", "tags");
        Date now = now();
        Document dispatcher = new Document("_id", new ObjectId());
        body.optionalText("name", 200).ifPresent(name -> dispatcher.append("name", name));
        body.optionalText("description", 2000).ifPresent(d -> dispatcher.append("description", d));
        dispatcher.append("eventType", body.requiredText("eventType", 128));
        List<Document> list = new ArrayList<>();
        for (JsonBody action : body.optionalBodyList("actions", MAX_ACTIONS).orElse(List.of())) {
            list.add(actions.create(action));
        }
        dispatcher.append("actions", list);
        body.optionalTextList("tags", 50, 100).ifPresent(tags -> dispatcher.append("tags", tags));
        dispatcher.append("creationTimestamp", now).append("updateTimestamp", now);
        try {
            mongo.insert(dispatcher, COLLECTION);
        } catch (DuplicateKeyException e) {
            throw nameTaken(dispatcher.getString("name"));
        }
        announce("dispatcher_created", dispatcher, null, null);
        return wire(dispatcher);
    }

    /** {@code {name?, description?, eventType?, tags?}}; null unsets name, description and tags. */
    public Map<String, Object> update(String dispatcherId, JsonNode requestBody) {
        ObjectId id = Bson.id(dispatcherId);
        JsonBody body = JsonBody.of(requestBody).allowOnly("name", "description", "eventType", "tags");
        Update update = new Update().set("updateTimestamp", now());
        for (String field : List.of("name", "description")) {
            if (body.contains(field)) {
                setOrUnset(update, field, body.optionalText(field, field.equals("name") ? 200 : 2000).orElse(null));
            }
        }
        if (body.contains("eventType")) {
            update.set("eventType", body.requiredText("eventType", 128));
        }
        if (body.contains("tags")) {
            setOrUnset(update, "tags", body.optionalTextList("tags", 50, 100).orElse(null));
        }
        UpdateResult result;
        try {
            result = mongo.updateFirst(query(where("_id").is(id)), update, COLLECTION);
        } catch (DuplicateKeyException e) {
            throw nameTaken(body.optionalText("name", 200).orElse(""));
        }
        Document dispatcher = require(id);
        announce("dispatcher_updated", dispatcher, "dispatcher", null);
        return affected(result.getMatchedCount());
    }

    public Map<String, Object> delete(String dispatcherId) {
        ObjectId id = Bson.id(dispatcherId);
        Document dispatcher = require(id);
        long deleted = mongo.remove(query(where("_id").is(id)), COLLECTION).getDeletedCount();
        if (deleted == 0) {
            throw unknown();
        }
        announce("dispatcher_deleted", dispatcher, null, null);
        return affected(deleted);
    }

    public Map<String, Object> addAction(String dispatcherId, JsonNode requestBody) {
        ObjectId id = Bson.id(dispatcherId);
        Document action = actions.create(JsonBody.of(requestBody));
        UpdateResult result = mongo.updateFirst(
                query(where("_id").is(id).and("actions." + (MAX_ACTIONS - 1)).exists(false)),
                new Update().push("actions", action).set("updateTimestamp", now()), COLLECTION);
        if (result.getMatchedCount() == 0) {
            require(id);
            throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION,
                    "A dispatcher has at most " + MAX_ACTIONS + " actions");
        }
        announce("dispatcher_updated", require(id), "action_added", action);
        return Actions.wire(action);
    }

    public Map<String, Object> updateAction(String dispatcherId, String actionId, JsonNode requestBody) {
        ObjectId id = Bson.id(dispatcherId);
        ObjectId action = Bson.id(actionId);
        JsonBody body = JsonBody.of(requestBody);
        Document dispatcher = require(id);
        int index = indexOf(dispatcher, action);
        Document updated = actions.update(dispatcher.getList("actions", Document.class).get(index), body);
        // by position, guarded by the action's id (works without the positional operator, which mongo-java-server
        // lacks); the element is replaced whole, so concurrent updates of one action are last-writer-wins
        String path = "actions." + index;
        UpdateResult result = mongo.updateFirst(query(where("_id").is(id).and(path + "._id").is(action)),
                new Update().set(path, updated).set("updateTimestamp", now()), COLLECTION);
        if (result.getMatchedCount() == 0) {
            throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION,
                    "The dispatcher's actions changed meanwhile; try again");
        }
        announce("dispatcher_updated", require(id), "action_updated", updated);
        return affected(1);
    }

    public Map<String, Object> removeAction(String dispatcherId, String actionId) {
        ObjectId id = Bson.id(dispatcherId);
        ObjectId action = Bson.id(actionId);
        Document existing = requireAction(require(id), action);
        UpdateResult result = mongo.updateFirst(
                query(where("_id").is(id).and("actions._id").is(action)),
                new Update().pull("actions", new Document("_id", action)).set("updateTimestamp", now()),
                COLLECTION);
        if (result.getModifiedCount() == 0) {
            throw unknown();
        }
        announce("dispatcher_updated", require(id), "action_removed", existing);
        return affected(1);
    }

    private Document require(ObjectId id) {
        Document dispatcher = mongo.findOne(query(where("_id").is(id)), Document.class, COLLECTION);
        if (dispatcher == null) {
            throw unknown();
        }
        return dispatcher;
    }

    private static Document requireAction(Document dispatcher, ObjectId actionId) {
        return dispatcher.getList("actions", Document.class).get(indexOf(dispatcher, actionId));
    }

    private static int indexOf(Document dispatcher, ObjectId actionId) {
        List<Document> list = dispatcher.getList("actions", Document.class, List.of());
        for (int i = 0; i < list.size(); i++) {
            if (actionId.equals(list.get(i).getObjectId("_id"))) {
                return i;
            }
        }
        throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "The dispatcher has no action " + actionId);
    }

    /** dispatcher_created / _updated / _deleted on medbase.events, keyed by the dispatcher. */
    private void announce(String type, Document dispatcher, String change, Document action) {
        byType.invalidate();
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("id", dispatcher.getObjectId("_id").toHexString());
        content.put("event_type", dispatcher.getString("eventType"));
        if (dispatcher.containsKey("name")) {
            content.put("name", dispatcher.getString("name"));
        }
        if (change != null) {
            content.put("change", change);
        }
        if (action != null) {
            content.put("action_id", action.getObjectId("_id").toHexString());
            content.put("action_type", action.getString("type"));
        }
        events.publish(type, dispatcher.getObjectId("_id").toHexString(), content);
    }

    private Date now() {
        return Date.from(clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }

    private static void setOrUnset(Update update, String field, Object value) {
        if (value == null) {
            update.unset(field);
        } else {
            update.set(field, value);
        }
    }

    private static Map<String, Object> affected(long count) {
        return Map.of("affectedRecords", count);
    }

    private static ExhException unknown() {
        return new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION);
    }

    private static ExhException nameTaken(String name) {
        return new ExhException(ExhError.RESOURCE_ALREADY_EXISTS_EXCEPTION,
                "A dispatcher named '" + name + "' exists already");
    }

    /** The wire form (camelCase, ISO-8601 timestamps). */
    static Map<String, Object> wire(Document stored) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (stored.containsKey("_id")) {
            out.put("id", stored.getObjectId("_id").toHexString());
        }
        for (String field : List.of("name", "description", "eventType", "actions", "tags", "creationTimestamp",
                "updateTimestamp")) {
            Object value = stored.get(field);
            if (value == null) {
                continue;
            }
            if (field.equals("actions")) {
                List<Map<String, Object>> list = new ArrayList<>();
                for (Object action : (List<?>) value) {
                    if (action instanceof Document document && document.containsKey("_id")) {
                        list.add(Actions.wire(document));
                    } else if (action instanceof Document partial) {
                        list.add(Bson.toJsonMap(partial)); // select(actions.type): no id
                    }
                }
                out.put(field, list);
            } else if (value instanceof Date date) {
                out.put(field, Bson.iso(date));
            } else {
                out.put(field, Bson.toJson(value));
            }
        }
        return out;
    }
}
