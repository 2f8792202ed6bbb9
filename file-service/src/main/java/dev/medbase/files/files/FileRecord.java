package dev.medbase.files.files;

import java.time.Instant;
import java.util.List;

import org.bson.types.ObjectId;
import org.springframework.data.annotation.Id;

/**
 * A file as stored in collection {@code files}: the metadata, the storage reference and the tokens (embedded, so the
 * last-full-token rule is one atomic conditional update). Fields may be null when a list query projected them away.
 *
 * <pre>
 * { _id: ObjectId, name, mimetype, size: long, creatorId: ObjectId|string, tags: [string],
 *   tokens: [{hash: sha256 hex, sealed: base64 AES-GCM, accessLevel: "full"|"read", creationTimestamp}],
 *   sha256: hex, blobId: string (GridFS file id), creationTimestamp: Date, updateTimestamp: Date }
 * </pre>
 */
public record FileRecord(@Id ObjectId id, String name, String mimetype, Long size, Object creatorId, List<String> tags,
        List<StoredToken> tokens, String sha256, String blobId, Instant creationTimestamp, Instant updateTimestamp) {

    public static final String COLLECTION = "files";

    public record StoredToken(String hash, String sealed, String accessLevel, Instant creationTimestamp) {
    }

    /** The stored token with this hash, if the file has it. */
    public java.util.Optional<StoredToken> token(String hash) {
        if (tokens == null) {
            return java.util.Optional.empty();
        }
        StoredToken match = null;
        for (StoredToken t : tokens) {
            if (FileTokens.sameHash(t.hash(), hash)) {
                match = t;
            }
        }
        return java.util.Optional.ofNullable(match);
    }
}
