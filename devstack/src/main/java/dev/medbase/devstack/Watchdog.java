package dev.medbase.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Ends the children if this JVM dies without running its shutdown hooks (kill -9, a crash, OOM kill).
 * <p>
 * A small {@code /bin/sh} process reads its standard input, a pipe from this JVM, until end-of-file. Only this JVM
 * holds the pipe's other end, so end-of-file means this JVM is gone (or {@link #parentGone()} was called): the script
 * then sends SIGTERM to the children, waits up to a grace period, and sends SIGKILL to whatever is left. On a normal stop the
 * stack ends the children itself and {@link #close()}s the watchdog first, so it never acts on reused pids.
 * It ignores SIGINT and SIGHUP, so a Ctrl-C in the terminal, which reaches the whole process group, leaves it to
 * clean up should the JVM's own shutdown hang and be killed. Without {@code /bin/sh} (Windows) there is no watchdog.
 */
final class Watchdog implements AutoCloseable {

    static final String SCRIPT = """
            trap '' INT HUP
            grace=$1; shift
            while read -r _; do :; done
            kill -TERM "$@" 2>/dev/null
            i=0
            while [ $i -lt "$grace" ]; do
              alive=
              for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
              [ -z "$alive" ] && exit 0
              sleep 1
              i=$((i+1))
            done
            kill -KILL "$@" 2>/dev/null
            exit 0
            """;

    private final Process process;

    private Watchdog(Process process) {
        this.process = process;
    }

    static final int GRACE_SECONDS = 15;

    /** Watches over {@code processes} (and the descendants they have now); empty where there is no /bin/sh. */
    static Optional<Watchdog> watch(Collection<ProcessHandle> processes) {
        return watch(processes, GRACE_SECONDS);
    }

    static Optional<Watchdog> watch(Collection<ProcessHandle> processes, int graceSeconds) {
        Path sh = Path.of("/bin/sh");
        if (processes.isEmpty() || !Files.isExecutable(sh)) {
            return Optional.empty();
        }
        List<String> command = new ArrayList<>(List.of(sh.toString(), "-c", SCRIPT, "medbase-watchdog",
                String.valueOf(graceSeconds)));
        for (ProcessHandle p : processes) {
            p.descendants().forEach(d -> command.add(String.valueOf(d.pid())));
            command.add(String.valueOf(p.pid()));
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            builder.environment().keySet().retainAll(List.of("PATH"));
            return Optional.of(new Watchdog(builder.start()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** What happens when this JVM dies: the pipe closes and the watchdog ends the children. */
    void parentGone() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** Stops watching (the children are being stopped by the stack itself). */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            // Dead before its pipe closes, or it would take the closing for the parent's death.
            process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
