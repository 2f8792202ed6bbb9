package dev.medbase.files.files;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

import dev.medbase.files.FilesProperties;
import dev.medbase.files.files.FileDetails.TokenObject;
import dev.medbase.files.files.FileRecord.StoredToken;
import dev.medbase.files.storage.BlobLeases;
import dev.medbase.files.storage.BlobStore;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.events.EventPublisher;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;
import dev.medbase.platform.security.Caller;

/**
 * Files and their tokens. Every change is one single-document atomic write on {@code files} (no transactions on the
 * embedded database), followed by its event.
 */
public class FileService {

    public static final String FULL = "full";
    public static final String READ = "read";

    static final RqlTranslator LIST = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("name", FieldType.STRING)
            .field("mimetype", FieldType.STRING)
            .field("size", FieldType.NUMBER)
            .field("creatorId", FieldType.OBJECT_ID)
            .field("tags", FieldType.STRING)
            .field("sha256", FieldType.STRING)
            .field("tokens", "tokens", FieldType.ANY)
            .field("tokens.accessLevel", FieldType.STRING)
            .field("creationTimestamp", FieldType.DATE)
            .field("updateTimestamp", FieldType.DATE)
            .build();

    private final MongoTemplate mongo;
    private final BlobStore store;
    private final BlobLeases leases;
    private final FileTokens tokens;
    private final EventPublisher events;
    private final FilesProperties properties;
    private final UploadLimits limits;
    private final MultipartUpload multipart;

    public FileService(MongoTemplate mongo, BlobStore store, BlobLeases leases, FileTokens tokens,
            EventPublisher events, FilesProperties properties) {
        this.mongo = mongo;
        this.store = store;
        this.leases = leases;
        this.tokens = tokens;
        this.events = events;
        this.properties = properties;
        this.limits = new UploadLimits(properties);
        this.multipart = new MultipartUpload(store, leases, properties, limits);
    }

    public void ensureIndexes() {
        mongo.indexOps(FileRecord.COLLECTION).createIndex(new Index().on("blobId", org.springframework.data.domain.Sort.Direction.ASC)
                .unique().named("files_blob"));
    }

    public UploadLimits limits() {
        return limits;
    }

    /** A token, resolved: the file and what the token may do. */
    public record Access(FileRecord file, String tokenHash, String accessLevel) {
        public boolean full() {
            return FULL.equals(accessLevel);
        }
    }

    // ---- creation -------------------------------------------------------------------------------------------------

    /** {@code POST /files/v1/}: streams the multipart body into storage, then records the file with a full token. */
    public FileDetails upload(Caller caller, HttpServletRequest request) {
        caller.requireUser();
        MultipartUpload.Form form = multipart.read(request);
        try {
            String name = form.name() != null ? form.name()
                    : limits.name(form.filename() != null && !form.filename().isEmpty() ? form.filename() : "file");
            String mimetype = UploadLimits.mimetype(form.partContentType(), name);
            FileDetails created = create(caller, name, mimetype, form.tags(), form.blob());
            leases.release(form.blob().blobId());
            return created;
        } catch (RuntimeException e) {
            multipart.cleanUp(form.blob());
            throw e;
        }
    }

    /** Records stored bytes as a new file owned by the caller; the answer carries its first, full token. */
    public FileDetails create(Caller caller, String name, String mimetype, List<String> tags, StoredBlob blob) {
        ObjectId id = new ObjectId();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String token = tokens.newToken(id);
        StoredToken stored = new StoredToken(FileTokens.hash(token), tokens.seal(id, token), FULL, now);
        FileRecord record = new FileRecord(id, name, mimetype, blob.size(), userId(caller.userId()),
                List.copyOf(tags), List.of(stored), blob.sha256(), blob.blobId(), now, now);
        mongo.insert(record, FileRecord.COLLECTION);
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("id", id.toHexString());
        content.put("creatorId", caller.userId());
        content.put("name", name);
        content.put("mimetype", mimetype);
        content.put("size", blob.size());
        content.put("sha256", blob.sha256());
        content.put("tags", tags);
        events.publish("file_created", id.toHexString(), content);
        return details(record, true);
    }

