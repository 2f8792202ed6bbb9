package dev.medbase.files.storage;

import java.io.OutputStream;

/**
 * Appends to one blob. {@code write} and {@code close} throw {@link StorageException} when the store fails (never a
 * checked {@link java.io.IOException}). {@link #length()} is the blob length including everything written so far.
 */
public abstract class BlobOutput extends OutputStream {

    public abstract long length();

    @Override
    public abstract void write(byte[] buffer, int offset, int length);

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public abstract void close();
}
