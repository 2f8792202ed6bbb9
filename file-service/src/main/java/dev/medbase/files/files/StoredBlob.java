package dev.medbase.files.files;

/** Bytes that are in the blob store and sealed: where, how many, and their SHA-256 (hex). */
public record StoredBlob(String blobId, long size, String sha256) {
}
