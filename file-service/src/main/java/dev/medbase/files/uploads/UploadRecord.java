package dev.medbase.files.uploads;

import java.time.Instant;
import java.util.List;

import org.bson.types.ObjectId;
import org.springframework.data.annotation.Id;

/**
 * A resumable upload, collection {@code uploads}:
 * <pre>
 * { _id: ObjectId, ownerId: string, blobId: string, length: long, offset: long, name, mimetype, tags: [string],
 *   status: "uploading"|"complete", lockedBy: string?, lockedUntil: Date?, expiresAt: Date,
 *   fileId: ObjectId? and tokenHash: string? (once complete: the file and its first token),
 *   creationTimestamp: Date, updateTimestamp: Date }
 * </pre>
 * {@code offset} only moves forward by a conditional update that also releases the lock of the PATCH that wrote the
 * bytes, so it always counts bytes that are stored.
 */
record UploadRecord(@Id ObjectId id, String ownerId, String blobId, Long length, Long offset, String name,
        String mimetype, List<String> tags, String status, String lockedBy, Instant lockedUntil, Instant expiresAt,
        ObjectId fileId, String tokenHash, Instant creationTimestamp, Instant updateTimestamp) {

    static final String COLLECTION = "uploads";
    static final String UPLOADING = "uploading";
    static final String COMPLETE = "complete";

    boolean complete() {
        return COMPLETE.equals(status);
    }
}
