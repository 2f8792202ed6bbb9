package dev.medbase.files.uploads;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

import dev.medbase.files.FilesErrors.StatusException;
import dev.medbase.files.FilesProperties;
import dev.medbase.files.files.FileDetails;
import dev.medbase.files.files.FileRecord;
import dev.medbase.files.files.FileService;
import dev.medbase.files.files.FileTokens;
import dev.medbase.files.files.StoredBlob;
import dev.medbase.files.storage.BlobOutput;
import dev.medbase.files.storage.BlobStore;
import dev.medbase.files.storage.StorageException;
import dev.medbase.platform.error.BodyTooLargeException;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.events.EventPublisher;
import dev.medbase.platform.security.Caller;

/**
 * Resumable uploads (tus 1.0 core + creation, creation-with-upload, termination, checksum, expiration), a Medbase
 * extension under {@code /files/v1/uploads}. Each upload appends to one blob; when its offset reaches its length the
 * blob becomes an ordinary file with a full token, exactly as if it had been posted to {@code /files/v1/}.
 *
 * <p>Concurrency without transactions: a PATCH first takes a lease on the upload document ({@code lockedBy},
 * {@code lockedUntil}, renewed while bytes flow) with a conditional update on the expected offset, and gives it back
 * with the update that moves the offset. A second PATCH meanwhile gets 423; a PATCH at a stale offset 409.
 */
public class Uploads {

    public static final String TUS_VERSION = "1.0.0";
    static final Set<String> CHECKSUMS = Set.of("sha1", "sha256", "md5");
    private static final Logger log = LoggerFactory.getLogger(Uploads.class);
    private static final int COPY_BUFFER = 64 * 1024;

    private final MongoTemplate mongo;
    private final BlobStore store;
    private final FileService files;
    private final EventPublisher events;
    private final FilesProperties properties;
    private final DigestCache digests = new DigestCache(256);

    public Uploads(MongoTemplate mongo, BlobStore store, FileService files, EventPublisher events,
            FilesProperties properties) {
        this.mongo = mongo;
        this.store = store;
        this.files = files;
        this.events = events;
        this.properties = properties;
    }

    /** The state a client sees: offset, length, expiry, and once complete the file. */
    public record Status(String id, long offset, long length, Instant expiresAt, boolean complete,
            FileDetails file, String token) {
    }

    // ---- creation ---------------------------------------------------------------------------------------------------

    public UploadRecord create(Caller caller, String uploadLength, String uploadMetadata, boolean deferLength) {
        caller.requireUser();
        if (deferLength || uploadLength == null) {
            throw new StatusException(400, ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION,
                    "Upload-Length is required (deferred lengths are not supported)");
        }
        long length = number(uploadLength, "Upload-Length");
        long max = properties.uploads().maxSize().toBytes();
        if (length > max) {
            throw new StatusException(413, ExhError.FILE_TOO_LARGE_EXCEPTION,
                    "The upload is larger than the limit of " + max + " bytes");
        }
        Map<String, String> metadata = UploadMetadata.parse(uploadMetadata);
        String name = metadata.getOrDefault("filename", metadata.getOrDefault("name", "file"));
        files.limits().name(name);
        String mimetype = dev.medbase.files.files.UploadLimits.mimetype(
                metadata.getOrDefault("filetype", metadata.getOrDefault("mimetype", metadata.get("contentType"))), name);
        List<String> tags = metadata.containsKey("tags") ? UploadMetadata.list(metadata.get("tags")) : List.of();
        tags.forEach(files.limits()::tag);
        files.limits().tagCount(tags);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UploadRecord upload = new UploadRecord(new ObjectId(), caller.userId(), store.newBlobId(), length, 0L, name,
                mimetype, tags, UploadRecord.UPLOADING, null, null, now.plus(properties.uploads().expiry()), null, null,
                now, now);
        mongo.insert(upload, UploadRecord.COLLECTION);
        String id = upload.id().toHexString();
        events.publish("file_upload_created", id, Map.of("id", id, "creatorId", caller.userId(), "name", name,
                "length", length));
        return upload;
    }

    // ---- reading ----------------------------------------------------------------------------------------------------

