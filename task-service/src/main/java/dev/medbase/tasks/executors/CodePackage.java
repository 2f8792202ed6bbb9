package dev.medbase.tasks.executors;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * A function's code: a base64 zip. Entries are checked before anything is written: names that are absolute, contain
 * {@code ..} segments or backslashes, or resolve outside the target (zip slip) are refused, as are archives over
 * {@link #MAX_UNPACKED_BYTES} or {@link #MAX_ENTRIES} (zip bombs).
 */
public final class CodePackage {

    public static final long MAX_UNPACKED_BYTES = 256L * 1024 * 1024;
    public static final int MAX_ENTRIES = 20_000;

    private CodePackage() {
    }

    public static byte[] decode(String base64) {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw invalid("The code is not valid base64");
        }
    }

    /** The names of the files in the archive (1401 when it is not a safe, non-empty zip). */
    public static Set<String> files(byte[] zip) {
        Set<String> files = new LinkedHashSet<>();
        scan(zip, null, files);
        if (files.isEmpty()) {
            throw invalid("The code is not a zip archive with files");
        }
        return files;
    }

    /** Unpacks into {@code target}, which must not exist yet; safe against zip slip and zip bombs. */
    public static void unpack(byte[] zip, Path target) {
        scan(zip, target, new LinkedHashSet<>());
    }

    private static void scan(byte[] zip, Path target, Set<String> files) {
        Path root = target == null ? null : target.toAbsolutePath().normalize();
        long total = 0;
        int entries = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            byte[] buffer = new byte[16 * 1024];
            while ((entry = in.getNextEntry()) != null) {
                if (++entries > MAX_ENTRIES) {
                    throw invalid("The code archive has more than " + MAX_ENTRIES + " entries");
                }
                String name = entry.getName();
                if (!safeName(name)) {
                    throw invalid("The code archive has an unsafe entry name: '" + name + "'");
                }
                Path out = null;
                if (root != null) {
                    out = root.resolve(name).normalize();
                    if (!out.startsWith(root)) {
                        throw invalid("The code archive has an entry outside its root: '" + name + "'");
                    }
                }
                if (entry.isDirectory()) {
                    if (out != null) {
                        Files.createDirectories(out);
                    }
                    continue;
                }
                files.add(name);
                OutputStream os = null;
                try {
                    if (out != null) {
                        Files.createDirectories(out.getParent());
                        os = Files.newOutputStream(out);
                    }
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        total += n;
                        if (total > MAX_UNPACKED_BYTES) {
                            throw invalid("The code archive unpacks to more than " + MAX_UNPACKED_BYTES + " bytes");
                        }
                        if (os != null) {
                            os.write(buffer, 0, n);
                        }
                    }
                } finally {
                    if (os != null) {
                        os.close();
                    }
                }
            }
        } catch (ZipException e) {
            throw invalid("The code is not a valid zip archive");
        } catch (IOException e) {
            if (root == null) {
                throw invalid("The code is not a valid zip archive");
            }
            throw new UncheckedIOException(e);
        }
    }

    static boolean safeName(String name) {
        if (name == null || name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains("\0")
                || name.matches("^[A-Za-z]:.*")) {
            return false;
        }
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** Unpacks into {@code dir} once: concurrent callers and replicas sharing the directory see a complete tree. */
    public static Path unpackOnce(byte[] zip, Path dir) {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        try {
            Files.createDirectories(dir.getParent());
            Path temp = Files.createTempDirectory(dir.getParent(), ".unpack-");
            try {
                unpack(zip, temp);
                Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                deleteTree(temp);
                if (Files.isDirectory(dir)) {
                    return dir; // another thread won the race
                }
                throw e;
            }
            return dir;
        } catch (IOException e) {
            if (Files.isDirectory(dir)) {
                return dir;
            }
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    static InputStream stream(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }

    public static ExhException invalid(String message) {
        return new ExhException(ExhError.INVALID_FUNCTION_CODE_EXCEPTION, message);
    }
}
