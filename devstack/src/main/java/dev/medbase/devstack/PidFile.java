package dev.medbase.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * {@code <dataDir>/medbase.pid} while a devstack runs on that data directory, and {@code <dataDir>/medbase.ready}
 * (holding the banner) once it is healthy. The {@code ./medbase} script reads both for {@code stop} and
 * {@code status}. A file left by a devstack that was killed is recognised as stale and replaced.
 */
final class PidFile {

    private final Path pidFile;
    private final Path readyFile;
    private final long pid = ProcessHandle.current().pid();

    private PidFile(Path dataDir) {
        this.pidFile = dataDir.resolve("medbase.pid");
        this.readyFile = dataDir.resolve("medbase.ready");
    }

    /** @throws IllegalStateException if another live devstack holds the data directory */
    static PidFile acquire(Path dataDir) {
        PidFile file = new PidFile(dataDir);
        Optional<ProcessHandle> other = file.holder();
        if (other.isPresent() && other.get().pid() != file.pid) {
            throw new IllegalStateException("Medbase is already running on " + dataDir + " (pid " + other.get().pid()
                    + "). Stop it with ./medbase stop, or use another MEDBASE_DATA_DIR.");
        }
        try {
            Files.createDirectories(dataDir);
            Files.deleteIfExists(file.readyFile);
            write(file.pidFile, file.pid + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file.pidFile, e);
        }
        return file;
    }

    /** The live Java process named in the pid file, if any. */
    private Optional<ProcessHandle> holder() {
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            long other = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
            return ProcessHandle.of(other).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(true));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    void markReady(String banner) {
        try {
            write(readyFile, banner);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + readyFile, e);
        }
    }

    /** Removes both files, if they are still ours. */
    void release() {
        try {
            Files.deleteIfExists(readyFile);
            if (Files.isRegularFile(pidFile)
                    && Files.readString(pidFile, StandardCharsets.UTF_8).trim().equals(String.valueOf(pid))) {
                Files.delete(pidFile);
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a stale file is recognised as such next time
        }
    }

    private static void write(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
