package dev.medbase.devstack;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A supervised child process: its output (stdout and stderr together) goes to a log file, the previous run's log is
 * kept as {@code <log>.1}, and {@link #stop} ends it and every descendant it has, politely first.
 */
public final class ChildProcess {

    private final String name;
    private final Process process;
    private final Path logFile;

    private ChildProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts {@code command} with exactly {@code environment} (nothing of this JVM's environment is added).
     */
    public static ChildProcess start(String name, List<String> command, Map<String, String> environment,
                                     Path logFile, Path workingDirectory) {
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            if (Files.exists(logFile)) {
                Files.move(logFile, logFile.resolveSibling(logFile.getFileName() + ".1"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
            if (workingDirectory != null) {
                builder.directory(workingDirectory.toFile());
            }
            builder.environment().clear();
            builder.environment().putAll(environment);
            return new ChildProcess(name, builder.start(), logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, once it has exited. */
    public Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    public CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    public Path logFile() {
        return logFile;
    }

    /** The last {@code count} lines of its log (at most the last 64 KiB of it). */
    public List<String> logTail(int count) {
        return tail(logFile, count);
    }

    static List<String> tail(Path file, int count) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            int size = (int) Math.min(length, 64 * 1024);
            byte[] bytes = new byte[size];
            in.seek(length - size);
            in.readFully(bytes);
            List<String> lines = new ArrayList<>(Arrays.asList(
                    new String(bytes, StandardCharsets.UTF_8).split("\\R", -1)));
            if (size < length && !lines.isEmpty()) {
                lines.remove(0); // probably cut in the middle
            }
            if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                lines.remove(lines.size() - 1);
            }
            return List.copyOf(lines.subList(Math.max(0, lines.size() - count), lines.size()));
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
        }
    }

    /**
     * Sends SIGTERM to the process and its descendants ({@link Process#destroy()}), waits up to {@code grace} for
     * all of them, then kills what is left ({@code destroyForcibly}).
     *
     * @return true if everything ended within the grace period
     */
    public boolean stop(Duration grace) {
        List<ProcessHandle> all = new ArrayList<>();
        // Descendants first: once the child is gone, its children are re-parented and can no longer be found.
        process.descendants().forEach(all::add);
        all.add(process.toHandle());
        return stopAll(all, grace);
    }

    static boolean stopAll(List<ProcessHandle> processes, Duration grace) {
        List<CompletableFuture<ProcessHandle>> exits = new ArrayList<>();
        for (ProcessHandle p : processes) {
            if (p.isAlive()) {
                exits.add(p.onExit());
                p.destroy();
            }
        }
        boolean graceful = true;
        try {
            CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new))
                    .get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            graceful = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            graceful = false;
        } catch (ExecutionException e) {
            graceful = false;
        }
        if (!graceful) {
            for (ProcessHandle p : processes) {
                p.destroyForcibly();
            }
            for (ProcessHandle p : processes) {
                try {
                    p.onExit().get(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException e) {
                    // nothing more we can do; SIGKILL cannot be refused
                }
            }
        }
        return graceful;
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