    // ---- access -----------------------------------------------------------------------------------------------------

    /** 2605 unless the token exists. */
    public Access resolve(String token) {
        ObjectId fileId = FileTokens.fileIdOf(token).orElseThrow(FileService::unknownToken);
        FileRecord file = mongo.findById(fileId, FileRecord.class, FileRecord.COLLECTION);
        if (file == null) {
            throw unknownToken();
        }
        String hash = FileTokens.hash(token);
        StoredToken stored = file.token(hash).orElseThrow(FileService::unknownToken);
        return new Access(file, hash, stored.accessLevel());
    }

    /** 2605 unless the token exists, 2606 unless it is a full token. */
    public Access resolveFull(String token) {
        Access access = resolve(token);
        if (!access.full()) {
            throw new ExhException(ExhError.UNAUTHORIZED_TOKEN_EXCEPTION,
                    "This operation needs a token with full access");
        }
        return access;
    }

    public FileDetails details(String token) {
        Access access = resolve(token);
        return details(access.file(), access.full());
    }

    /** {@code DELETE /files/v1/{token}}: bytes, metadata and every token. */
    public void delete(String token) {
        Access access = resolveFull(token);
        FileRecord file = access.file();
        leases.take(file.blobId(), "delete", file.size() == null ? 0 : file.size());
        // the record goes first and atomically: from here on no token opens the file; only a full token may delete
        long removed = mongo.remove(Query.query(Criteria.where("_id").is(file.id())
                .and("tokens").elemMatch(Criteria.where("hash").is(access.tokenHash()).and("accessLevel").is(FULL))),
                FileRecord.COLLECTION).getDeletedCount();
        if (removed == 0) {
            leases.release(file.blobId());
            throw unknownToken();
        }
        store.delete(file.blobId(), file.size() == null ? 0 : file.size());
        leases.release(file.blobId());
        events.publish("file_deleted", file.id().toHexString(), Map.of("id", file.id().toHexString()));
    }

    /** {@code POST /files/v1/{token}/tokens}. */
    public TokenObject createToken(String token, String accessLevel) {
        Access access = resolveFull(token);
        FileRecord file = access.file();
        if (file.tokens() != null && file.tokens().size() >= properties.maxTokensPerFile()) {
            throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION,
                    "A file can have at most " + properties.maxTokensPerFile() + " tokens");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String created = tokens.newToken(file.id());
        StoredToken stored = new StoredToken(FileTokens.hash(created), tokens.seal(file.id(), created), accessLevel, now);
        long updated = mongo.updateFirst(Query.query(Criteria.where("_id").is(file.id())
                        .and("tokens").elemMatch(Criteria.where("hash").is(access.tokenHash()).and("accessLevel").is(FULL))),
                new Update().push("tokens", stored).set("updateTimestamp", now), FileRecord.COLLECTION)
                .getModifiedCount();
        if (updated == 0) {
            throw unknownToken(); // the caller's token was deleted meanwhile
        }
        events.publish("file_token_created", file.id().toHexString(),
                Map.of("id", file.id().toHexString(), "accessLevel", accessLevel));
        return new TokenObject(created, accessLevel);
    }

