package dev.medbase.files.storage;

/** The blob store failed (database down, a chunk missing): a server-side problem, never the client's. */
public class StorageException extends RuntimeException {

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
