package dev.medbase.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Class data sharing for the child JVMs, which roughly halves a Spring Boot service's start-up CPU time.
 * <p>
 * A Spring Boot jar is first extracted ({@code java -Djarmode=tools -jar x.jar extract}), because CDS cannot archive
 * classes loaded from nested jars; running the extracted jar is already faster than the fat jar. The first run of a
 * service then records a dynamic archive ({@code -XX:ArchiveClassesAtExit}), which the JVM writes when it exits;
 * later runs map it ({@code -XX:SharedArchiveFile}). The archive is kept only if the service had become healthy and
 * stopped cleanly (a half-written archive would make the JVM crash at start), and everything is redone when the jar,
 * the JDK or the JVM options change. All of it lives under one directory (default {@code <dataDir>/cds}); deleting
 * it is always safe.
 */
final class ClassDataSharing {

    private static final Logger log = LoggerFactory.getLogger(ClassDataSharing.class);

    /**
     * Writing an archive logs hundreds of "[cds] Skipping …" warnings, which would bury a service's real last words
     * in its log; [cds,dynamic] warnings (such as "Unable to use shared archive") stay.
     */
    static final String QUIET = "-Xlog:cds=off";

    private final Path dir;
    private final String java;

    ClassDataSharing(Path dir, String java) {
        this.dir = dir;
        this.java = java;
    }

    /** How to launch one service. */
    record Launch(Path jar, List<String> options, Path training, Path archive) {

        static Launch plain(Path jar) {
            return new Launch(jar, List.of(), null, null);
        }

        boolean isTraining() {
            return training != null;
        }

        /** After the child has exited: keep the archive it recorded if it is sure to be whole, else drop it. */
        void finish(boolean keep) {
            if (training == null) {
                return;
            }
            try {
                if (keep && Files.isRegularFile(training) && Files.size(training) > 0) {
                    Files.move(training, archive, StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                } else {
                    Files.deleteIfExists(training);
                }
            } catch (IOException e) {
                log.warn("Could not keep the class-data archive {}: {}", archive, e.toString());
            }
        }
    }

    /** Prepares {@code jar} (extracting it once if it is a Spring Boot jar) and chooses the CDS options. */
    Launch prepare(Service service, Path jar, List<String> jvmOptions) {
        String module = service.module();
        Path extracted = dir.resolve(module);
        Path stampFile = dir.resolve(module + ".stamp");
        Path archive = dir.resolve(module + ".jsa");
        Path training = dir.resolve(module + ".jsa.training");
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(training); // left by a run that did not stop cleanly
            boolean boot = isBootJar(jar);
            if (boot && !hasJarmodeTools(jar)) {
                return Launch.plain(jar);
            }
            Path runJar = boot ? extracted.resolve(jar.getFileName()) : jar;
            String stamp = stamp(jar, jvmOptions);
            boolean upToDate = Files.isRegularFile(stampFile)
                    && Files.readString(stampFile, StandardCharsets.UTF_8).equals(stamp)
                    && Files.isRegularFile(runJar);
            if (!upToDate) {
                Files.deleteIfExists(archive);
                Files.deleteIfExists(stampFile);
                deleteTree(extracted);
                if (boot && !extract(jar, extracted, module)) {
                    return Launch.plain(jar);
                }
                Files.writeString(stampFile, stamp, StandardCharsets.UTF_8);
            }
            if (Files.isRegularFile(archive)) {
                return new Launch(runJar, List.of("-XX:SharedArchiveFile=" + archive, QUIET), null, archive);
            }
            return new Launch(runJar, List.of("-XX:ArchiveClassesAtExit=" + training, QUIET), training, archive);
        } catch (IOException | UncheckedIOException e) {
            log.warn("Class data sharing is off for {}: {}", module, e.toString());
            return Launch.plain(jar);
        }
    }

    private String stamp(Path jar, List<String> jvmOptions) throws IOException {
        return "jar=" + jar.toAbsolutePath()
                + "\nsize=" + Files.size(jar)
                + "\nmodified=" + Files.getLastModifiedTime(jar).toMillis()
                + "\njava=" + java + " " + System.getProperty("java.vm.version")
                + "\noptions=" + String.join(" ", jvmOptions) + "\n";
    }

    static boolean isBootJar(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest() != null
                    && file.getManifest().getMainAttributes().getValue("Spring-Boot-Version") != null
                    && file.getEntry("BOOT-INF/") != null;
        }
    }

    private static boolean hasJarmodeTools(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().anyMatch(e -> e.getName().startsWith("BOOT-INF/lib/spring-boot-jarmode-tools"));
        }
    }

    private boolean extract(Path jar, Path destination, String module) throws IOException {
        Path output = dir.resolve(module + ".extract.log");
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination", destination.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                log.warn("Extracting {} took too long; running the jar as it is", jar);
                return false;
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
        Path extractedJar = destination.resolve(jar.getFileName());
        if (process.exitValue() != 0 || !Files.isRegularFile(extractedJar)) {
            log.warn("Could not extract {} (see {}); running the jar as it is", jar, output);
            deleteTree(destination);
            return false;
        }
        Files.deleteIfExists(output);
        return true;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
