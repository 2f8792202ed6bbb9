package dev.medbase.data.history;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Component;

import dev.medbase.data.documents.Doc;
import dev.medbase.data.schemas.Schema;
import dev.medbase.data.support.Json;
import dev.medbase.data.workflows.Effects;

/**
 * Document history, a Medbase extension (Extra Horizon keeps none): every create, update, transition, access change
 * and delete stores a version of the document — who, when, what operation, which transitions ran, which fields
 * changed, and the document as it was afterwards. Collection {@code document_history}:
 *
 * <pre>
 * {_id: ObjectId, schemaId, documentId, operation, userId, creationTimestamp: Date,
 *  transitions?: [{id?, name?, fromStatus, toStatus, automatic}], fields?: [String], document?: {…stored form…}}
 * </pre>
 * Recording is best effort: it happens after the change and never fails the request (no transactions on the
 * embedded server).
 */
@Component
public class HistoryStore {

    public static final String COLLECTION = "document_history";
    private static final Logger log = LoggerFactory.getLogger(HistoryStore.class);
    private final MongoTemplate mongo;

    public HistoryStore(MongoTemplate mongo) {
        this.mongo = mongo;
        mongo.indexOps(COLLECTION).createIndex(new Index().on("schemaId", Sort.Direction.ASC)
                .on("documentId", Sort.Direction.ASC).on("creationTimestamp", Sort.Direction.ASC)
                .named("document_versions"));
    }

    public void record(Schema schema, String documentId, String operation, String userId, Doc after,
                       List<Effects.Run> runs, List<String> fields) {
        Document entry = new Document("_id", new ObjectId());
        entry.put("schemaId", schema.idHex());
        entry.put("documentId", documentId);
        entry.put("operation", operation);
        entry.put("userId", userId);
        entry.put("creationTimestamp", new Date());
        if (runs != null && !runs.isEmpty()) {
            List<Document> transitions = new ArrayList<>();
            for (Effects.Run run : runs) {
                Document t = new Document();
                if (run.transition().id() != null) {
                    t.put("id", run.transition().id());
                }
                if (run.transition().name() != null) {
                    t.put("name", run.transition().name());
                }
                t.put("fromStatus", run.fromStatus());
                t.put("toStatus", run.toStatus());
                t.put("automatic", run.automatic());
                transitions.add(t);
            }
            entry.put("transitions", transitions);
        }
        if (fields != null && !fields.isEmpty()) {
            entry.put("fields", fields);
        }
        if (after != null) {
            Document snapshot = after.toBson();
            snapshot.remove("_id");
            entry.put("document", snapshot);
        }
        try {
            mongo.insert(entry, COLLECTION);
        } catch (RuntimeException e) {
            log.warn("History of document {} not recorded: {}", documentId, e.toString());
        }
    }

    /** The wire form of a history entry. */
    public static Map<String, Object> toWire(Document stored) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (stored.containsKey("_id")) {
            out.put("id", Json.wire(stored.get("_id")));
        }
        for (String key : List.of("schemaId", "documentId", "operation", "userId", "transitions", "fields")) {
            if (stored.containsKey(key)) {
                out.put(key, Json.wire(stored.get(key)));
            }
        }
        if (stored.get("document") instanceof Document snapshot) {
            Document withId = new Document("_id", stored.get("documentId"));
            withId.putAll(snapshot);
            out.put("document", dev.medbase.data.documents.DocumentWire.toWire(withId));
        }
        if (stored.containsKey("creationTimestamp")) {
            out.put("creationTimestamp", Json.wire(stored.get("creationTimestamp")));
        }
        return out;
    }
}
