package dev.medbase.data.documents;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.stereotype.Component;

import dev.medbase.data.schemas.Schema;
import dev.medbase.platform.security.Caller;

/**
 * One document for the features beside documents (comments, history): the document if the caller may read it, or
 * — with the feature's own global permission — any existing document; otherwise 16, so existence does not leak.
 */
@Component
public class DocumentReads {

    private final DocumentStore store;

    public DocumentReads(DocumentStore store) {
        this.store = store;
    }

    public Doc readable(Caller caller, Schema schema, String documentId, String orPermission) {
        caller.requireUser();
        ObjectId id = DocumentService.objectId(documentId);
        Document stored = store.findById(schema, id);
        if (stored == null) {
            throw DocumentService.unknownDocument();
        }
        Doc doc = Doc.fromBson(stored);
        boolean permitted = orPermission != null && caller.hasPermission(orPermission, schema.name());
        if (!permitted && !Access.allows(caller, schema, Access.Op.READ, doc, null)) {
            throw DocumentService.unknownDocument();
        }
        return doc;
    }

    /** Whether the stored document is locked right now (a lock older than the timeout does not count). */
    public boolean locked(Schema schema, ObjectId id) {
        Document stored = store.findById(schema, id);
        return stored != null && store.lockedNow(stored);
    }

    public DocumentStore store() {
        return store;
    }
}
