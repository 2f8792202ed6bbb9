package dev.medbase.files.uploads;

import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The running SHA-256 of resumable uploads between their PATCH requests, so the final hash costs no second pass over
 * the bytes. Only a cache: an entry is used only when it was taken at exactly the upload's current offset, and
 * after a restart, on another replica or after eviction the state is rebuilt by reading the stored bytes once.
 */
final class DigestCache {

    private record Entry(long offset, MessageDigest digest) {
    }

    private final int capacity;
    private final Map<String, Entry> entries;

    DigestCache(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > DigestCache.this.capacity;
            }
        };
    }

    /** A copy of the digest over the first {@code offset} bytes of the upload, or null. */
    synchronized MessageDigest get(String uploadId, long offset) {
        Entry entry = entries.get(uploadId);
        if (entry == null || entry.offset() != offset) {
            return null;
        }
        try {
            return (MessageDigest) entry.digest().clone();
        } catch (CloneNotSupportedException e) {
            return null;
        }
    }

    synchronized void put(String uploadId, long offset, MessageDigest digest) {
        try {
            entries.put(uploadId, new Entry(offset, (MessageDigest) digest.clone()));
        } catch (CloneNotSupportedException e) {
            entries.remove(uploadId);
        }
    }

    synchronized void remove(String uploadId) {
        entries.remove(uploadId);
    }
}
