package dev.medbase.files.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;

import dev.medbase.files.FilesProperties;
import dev.medbase.files.storage.BlobLeases;
import dev.medbase.files.storage.BlobOutput;
import dev.medbase.files.storage.BlobStore;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Reads a {@code multipart/form-data} upload (contract §8 rows 1–2) part by part straight from the request stream
 * with Commons FileUpload's streaming API — no temporary files, no part held in memory: the {@code file} part goes to
 * the blob store one chunk at a time while its size is counted against {@code medbase.files.max-file-size} and its
 * SHA-256 computed. Text parts ({@code name}, {@code tags[]}/{@code tags}, anything unknown) are read up to
 * {@code max-field-size}. Spring's own multipart handling is switched off ({@code spring.servlet.multipart.enabled
 * =false}) so the body reaches this class untouched.
 *
 * <p>On any failure the partial blob is deleted before the error is thrown; a lease ({@link BlobLeases}) covers the
 * case where the process dies mid-upload.
 */
final class MultipartUpload {

    /** What the form said, and the stored bytes of its {@code file} part. */
    record Form(String name, String filename, String partContentType, List<String> tags, StoredBlob blob) {
    }

    private static final int COPY_BUFFER = 64 * 1024;
    private static final Duration TOUCH_EVERY = Duration.ofSeconds(15);

    private final BlobStore store;
    private final BlobLeases leases;
    private final FilesProperties properties;
    private final UploadLimits limits;

    MultipartUpload(BlobStore store, BlobLeases leases, FilesProperties properties, UploadLimits limits) {
        this.store = store;
        this.leases = leases;
        this.properties = properties;
        this.limits = limits;
    }

    /**
     * Parses the request and stores its file. The caller owns the returned blob: it must create the file record or
     * delete the blob (and in both cases release the lease).
     */
    Form read(HttpServletRequest request) {
        String contentType = request.getContentType();
        if (contentType == null
                || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new ExhException(ExhError.BODY_FORMAT_EXCEPTION,
                    "A file upload must be sent as multipart/form-data with a 'file' part");
        }
        JakartaServletFileUpload<?, ?> upload = new JakartaServletFileUpload<>();
        upload.setHeaderCharset(StandardCharsets.UTF_8);
        String name = null;
        String filename = null;
        String partType = null;
        List<String> tags = new ArrayList<>();
        StoredBlob blob = null;
        int parts = 0;
        try {
            FileItemInputIterator iterator = upload.getItemIterator(request);
            while (iterator.hasNext()) {
                FileItemInput part = iterator.next();
                if (++parts > properties.maxParts()) {
                    throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION,
                            "An upload can have at most " + properties.maxParts() + " parts");
                }
                String field = part.getFieldName() == null ? "" : part.getFieldName();
                if (field.equals("file")) {
                    if (blob != null) {
                        throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "Only one 'file' part is allowed");
                    }
                    filename = part.getName();
                    partType = part.getContentType();
                    if (name == null && filename != null) {
                        limits.name(filename); // fail before storing anything
                    }
                    blob = store(part);
                } else if (field.equals("name")) {
                    name = limits.name(text(part, field));
                } else if (field.equals("tags") || field.equals("tags[]") || field.matches("tags\\[\\d{1,6}]")) {
                    tags.add(limits.tag(text(part, field)));
                    limits.tagCount(tags);
                } else {
                    text(part, field); // unknown parts are read (bounded) and ignored
                }
            }
        } catch (FileUploadSizeException e) {
            cleanUp(blob);
            throw tooLarge();
        } catch (IOException e) {
            cleanUp(blob);
            throw new ExhException(ExhError.BODY_FORMAT_EXCEPTION,
                    "The multipart body is malformed or incomplete: " + safe(e.getMessage()));
        } catch (RuntimeException e) {
            cleanUp(blob);
            throw e;
        }
        if (parts == 0) {
            throw new ExhException(ExhError.BODY_FORMAT_EXCEPTION,
                    "The multipart body has no parts (is the boundary right?)");
        }
        if (blob == null) {
            throw new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION, "The upload has no 'file' part");
        }
        return new Form(name, filename, partType, tags, blob);
    }

    /** Releases a blob nobody will use: deletes its bytes, then its lease. */
    void cleanUp(StoredBlob blob) {
        if (blob != null) {
            store.delete(blob.blobId(), blob.size());
            leases.release(blob.blobId());
        }
    }

    private ExhException tooLarge() {
        return new ExhException(ExhError.FILE_TOO_LARGE_EXCEPTION,
                "The file is larger than the limit of " + properties.maxFileSize().toBytes() + " bytes");
    }

    /**
     * Streams one part into a new blob. IOExceptions here come from the request (a broken or truncated body); the
     * store reports its own failures as StorageException. Either way nothing is left behind.
     */
    private StoredBlob store(FileItemInput part) throws IOException {
        long limit = properties.maxFileSize().toBytes();
        String blobId = store.newBlobId();
        leases.take(blobId, "upload", 0);
        MessageDigest sha256 = sha256();
        boolean stored = false;
        BlobOutput out = null;
        long size = 0;
        try (InputStream in = part.getInputStream()) {
            out = store.append(blobId, 0);
            byte[] buffer = new byte[COPY_BUFFER];
            long lastTouch = System.nanoTime();
            int n;
            while ((n = in.read(buffer)) > 0) {
                size += n;
                if (size > limit) {
                    throw tooLarge();
                }
                sha256.update(buffer, 0, n);
                out.write(buffer, 0, n);
                if (System.nanoTime() - lastTouch > TOUCH_EVERY.toNanos()) {
                    leases.touch(blobId, size);
                    lastTouch = System.nanoTime();
                }
            }
            out.close();
            String hash = HexFormat.of().formatHex(sha256.digest());
            store.seal(blobId, size, part.getName(), hash);
            stored = true;
            return new StoredBlob(blobId, size, hash);
        } finally {
            if (!stored) {
                store.delete(blobId, size);
                leases.release(blobId);
            }
        }
    }

    private String text(FileItemInput part, String field) throws IOException {
        int limit = (int) Math.min(Integer.MAX_VALUE - 1, properties.maxFieldSize().toBytes());
        try (InputStream in = part.getInputStream()) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION,
                        "Part '" + safe(field) + "' is larger than " + limit + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String safe(String text) {
        if (text == null) {
            return "unexpected end of data";
        }
        String cleaned = text.replaceAll("\\p{Cntrl}", " ");
        return cleaned.length() > 200 ? cleaned.substring(0, 200) : cleaned;
    }
}
