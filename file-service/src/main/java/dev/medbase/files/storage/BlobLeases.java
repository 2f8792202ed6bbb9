package dev.medbase.files.storage;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Predicate;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * Crash safety without transactions. Before a plain upload writes its first byte, and before a file's bytes are
 * deleted, a lease {@code {_id: blobId, purpose, lengthHint, touchedAt}} is stored in {@code blob_leases}; a
 * long-running upload touches it as it goes, and it is removed when the work is done. A lease left behind by a
 * process that died is found by {@link #reap}: unless a file record still points at the blob (the process died after
 * its last database write), the blob's partial bytes are deleted.
 */
public class BlobLeases {

    static final String COLLECTION = "blob_leases";
    private static final Logger log = LoggerFactory.getLogger(BlobLeases.class);

    // the driver's collection, not MongoTemplate: the ids are hex strings, which Spring Data would turn into
    // ObjectIds in queries but not in saved documents
    private final MongoCollection<Document> leases;
    private final BlobStore store;

    public BlobLeases(MongoTemplate mongo, BlobStore store) {
        this.leases = mongo.getCollection(COLLECTION);
        this.store = store;
    }

    public void take(String blobId, String purpose, long lengthHint) {
        leases.replaceOne(Filters.eq("_id", blobId), new Document("_id", blobId).append("purpose", purpose)
                .append("lengthHint", lengthHint).append("touchedAt", new Date()), new ReplaceOptions().upsert(true));
    }

    public void touch(String blobId, long lengthHint) {
        leases.updateOne(Filters.eq("_id", blobId),
                Updates.combine(Updates.set("touchedAt", new Date()), Updates.set("lengthHint", lengthHint)));
    }

    public void release(String blobId) {
        leases.deleteOne(Filters.eq("_id", blobId));
    }

    /**
     * Deletes the bytes of every blob whose lease was last touched before {@code staleBefore}, unless
     * {@code referenced} says a file still uses it. @return how many blobs were deleted
     */
    public int reap(Instant staleBefore, Predicate<String> referenced) {
        int deleted = 0;
        List<Document> stale = leases.find(Filters.lt("touchedAt", Date.from(staleBefore))).limit(100)
                .into(new java.util.ArrayList<>());
        for (Document lease : stale) {
            String blobId = lease.getString("_id");
            if (!referenced.test(blobId)) {
                Number hint = lease.get("lengthHint", Number.class);
                store.delete(blobId, hint == null ? 0 : hint.longValue());
                deleted++;
                log.info("Removed the bytes of an abandoned {} (blob {})", lease.getString("purpose"), blobId);
            }
            release(blobId);
        }
        return deleted;
    }
}