    /**
     * {@code DELETE /files/v1/{token}/tokens/{tokenToAccess}}: one conditional update, so that of two concurrent
     * deletions of the last two full tokens exactly one succeeds (2607 for the other).
     */
    public void deleteToken(String token, String tokenToDelete) {
        Access access = resolveFull(token);
        FileRecord file = access.file();
        String target = FileTokens.fileIdOf(tokenToDelete).filter(file.id()::equals).isPresent()
                ? FileTokens.hash(tokenToDelete) : null;
        StoredToken targetToken = target == null ? null : file.token(target).orElse(null);
        if (targetToken == null) {
            throw new ExhException(ExhError.INVALID_TOKEN_EXCEPTION, "The token to delete is unknown");
        }
        List<Criteria> conditions = new ArrayList<>();
        conditions.add(Criteria.where("tokens").elemMatch(
                Criteria.where("hash").is(access.tokenHash()).and("accessLevel").is(FULL)));
        conditions.add(Criteria.where("tokens").elemMatch(Criteria.where("hash").is(target)));
        if (FULL.equals(targetToken.accessLevel())) {
            conditions.add(Criteria.where("tokens").elemMatch(
                    Criteria.where("accessLevel").is(FULL).and("hash").ne(target)));
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long updated = mongo.updateFirst(
                Query.query(Criteria.where("_id").is(file.id()).andOperator(conditions.toArray(Criteria[]::new))),
                new Update().pull("tokens", new Document("hash", target)).set("updateTimestamp", now),
                FileRecord.COLLECTION).getModifiedCount();
        if (updated == 0) {
            // find out which condition failed, from the current state
            FileRecord now2 = mongo.findById(file.id(), FileRecord.class, FileRecord.COLLECTION);
            if (now2 == null || now2.token(access.tokenHash()).isEmpty()) {
                throw unknownToken();
            }
            if (now2.token(target).isEmpty()) {
                throw new ExhException(ExhError.INVALID_TOKEN_EXCEPTION, "The token to delete is unknown");
            }
            throw new ExhException(ExhError.TOKEN_NOT_DELETEABLE_EXCEPTION);
        }
        events.publish("file_token_deleted", file.id().toHexString(),
                Map.of("id", file.id().toHexString(), "accessLevel", targetToken.accessLevel()));
    }

    // ---- listing ----------------------------------------------------------------------------------------------------

    /** {@code GET /files/v1/{rql}} under {@code VIEW_FILES}: every file, with its tokens. */
    public PageEnvelope<FileDetails> list(Caller caller, RqlQuery rql) {
        caller.requirePermission("VIEW_FILES");
        Query query = LIST.toQuery(rql);
        return RqlPaging.find(mongo, query, rql, FileRecord.class, FileRecord.COLLECTION, f -> details(f, true));
    }

    /**
     * The details of a file with only the token of this hash shown (for whoever created the file through a resumable
     * upload and asks again for what the last PATCH returned); empty when the file is gone.
     */
    public Optional<FileDetails> detailsFor(ObjectId fileId, String tokenHash) {
        FileRecord file = mongo.findById(fileId, FileRecord.class, FileRecord.COLLECTION);
        if (file == null) {
            return Optional.empty();
        }
        List<StoredToken> own = file.token(tokenHash).map(List::of).orElse(List.of());
        return Optional.of(details(new FileRecord(file.id(), file.name(), file.mimetype(), file.size(),
                file.creatorId(), file.tags(), own, file.sha256(), file.blobId(), file.creationTimestamp(),
                file.updateTimestamp()), true));
    }

    /** The file stored in this blob, if one was recorded. */
    public Optional<FileRecord> byBlob(String blobId) {
        return Optional.ofNullable(mongo.findOne(Query.query(Criteria.where("blobId").is(blobId)), FileRecord.class,
                FileRecord.COLLECTION));
    }

    /** Whether a file record points at this blob (for the janitor). */
    public boolean references(String blobId) {
        return mongo.exists(Query.query(Criteria.where("blobId").is(blobId)), FileRecord.COLLECTION);
    }

    // ---- mapping ----------------------------------------------------------------------------------------------------

    FileDetails details(FileRecord f, boolean withTokens) {
        List<TokenObject> shown = null;
        if (withTokens && f.tokens() != null) {
            shown = new ArrayList<>();
            for (StoredToken t : f.tokens()) {
                Optional<String> plain = tokens.unseal(f.id(), t.sealed());
                if (plain.isPresent()) {
                    shown.add(new TokenObject(plain.get(), t.accessLevel()));
                }
            }
        }
        return new FileDetails(f.name(), f.mimetype(), f.size(),
                f.creatorId() == null ? null : f.creatorId() instanceof ObjectId o ? o.toHexString() : f.creatorId().toString(),
                f.tags(), shown, Iso.format(f.creationTimestamp()), Iso.format(f.updateTimestamp()), f.sha256());
    }

    private static Object userId(String userId) {
        return userId != null && ObjectId.isValid(userId) ? new ObjectId(userId) : userId;
    }

    static ExhException unknownToken() {
        return new ExhException(ExhError.INVALID_TOKEN_EXCEPTION);
    }
}
