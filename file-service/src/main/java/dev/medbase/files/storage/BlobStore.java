package dev.medbase.files.storage;

import java.io.InputStream;

/**
 * Where file bytes live, behind the smallest interface both a plain upload and a resumable upload need, so that an
 * S3-compatible store can be added beside {@link GridFsBlobStore}. A blob is written by appending (possibly over
 * several requests, each resuming at the length the previous one left), then {@linkplain #seal sealed} when complete;
 * it is read by byte range. Nothing here holds a whole blob in memory.
 *
 * <p>Failures of the store itself are {@link StorageException}s (unchecked), never {@link java.io.IOException}s, so
 * that code copying a request into a blob can tell a broken client from a broken database.
 */
public interface BlobStore {

    /** A fresh, unused blob id. */
    String newBlobId();

    /**
     * Appends to a blob whose first {@code offset} bytes are stored already (0 for a new blob). Everything written is
     * stored once {@link BlobOutput#close()} returns; until then only whole internal chunks are.
     */
    BlobOutput append(String blobId, long offset);

    /** Cuts a blob back to {@code length} bytes; {@code writtenUpTo} bounds how far a failed append may have got. */
    void truncate(String blobId, long length, long writtenUpTo);

    /** Marks a blob of {@code length} bytes complete; no further appends follow. */
    void seal(String blobId, long length, String filename, String sha256);

    /** {@code length} bytes from {@code offset}, fetched as they are read. */
    InputStream read(String blobId, long offset, long length);

    /** Removes a blob and all its bytes, complete or not; {@code lengthHint} is its length if known, else 0. */
    void delete(String blobId, long lengthHint);
}
