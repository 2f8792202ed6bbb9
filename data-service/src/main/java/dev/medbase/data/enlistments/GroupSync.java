package dev.medbase.data.enlistments;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

import dev.medbase.data.documents.Doc;
import dev.medbase.data.schemas.Schema;
import dev.medbase.data.schemas.SchemaService;
import dev.medbase.platform.security.Caller;

/**
 * {@code groupSyncMode} (§7.1): keeps {@code groupIds} equal to the groups where the creator
 * ({@code creatorPatientEnlistments}) or any linked user ({@code linkedUsersPatientEnlistments}) is a patient — when a
 * document is created, when its users change, when enlistments change (user-service events), and retroactively for
 * all documents when a schema's mode changes (in the background).
 */
@Component
public class GroupSync {

    private static final Logger log = LoggerFactory.getLogger(GroupSync.class);
    static final String CREATOR = "creatorPatientEnlistments";
    static final String LINKED_USERS = "linkedUsersPatientEnlistments";

    private final MongoTemplate mongo;
    private final EnlistmentStore enlistments;
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "group-sync");
        t.setDaemon(true);
        return t;
    });

    public GroupSync(MongoTemplate mongo, EnlistmentStore enlistments) {
        this.mongo = mongo;
        this.enlistments = enlistments;
    }

    /** Sets a new document's groupIds per the schema's mode (the creator's own token counts as well). */
    public void apply(Schema schema, Doc doc, Caller caller) {
        String mode = schema.groupSyncMode();
        if (mode.equals(CREATOR)) {
            Set<String> groups = enlistments.groupsOf(doc.creatorId, false);
            if (doc.creatorId != null && doc.creatorId.equals(caller.userId())) {
                groups.addAll(caller.patientGroups());
            }
            doc.groupIds = new LinkedHashSet<>(groups);
        } else if (mode.equals(LINKED_USERS)) {
            Set<String> groups = enlistments.groupsOf(doc.userIds);
            if (caller.userId() != null && doc.userIds.contains(caller.userId())) {
                groups.addAll(caller.patientGroups());
            }
            doc.groupIds = new LinkedHashSet<>(groups);
        }
    }

    /** After the users of a document changed (linked-users mode). */
    public void resyncDocument(Schema schema, ObjectId id) {
        if (!schema.groupSyncMode().equals(LINKED_USERS)) {
            return;
        }
        Document stored = mongo.findById(id, Document.class, schema.documentsCollection());
        if (stored != null) {
            syncLinkedUsers(schema.documentsCollection(), stored);
        }
    }

    /** A user's enlistments changed: every synced document that depends on that user. */
    public void userChanged(String userId) {
        for (Document schema : mongo.find(Query.query(Criteria.where("groupSyncMode").in(CREATOR, LINKED_USERS)),
                Document.class, Schema.COLLECTION)) {
            String collection = Schema.documentsCollection(schema.getObjectId("_id"));
            if (CREATOR.equals(schema.getString("groupSyncMode"))) {
                mongo.updateMulti(Query.query(Criteria.where("creatorId").is(userId)),
                        new Update().set("groupIds", new ArrayList<>(enlistments.groupsOf(userId, false)))
                                .set("updateTimestamp", new Date()), collection);
            } else {
                for (Document doc : mongo.find(Query.query(Criteria.where("userIds").is(userId)), Document.class,
                        collection)) {
                    syncLinkedUsers(collection, doc);
                }
            }
        }
    }

    @EventListener
    public void modeChanged(SchemaService.GroupSyncModeChanged changed) {
        background.submit(() -> {
            try {
                resyncSchema(changed.schemaId());
            } catch (RuntimeException e) {
                log.warn("Group sync of schema {} failed: {}", changed.schemaId(), e.toString());
            }
        });
    }

    /** Applies the schema's mode to all its documents. */
    public void resyncSchema(ObjectId schemaId) {
        Document schema = mongo.findById(schemaId, Document.class, Schema.COLLECTION);
        if (schema == null) {
            return;
        }
        String mode = String.valueOf(schema.get("groupSyncMode"));
        String collection = Schema.documentsCollection(schemaId);
        if (mode.equals(CREATOR)) {
            for (String creator : mongo.findDistinct(new Query(), "creatorId", collection, String.class)) {
                mongo.updateMulti(Query.query(Criteria.where("creatorId").is(creator)),
                        new Update().set("groupIds", new ArrayList<>(enlistments.groupsOf(creator, false))),
                        collection);
            }
        } else if (mode.equals(LINKED_USERS)) {
            for (Document doc : mongo.find(new Query(), Document.class, collection)) {
                syncLinkedUsers(collection, doc);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void syncLinkedUsers(String collection, Document doc) {
        List<String> users = doc.get("userIds", List.class);
        Set<String> groups = enlistments.groupsOf(users == null ? List.of() : users);
        mongo.updateFirst(Query.query(Criteria.where("_id").is(doc.get("_id"))),
                new Update().set("groupIds", new ArrayList<>(groups)), collection);
    }
}