    /** The caller's upload: 404 for anyone else's or an unknown one (the id is not a secret worth confirming). */
    public UploadRecord owned(Caller caller, String id) {
        caller.requireUser();
        UploadRecord upload = ObjectId.isValid(id)
                ? mongo.findById(new ObjectId(id), UploadRecord.class, UploadRecord.COLLECTION) : null;
        if (upload == null || !caller.userId().equals(upload.ownerId())) {
            throw new StatusException(404, ExhError.RESOURCE_UNKNOWN_EXCEPTION, "The upload is unknown or has expired");
        }
        return upload;
    }

    public Status status(Caller caller, String id) {
        UploadRecord upload = owned(caller, id);
        FileDetails file = null;
        String token = null;
        if (upload.complete() && upload.fileId() != null) {
            file = files.detailsFor(upload.fileId(), upload.tokenHash()).orElse(null);
            if (file != null && file.tokens() != null && !file.tokens().isEmpty()) {
                token = file.tokens().get(0).token();
            }
        }
        return new Status(upload.id().toHexString(), upload.offset(), upload.length(), upload.expiresAt(),
                upload.complete(), file, token);
    }

    // ---- appending --------------------------------------------------------------------------------------------------

    /**
     * Appends the request body at {@code offset}. @return the new status (with the file once the upload completed)
     *
     * @param checksum the {@code Upload-Checksum} header ({@code <algorithm> <base64>}), or null
     */
    public Status append(Caller caller, String id, long offset, String checksum, InputStream body) {
        UploadRecord upload = owned(caller, id);
        MessageDigest expected = null;
        byte[] expectedValue = null;
        if (checksum != null) {
            String[] parts = checksum.trim().split(" ");
            if (parts.length != 2 || !CHECKSUMS.contains(parts[0].toLowerCase(java.util.Locale.ROOT))) {
                throw new StatusException(400, ExhError.FIELD_FORMAT_EXCEPTION,
                        "Upload-Checksum must be '<algorithm> <base64>' with one of " + CHECKSUMS);
            }
            expected = digest(parts[0].toLowerCase(java.util.Locale.ROOT));
            try {
                expectedValue = Base64.getDecoder().decode(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new StatusException(400, ExhError.FIELD_FORMAT_EXCEPTION, "Upload-Checksum is not base64");
            }
        }
        if (upload.complete() || offset != upload.offset()) {
            throw conflict(upload.offset());
        }
        String lock = lock(upload, offset);
        long length = upload.length();
        BlobOutput out = null;
        long written = offset;
        boolean clientGone = false;
        try {
            MessageDigest sha256 = runningDigest(upload, offset);
            out = store.append(upload.blobId(), offset);
            byte[] buffer = new byte[COPY_BUFFER];
            long lastRenewal = System.nanoTime();
            try {
                int n;
                while ((n = body.read(buffer)) > 0) {
                    if (out.length() + n > length) {
                        throw new StatusException(400, ExhError.FIELD_FORMAT_EXCEPTION,
                                "The body goes beyond Upload-Length (" + length + " bytes)");
                    }
                    out.write(buffer, 0, n);
                    sha256.update(buffer, 0, n);
                    if (expected != null) {
                        expected.update(buffer, 0, n);
                    }
                    if (System.nanoTime() - lastRenewal > properties.uploads().lockLease().toNanos() / 4) {
                        renew(upload, lock);
                        lastRenewal = System.nanoTime();
                    }
                }
            } catch (BodyTooLargeException e) {
                throw e;
            } catch (IOException e) {
                // the client went away or broke the body off: keep what arrived, unless a checksum covers the body
                clientGone = true;
                log.debug("PATCH of upload {} broke off at {}: {}", id, out.length(), e.toString());
            }
            if (clientGone && expected != null) {
                throw new StatusException(460, ExhError.FIELD_FORMAT_EXCEPTION,
                        "The body was incomplete, so its checksum cannot be verified; nothing was kept");
            }
            if (expected != null && !MessageDigest.isEqual(expected.digest(), expectedValue)) {
                throw new StatusException(460, ExhError.FIELD_FORMAT_EXCEPTION,
                        "Checksum mismatch: the body was discarded");
            }
            out.close();
            written = out.length();
            return commit(upload, lock, written, sha256);
        } catch (BodyTooLargeException | RuntimeException e) {
            rollBack(upload, lock, offset, out == null ? offset : out.length());
            if (e instanceof BodyTooLargeException tooLarge) {
                throw new StatusException(413, ExhError.BODY_FORMAT_EXCEPTION, tooLarge.getMessage()
                        + " (one PATCH; send the upload in smaller chunks)");
            }
            throw (RuntimeException) e;
        }
    }

    /** Cuts the blob back to where this PATCH started and gives the lock back; the offset did not move. */
    private void rollBack(UploadRecord upload, String lock, long offset, long writtenUpTo) {
        digests.remove(upload.id().toHexString());
        try {
            store.truncate(upload.blobId(), offset, writtenUpTo);
        } catch (RuntimeException e) {
            log.warn("Could not cut upload {} back to {} bytes: {}", upload.id(), offset, e.toString());
        }
        mongo.updateFirst(Query.query(Criteria.where("_id").is(upload.id()).and("lockedBy").is(lock)),
                new Update().unset("lockedBy").unset("lockedUntil"), UploadRecord.COLLECTION);
    }

    private Status commit(UploadRecord upload, String lock, long offset, MessageDigest sha256) {
        String id = upload.id().toHexString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant expires = now.plus(properties.uploads().expiry());
        if (offset < upload.length()) {
            digests.put(id, offset, sha256);
            release(upload, lock, new Update().set("offset", offset).set("updateTimestamp", now)
                    .set("expiresAt", expires));
            return new Status(id, offset, upload.length(), expires, false, null, null);
        }
        // complete: the blob becomes a file, with the lock still held
        digests.remove(id);
        String hash = HexFormat.of().formatHex(sha256.digest());
        store.seal(upload.blobId(), offset, upload.name(), hash);
        FileDetails file;
        String token;
        try {
            Caller owner = new Caller(upload.ownerId(), null, Set.of(), Set.of(), Map.of());
            file = files.create(owner, upload.name(), upload.mimetype(),
                    upload.tags() == null ? List.of() : upload.tags(), new StoredBlob(upload.blobId(), offset, hash));
            token = file.tokens().get(0).token();
        } catch (DuplicateKeyException e) {
            // an earlier attempt recorded the file and died before marking the upload complete
            FileRecord existing = files.byBlob(upload.blobId()).orElseThrow(() -> e);
            String first = existing.tokens().get(0).hash();
            file = files.detailsFor(existing.id(), first).orElseThrow(() -> e);
            token = file.tokens().isEmpty() ? null : file.tokens().get(0).token();
        }
        ObjectId fileId = FileTokens.fileIdOf(token).orElse(null);
        release(upload, lock, new Update().set("offset", offset).set("status", UploadRecord.COMPLETE)
                .set("fileId", fileId).set("tokenHash", token == null ? null : FileTokens.hash(token))
                .set("updateTimestamp", now).set("expiresAt", expires));
        events.publish("file_upload_completed", id, Map.of("id", id, "fileId",
                fileId == null ? "" : fileId.toHexString(), "size", offset));
        return new Status(id, offset, upload.length(), expires, true, file, token);
    }

    // ---- termination and expiry -------------------------------------------------------------------------------------

    public void terminate(Caller caller, String id) {
        UploadRecord upload = owned(caller, id);
        if (upload.lockedUntil() != null && upload.lockedUntil().isAfter(Instant.now())) {
            throw new StatusException(423, ExhError.ILLEGAL_STATE_EXCEPTION, "A PATCH is in progress");
        }
        long removed = mongo.remove(Query.query(Criteria.where("_id").is(upload.id())), UploadRecord.COLLECTION)
                .getDeletedCount();
        if (removed > 0 && !upload.complete()) {
            store.delete(upload.blobId(), upload.offset());
        }
        digests.remove(id);
        if (removed > 0) {
            events.publish("file_upload_terminated", id, Map.of("id", id, "complete", upload.complete()));
        }
    }

    /** Deletes expired uploads (and the bytes of unfinished ones). @return how many */
    public int expire(Instant now) {
        List<UploadRecord> expired = mongo.find(Query.query(Criteria.where("expiresAt").lt(now)).limit(100),
                UploadRecord.class, UploadRecord.COLLECTION);
        int count = 0;
        for (UploadRecord upload : expired) {
            if (upload.lockedUntil() != null && upload.lockedUntil().isAfter(now)) {
                continue; // a PATCH is still streaming into it
            }
            long removed = mongo.remove(Query.query(Criteria.where("_id").is(upload.id())
                    .and("expiresAt").is(upload.expiresAt())), UploadRecord.COLLECTION).getDeletedCount();
            if (removed > 0 && !upload.complete() && !files.references(upload.blobId())) {
                store.delete(upload.blobId(), upload.offset() == null ? 0 : upload.offset());
                digests.remove(upload.id().toHexString());
                log.info("Removed expired upload {} ({} of {} bytes)", upload.id(), upload.offset(), upload.length());
                events.publish("file_upload_expired", upload.id().toHexString(),
                        Map.of("id", upload.id().toHexString(), "offset", upload.offset(), "length", upload.length()));
            }
            count += removed > 0 ? 1 : 0;
        }
        return count;
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private String lock(UploadRecord upload, long offset) {
        String lock = UUID.randomUUID().toString();
        Instant now = Instant.now();
        Query free = Query.query(Criteria.where("_id").is(upload.id()).and("offset").is(offset)
                .and("status").is(UploadRecord.UPLOADING)
                .orOperator(Criteria.where("lockedUntil").exists(false), Criteria.where("lockedUntil").is(null),
                        Criteria.where("lockedUntil").lt(now)));
        UploadRecord locked = mongo.findAndModify(free, new Update().set("lockedBy", lock)
                        .set("lockedUntil", now.plus(properties.uploads().lockLease())),
                FindAndModifyOptions.options().returnNew(true), UploadRecord.class, UploadRecord.COLLECTION);
        if (locked == null) {
            UploadRecord current = mongo.findById(upload.id(), UploadRecord.class, UploadRecord.COLLECTION);
            if (current == null) {
                throw new StatusException(404, ExhError.RESOURCE_UNKNOWN_EXCEPTION, "The upload is unknown or has expired");
            }
            if (current.complete() || current.offset() != offset) {
                throw conflict(current.offset());
            }
            throw new StatusException(423, ExhError.ILLEGAL_STATE_EXCEPTION,
                    "Another PATCH is writing to this upload");
        }
        return lock;
    }

    private void renew(UploadRecord upload, String lock) {
        long renewed = mongo.updateFirst(Query.query(Criteria.where("_id").is(upload.id()).and("lockedBy").is(lock)),
                new Update().set("lockedUntil", Instant.now().plus(properties.uploads().lockLease())),
                UploadRecord.COLLECTION).getMatchedCount();
        if (renewed == 0) {
            throw new StatusException(409, ExhError.ILLEGAL_STATE_EXCEPTION, "The upload was taken over or removed");
        }
    }

    private void release(UploadRecord upload, String lock, Update update) {
        long updated = mongo.updateFirst(Query.query(Criteria.where("_id").is(upload.id()).and("lockedBy").is(lock)),
                update.unset("lockedBy").unset("lockedUntil"), UploadRecord.COLLECTION).getMatchedCount();
        if (updated == 0) {
            throw new StorageException("Upload " + upload.id() + " lost its lock while writing");
        }
    }

    /** SHA-256 over the first {@code offset} bytes: from the cache, else by reading them back once. */
    private MessageDigest runningDigest(UploadRecord upload, long offset) {
        MessageDigest cached = digests.get(upload.id().toHexString(), offset);
        if (cached != null) {
            return cached;
        }
        MessageDigest digest = digest("sha256");
        if (offset > 0) {
            try (InputStream stored = store.read(upload.blobId(), 0, offset)) {
                byte[] buffer = new byte[COPY_BUFFER];
                int n;
                while ((n = stored.read(buffer)) > 0) {
                    digest.update(buffer, 0, n);
                }
            } catch (IOException e) {
                throw new StorageException("Could not re-read upload " + upload.id(), e);
            }
        }
        return digest;
    }

    private static StatusException conflict(long current) {
        return new StatusException(409, ExhError.ILLEGAL_STATE_EXCEPTION,
                "Upload-Offset does not match the upload's offset " + current,
                Map.of("Upload-Offset", Long.toString(current)));
    }

    static long number(String header, String name) {
        if (header == null || !header.trim().matches("\\d{1,18}")) {
            throw new StatusException(400, ExhError.FIELD_FORMAT_EXCEPTION, name + " must be a non-negative integer");
        }
        return Long.parseLong(header.trim());
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(switch (algorithm) {
                case "sha1" -> "SHA-1";
                case "md5" -> "MD5";
                default -> "SHA-256";
            });
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
