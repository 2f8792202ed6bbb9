package dev.medbase.files;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code medbase.files.*}. Every value has a default that suits the devstack.
 *
 * @param maxFileSize         largest file accepted by {@code POST /files/v1/} (Extra Horizon: 8 MB); enforced while
 *                            the upload streams, so chunked uploads without {@code Content-Length} are bounded too
 * @param maxNameLength       longest file name, in characters
 * @param maxTags             most tags on one file
 * @param maxTagLength        longest tag, in characters
 * @param maxFieldSize        largest text part of an upload ({@code name}, {@code tags[]}, unknown parts)
 * @param maxParts            most parts in one multipart upload
 * @param maxTokensPerFile    most tokens one file can have (they live in the file's document)
 * @param tokenEncryptionKey  base64 AES key (16, 24 or 32 bytes) that encrypts the stored copy of every file token;
 *                            tokens are looked up by their SHA-256, the encrypted copy is only there because
 *                            {@code details} and the list must show them. Unset: a key is generated and kept in
 *                            the database, with a warning (then a database leak exposes the tokens)
 * @param staleUploadTimeout  an upload or deletion whose bytes were last touched this long ago is presumed dead
 *                            (crashed process) and its partial bytes are removed by the janitor
 * @param janitorInterval     how often the janitor looks for dead uploads, deletions and expired resumable uploads
 * @param storage             where file bytes go
 * @param uploads             resumable (tus) uploads
 */
@ConfigurationProperties("medbase.files")
public record FilesProperties(
        @DefaultValue("8MB") DataSize maxFileSize,
        @DefaultValue("1024") int maxNameLength,
        @DefaultValue("100") int maxTags,
        @DefaultValue("256") int maxTagLength,
        @DefaultValue("64KB") DataSize maxFieldSize,
        @DefaultValue("1000") int maxParts,
        @DefaultValue("1000") int maxTokensPerFile,
        String tokenEncryptionKey,
        @DefaultValue("10m") Duration staleUploadTimeout,
        @DefaultValue("1m") Duration janitorInterval,
        @DefaultValue Storage storage,
        @DefaultValue Uploads uploads) {

    /**
     * @param bucket    GridFS bucket: bytes in {@code <bucket>.chunks}, one {@code <bucket>.files} document per
     *                  complete file (standard GridFS layout, readable by {@code mongofiles})
     * @param chunkSize GridFS chunk size; also the write buffer of one upload and the read buffer of one download
     */
    public record Storage(
            @DefaultValue("fs") String bucket,
            @DefaultValue("255KB") DataSize chunkSize) {
    }

    /**
     * @param enabled   serve the tus endpoints under {@code /files/v1/uploads}
     * @param maxSize   largest resumable upload ({@code Tus-Max-Size})
     * @param expiry    an unfinished upload not touched for this long is deleted; a finished one is forgotten
     * @param lockLease how long one PATCH holds an upload against concurrent PATCHes without showing progress
     */
    public record Uploads(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("5GB") DataSize maxSize,
            @DefaultValue("24h") Duration expiry,
            @DefaultValue("2m") Duration lockLease) {
    }
}
