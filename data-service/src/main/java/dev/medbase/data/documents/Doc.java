package dev.medbase.data.documents;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.medbase.data.support.DateTimes;
import dev.medbase.data.support.Json;

/**
 * A document in memory while it is created or changed (§7.4). Stored shape (collection {@code documents_<schemaId>}):
 *
 * <pre>
 * {_id: ObjectId, userIds: [String], groupIds: [String], creatorId: String, status: String,
 *  statusChangedTimestamp: Date, data: {…verbatim…}, commentCount?: int, creationTimestamp: Date,
 *  updateTimestamp: Date, transitionLock?: {timestamp: Date},
 *  _lock?: String (the holder of transitionLock, else a token each change renews: see DocumentStore)}
 * </pre>
 */
public final class Doc {

    public ObjectId id;
    public String creatorId;
    public LinkedHashSet<String> userIds = new LinkedHashSet<>();
    public LinkedHashSet<String> groupIds = new LinkedHashSet<>();
    public String status;
    public Date statusChangedTimestamp;
    public ObjectNode data = Json.object();
    public Integer commentCount;
    public Date creationTimestamp;
    public Date updateTimestamp;

    @SuppressWarnings("unchecked")
    public static Doc fromBson(Document stored) {
        Doc doc = new Doc();
        doc.id = stored.getObjectId("_id");
        doc.creatorId = stored.getString("creatorId");
        List<Object> users = stored.get("userIds", List.class);
        if (users != null) {
            users.forEach(u -> doc.userIds.add(String.valueOf(Json.wire(u))));
        }
        List<Object> groups = stored.get("groupIds", List.class);
        if (groups != null) {
            groups.forEach(g -> doc.groupIds.add(String.valueOf(Json.wire(g))));
        }
        doc.status = stored.getString("status");
        doc.statusChangedTimestamp = stored.getDate("statusChangedTimestamp");
        Document data = stored.get("data", Document.class);
        doc.data = data == null ? Json.object() : Json.toNode(data);
        doc.commentCount = stored.get("commentCount") instanceof Number n ? n.intValue() : null;
        doc.creationTimestamp = stored.getDate("creationTimestamp");
        doc.updateTimestamp = stored.getDate("updateTimestamp");
        return doc;
    }

    /** The stored form (without lock fields). */
    public Document toBson() {
        Document d = new Document("_id", id);
        d.put("userIds", new ArrayList<>(userIds));
        d.put("groupIds", new ArrayList<>(groupIds));
        d.put("creatorId", creatorId);
        d.put("status", status);
        d.put("statusChangedTimestamp", statusChangedTimestamp);
        d.put("data", Json.toBson(data, "data"));
        if (commentCount != null) {
            d.put("commentCount", commentCount);
        }
        d.put("creationTimestamp", creationTimestamp);
        d.put("updateTimestamp", updateTimestamp);
        return d;
    }

    public String idHex() {
        return id.toHexString();
    }

    /**
     * What a {@code document} condition validates (§7.3): the whole document as the wire shows it, with the stored
     * (normalised) data.
     */
    public ObjectNode conditionView() {
        ObjectNode view = Json.object();
        if (id != null) {
            view.put("id", idHex());
        }
        ArrayNode users = view.putArray("userIds");
        userIds.forEach(users::add);
        ArrayNode groups = view.putArray("groupIds");
        groupIds.forEach(groups::add);
        if (creatorId != null) {
            view.put("creatorId", creatorId);
        }
        if (status != null) {
            view.put("status", status);
        }
        if (statusChangedTimestamp != null) {
            view.put("statusChangedTimestamp", DateTimes.format(statusChangedTimestamp.toInstant()));
        }
        view.set("data", data);
        if (commentCount != null) {
            view.put("commentCount", commentCount);
        }
        if (creationTimestamp != null) {
            view.put("creationTimestamp", DateTimes.format(creationTimestamp.toInstant()));
        }
        if (updateTimestamp != null) {
            view.put("updateTimestamp", DateTimes.format(updateTimestamp.toInstant()));
        }
        return view;
    }

    /** The wire form (§7.4). */
    public Map<String, Object> toWire() {
        return DocumentWire.toWire(toBson());
    }
}
