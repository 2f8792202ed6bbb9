package dev.medbase.data.comments;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

import dev.medbase.data.documents.Doc;
import dev.medbase.data.documents.DocumentReads;
import dev.medbase.data.schemas.Schema;
import dev.medbase.data.schemas.SchemaService;
import dev.medbase.data.schemas.SchemaStore;
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

/**
 * Comments on documents (§7.4, §7.5 #32–35). Who may: anyone who can read the document (or holds
 * CREATE_/VIEW_DOCUMENT_COMMENTS); a comment is changed or removed by its author or a holder of
 * UPDATE_DOCUMENT_COMMENTS. Collection {@code comments}:
 * {@code {_id, schemaId, documentId, creatorId, text, creationTimestamp: Date, updateTimestamp: Date}}; the document's
 * {@code commentCount} follows.
 */
@Service
public class CommentService {

    static final String COLLECTION = "comments";
    private static final int MAX_TEXT = 10_000;
    private static final RqlTranslator COMMENTS = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("schemaId", FieldType.STRING)
            .field("documentId", FieldType.STRING)
            .field("creatorId", FieldType.STRING)
            .field("text", FieldType.STRING)
            .field("creationTimestamp", FieldType.DATE)
            .field("updateTimestamp", FieldType.DATE)
            .build();

    private final SchemaStore schemas;
    private final DocumentReads documents;
    private final MongoTemplate mongo;
    private final DataEvents events;

    public CommentService(SchemaStore schemas, DocumentReads documents, MongoTemplate mongo, DataEvents events) {
        this.schemas = schemas;
        this.documents = documents;
        this.mongo = mongo;
        this.events = events;
        mongo.getCollection(COLLECTION).createIndex(new Document("schemaId", 1).append("documentId", 1));
    }

    public Map<String, Object> create(Caller caller, String path, String documentId, JsonNode body) {
        caller.requireUser();
        Schema schema = schemas.resolve(path).schema();
        Doc doc = documents.readable(caller, schema, documentId, "CREATE_DOCUMENT_COMMENTS");
        String text = text(body);
        if (documents.locked(schema, doc.id)) {
            throw new ExhException(ExhError.LOCKED_DOCUMENT_EXCEPTION, "The document is locked, try again shortly");
        }
        Date now = new Date();
        Document comment = new Document("_id", new ObjectId()).append("schemaId", schema.idHex())
                .append("documentId", doc.idHex()).append("creatorId", caller.userId()).append("text", text)
                .append("creationTimestamp", now).append("updateTimestamp", now);
        mongo.insert(comment, COLLECTION);
        mongo.updateFirst(Query.query(Criteria.where("_id").is(doc.id)), new Update().inc("commentCount", 1),
                schema.documentsCollection());
        events.publish("document_comment_created", doc.idHex(), content(schema, comment));
        return toWire(comment);
    }

    public PageEnvelope<Map<String, Object>> list(Caller caller, String path, String documentId, RqlQuery rql) {
        caller.requireUser();
        Schema schema = schemas.resolve(path).schema();
        Doc doc = documents.readable(caller, schema, documentId, "VIEW_DOCUMENT_COMMENTS");
        Query query = documents.store().maxTime(COMMENTS.toQuery(rql,
                Criteria.where("schemaId").is(schema.idHex()).and("documentId").is(doc.idHex())));
        return QueryTimeouts.guard(() -> RqlPaging.find(mongo, query, rql, Document.class, COLLECTION,
                CommentService::toWire));
    }

    public Map<String, Object> update(Caller caller, String path, String documentId, String commentId,
                                      JsonNode body) {
        caller.requireUser();
        Schema schema = schemas.resolve(path).schema();
        Doc doc = documents.readable(caller, schema, documentId, "UPDATE_DOCUMENT_COMMENTS");
        String text = text(body);
        Document comment = own(caller, schema, doc, commentId);
        mongo.updateFirst(Query.query(Criteria.where("_id").is(comment.get("_id"))),
                new Update().set("text", text).set("updateTimestamp", new Date()), COLLECTION);
        comment.put("text", text);
        events.publish("document_comment_updated", doc.idHex(), content(schema, comment));
        return SchemaService.affected(1);
    }

    public Map<String, Object> delete(Caller caller, String path, String documentId, String commentId) {
        caller.requireUser();
        Schema schema = schemas.resolve(path).schema();
        Doc doc = documents.readable(caller, schema, documentId, "UPDATE_DOCUMENT_COMMENTS");
        Document comment = own(caller, schema, doc, commentId);
        long removed = mongo.remove(Query.query(Criteria.where("_id").is(comment.get("_id"))), COLLECTION)
                .getDeletedCount();
        if (removed > 0) {
            mongo.updateFirst(Query.query(Criteria.where("_id").is(doc.id).and("commentCount").gt(0)),
                    new Update().inc("commentCount", -1), schema.documentsCollection());
            events.publish("document_comment_deleted", doc.idHex(), content(schema, comment));
        }
        return SchemaService.affected(removed);
    }

    private Document own(Caller caller, Schema schema, Doc doc, String commentId) {
        if (commentId == null || commentId.length() != 24 || !ObjectId.isValid(commentId)) {
            throw new ExhException(ExhError.ID_FORMAT_EXCEPTION, "'" + Json.printable(String.valueOf(commentId))
                    + "' is not a valid id");
        }
        Document comment = mongo.findOne(Query.query(Criteria.where("_id").is(new ObjectId(commentId))
                .and("schemaId").is(schema.idHex()).and("documentId").is(doc.idHex())), Document.class, COLLECTION);
        if (comment == null) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "The comment is unknown");
        }
        if (!caller.userId().equals(comment.getString("creatorId"))
                && !caller.hasPermission("UPDATE_DOCUMENT_COMMENTS", schema.name())) {
            throw new ExhException(ExhError.NO_PERMISSION_EXCEPTION,
                    "Only the author or a holder of UPDATE_DOCUMENT_COMMENTS may change a comment");
        }
        return comment;
    }

    private static String text(JsonNode body) {
        String text = Body.of(body).requiredText("text");
        if (text.isBlank() || text.length() > MAX_TEXT) {
            throw Body.format("text", "must be 1 to " + MAX_TEXT + " characters");
        }
        return text;
    }

    private static Map<String, Object> content(Schema schema, Document comment) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("id", comment.getObjectId("_id").toHexString());
        content.put("schemaId", schema.idHex());
        content.put("documentId", comment.getString("documentId"));
        content.put("creatorId", comment.getString("creatorId"));
        return content;
    }

    static Map<String, Object> toWire(Document stored) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (stored.containsKey("_id")) {
            out.put("id", Json.wire(stored.get("_id")));
        }
        for (String key : List.of("schemaId", "documentId", "creatorId", "text", "commentedTimestamp",
                "creationTimestamp", "updateTimestamp")) {
            if (stored.containsKey(key)) {
                out.put(key, Json.wire(stored.get(key)));
            }
        }
        return out;
    }
}
