package dev.medbase.data.history;

import java.util.Map;

import org.bson.Document;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.data.documents.DocumentReads;
import dev.medbase.data.schemas.Schema;
import dev.medbase.data.schemas.SchemaStore;
import dev.medbase.data.support.QueryTimeouts;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.openapi.ApiBody;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;
import dev.medbase.platform.security.Caller;

/**
 * {@code GET /data/v1/{schema}/documents/{id}/history{rql}} — a Medbase extension: the versions of a document, oldest
 * first unless the RQL sorts otherwise, under the document's read access. The history of a deleted document stays
 * readable to holders of VIEW_DOCUMENTS[:schema].
 */
@RestController
@RequestMapping("/data/v1/{schema}/documents/{id}/history")
public class HistoryController {

    private static final RqlTranslator HISTORY = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("operation", FieldType.STRING)
            .field("userId", FieldType.STRING)
            .field("creationTimestamp", FieldType.DATE)
            .field("transitions")
            .field("fields")
            .field("document")
            .build();

    private final SchemaStore schemas;
    private final DocumentReads documents;
    private final MongoTemplate mongo;

    public HistoryController(SchemaStore schemas, DocumentReads documents, MongoTemplate mongo) {
        this.schemas = schemas;
        this.documents = documents;
        this.mongo = mongo;
    }

    @ApiBody(page = HistoryDocs.HistoryEntry.class)
    @GetMapping({"", "/"})
    public PageEnvelope<Map<String, Object>> history(Caller caller, @PathVariable String schema,
                                                     @PathVariable String id, RqlQuery rql) {
        caller.requireUser();
        Schema s = schemas.resolve(schema).schema();
        try {
            documents.readable(caller, s, id, null);
        } catch (ExhException e) {
            if (!caller.hasPermission("VIEW_DOCUMENTS", s.name())
                    || !(id.length() == 24 && org.bson.types.ObjectId.isValid(id))) {
                throw e;
            }
        }
        Query query = HISTORY.toQuery(rql, Criteria.where("schemaId").is(s.idHex()).and("documentId").is(id));
        if (rql.sort().isEmpty()) {
            query.with(Sort.by(Sort.Order.asc("creationTimestamp"), Sort.Order.asc("_id")));
        }
        documents.store().maxTime(query);
        return QueryTimeouts.guard(() -> RqlPaging.find(mongo, query, rql, Document.class, HistoryStore.COLLECTION,
                HistoryStore::toWire));
    }
}
