package dev.medbase.files;

import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.medbase.files.files.FileService;
import dev.medbase.files.storage.BlobLeases;
import dev.medbase.files.uploads.Uploads;

/**
 * Removes what dead processes left behind: the partial bytes of uploads and deletions whose lease went stale
 * ({@link BlobLeases}), and resumable uploads past their expiry. Safe with any number of replicas: deleting a blob twice is harmless, and a blob a file
 * record points at is never deleted.
 */
@Component
public class Janitor {

    private static final Logger log = LoggerFactory.getLogger(Janitor.class);

    private final BlobLeases leases;
    private final FileService files;
    private final FilesProperties properties;
    private final Uploads uploads;

    public Janitor(BlobLeases leases, FileService files, FilesProperties properties, Uploads uploads) {
        this.leases = leases;
        this.files = files;
        this.properties = properties;
        this.uploads = uploads;
    }

    @Scheduled(initialDelayString = "${medbase.files.janitor-interval:1m}",
            fixedDelayString = "${medbase.files.janitor-interval:1m}")
    public void sweep() {
        try {
            leases.reap(Instant.now().minus(properties.staleUploadTimeout()), files::references);
        } catch (RuntimeException e) {
            log.warn("Janitor pass failed: {}", e.toString());
        }
        try {
            uploads.expire(Instant.now());
        } catch (RuntimeException e) {
            log.warn("Janitor pass failed: {}", e.toString());
        }
    }
}
