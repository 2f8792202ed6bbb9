package dev.medbase.files;

import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.medbase.files.files.FileService;
import dev.medbase.files.storage.BlobLeases;

/**
 * Removes what dead processes left behind: the partial bytes of uploads and deletions whose lease went stale
 * ({@link BlobLeases}). Safe with any number of replicas: deleting a blob twice is harmless, and a blob a file
 * record points at is never deleted.
 */
@Component
public class Janitor {

    private static final Logger log = LoggerFactory.getLogger(Janitor.class);

    private final BlobLeases leases;
    private final FileService files;
    private final FilesProperties properties;

    public Janitor(BlobLeases leases, FileService files, FilesProperties properties) {
        this.leases = leases;
        this.files = files;
        this.properties = properties;
    }

    @Scheduled(initialDelayString = "${medbase.files.janitor-interval:1m}",
            fixedDelayString = "${medbase.files.janitor-interval:1m}")
    public void sweep() {
        try {
            leases.reap(Instant.now().minus(properties.staleUploadTimeout()), files::references);
        } catch (RuntimeException e) {
            log.warn("Janitor pass failed: {}", e.toString());
        }
    }
}
