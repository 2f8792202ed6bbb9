package dev.medbase.tasks.executors;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.tasks.TasksProperties;
import dev.medbase.tasks.functions.FunctionDef;

/**
 * Runs {@code nodejs*} and {@code python*} functions as child processes.
 *
 * <ul>
 *   <li>Code: unpacked once per version into {@code <cacheDir>/<name>/<codeHash>} (zip-slip safe, see
 *       {@link CodePackage}).</li>
 *   <li>A bootstrap (a resource of this service, copied to {@code <cacheDir>/.bootstrap}) loads the
 *       {@code entryPoint} ({@code file.handler}; the file relative to the code root, without extension), reads the
 *       task JSON on stdin and writes the outcome to a result file in a private per-run directory; stdout and stderr
 *       are the run's log lines (at most {@code maxLogBytes}).</li>
 *   <li>Limits: {@code timeLimit} (the whole process tree is killed, error {@code TimeoutError}); {@code memoryLimit}
 *       (node {@code --max-old-space-size}, python {@code RLIMIT_AS}; error {@code MemoryLimitExceeded}).</li>
 *   <li>Environment: empty, then {@code PATH}, {@code HOME} (the run directory), {@code LANG}, {@code TZ=UTC},
 *       {@code medbase.tasks.function-environment}, {@code API_HOST} (when configured), then the function's own
 *       variables. Nothing of the service's environment leaks in.</li>
 * </ul>
 */
public class ProcessExecutor implements FunctionExecutor {

    private static final Logger log = LoggerFactory.getLogger(ProcessExecutor.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SAFE_PATH = "/usr/local/bin:/usr/bin:/bin";

    private final TasksProperties properties;
    private final Set<Process> live = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public ProcessExecutor(TasksProperties properties) {
        this.properties = properties;
    }

    @Override
    public boolean supports(String runtime) {
        return runtime != null && (runtime.startsWith("nodejs") || runtime.startsWith("python"));
    }

    private static boolean node(String runtime) {
        return runtime.startsWith("nodejs");
    }

    @Override
    public void validate(String runtime, String entryPoint, byte[] code) {
        Handler handler = Handler.parse(entryPoint);
        if (code == null) {
            throw new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION, "Field 'code' is required");
        }
        Set<String> files = CodePackage.files(code);
        List<String> candidates = node(runtime)
                ? List.of(handler.module() + ".js", handler.module() + ".mjs", handler.module() + ".cjs",
                        handler.module() + "/index.js")
                : List.of(handler.module() + ".py", handler.module() + "/__init__.py");
        if (candidates.stream().noneMatch(files::contains)) {
            throw CodePackage.invalid("The entry point file '" + candidates.get(0) + "' is not in the code archive");
        }
    }

    /** {@code dir/file.handler} → module {@code dir/file}, function {@code handler}. */
    record Handler(String module, String function) {
        static Handler parse(String entryPoint) {
            int dot = entryPoint == null ? -1 : entryPoint.lastIndexOf('.');
            if (dot <= 0 || dot == entryPoint.length() - 1 || !CodePackage.safeName(entryPoint)
                    || !entryPoint.substring(dot + 1).matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
                throw new ExhException(ExhError.INVALID_FUNCTION_PARAMETER,
                        "The entryPoint must be 'file.function', e.g. 'index.handler'");
            }
            return new Handler(entryPoint.substring(0, dot), entryPoint.substring(dot + 1));
        }
    }

    @Override
    public ExecutionResult execute(Invocation invocation) {
        FunctionDef fn = invocation.function();
        Handler handler;
        Path codeDir;
        Path runDir;
        List<String> command;
        try {
            handler = Handler.parse(fn.entryPoint());
            codeDir = codeDir(fn);
            runDir = Files.createTempDirectory(properties.cacheDir(), ".run-");
            command = command(fn, handler, codeDir, runDir.resolve("result.json"));
        } catch (ExhException e) {
            return ExecutionResult.invocationError(e.getMessage());
        } catch (IOException | RuntimeException e) {
            log.warn("Could not prepare function {}", fn.name(), e);
            return ExecutionResult.invocationError("The function could not be prepared: " + e.getMessage());
        }
        try {
            return run(invocation, command, runDir);
        } finally {
            CodePackage.deleteTree(runDir);
        }
    }

    private ExecutionResult run(Invocation invocation, List<String> command, Path runDir) {
        FunctionDef fn = invocation.function();
        ProcessBuilder pb = new ProcessBuilder(command).directory(runDir.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", SAFE_PATH);
        env.put("HOME", runDir.toString());
        env.put("LANG", "C.UTF-8");
        env.put("TZ", "UTC");
        env.putAll(properties.functionEnvironment());
        if (properties.apiHost() != null && !properties.apiHost().isBlank()) {
            env.put("API_HOST", properties.apiHost());
        }
        env.put("MEDBASE_FUNCTION_NAME", fn.name());
        env.putAll(fn.environment());
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            return ExecutionResult.invocationError("The runtime could not be started: " + e.getMessage());
        }
        live.add(process);
        try {
            return await(invocation, process, runDir);
        } finally {
            live.remove(process);
        }
    }

    /** Kills the processes still running (the service is stopping); their tasks are retried after their lease. */
    @jakarta.annotation.PreDestroy
    public void killAll() {
        live.forEach(ProcessExecutor::kill);
    }

    private ExecutionResult await(Invocation invocation, Process process, Path runDir) {
        FunctionDef fn = invocation.function();
        AtomicLong budget = new AtomicLong(properties.maxLogBytes().toBytes());
        StringBuffer stderrTail = new StringBuffer();
        Thread out = pump(process.getInputStream(), invocation.logs(), budget, null);
        Thread err = pump(process.getErrorStream(), invocation.logs(), budget, stderrTail);
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(JSON.writeValueAsBytes(invocation.event()));
        } catch (IOException e) {
            // the process died before reading its input; its exit tells why
        }
        boolean finished;
        try {
            finished = process.waitFor(fn.timeLimit(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(process);
            return ExecutionResult.invocationError("The execution was interrupted");
        }
        if (!finished) {
            kill(process);
            join(out, err);
            return ExecutionResult.runtimeError("TimeoutError",
                    String.format("Task timed out after %d.00 seconds", fn.timeLimit()));
        }
        kill(process); // leftovers of the tree (background children)
        join(out, err);
        Path result = runDir.resolve("result.json");
        if (Files.exists(result)) {
            try {
                JsonNode outcome = JSON.readTree(Files.readString(result));
                if (outcome.path("ok").asBoolean(false)) {
                    return ExecutionResult.ok(JSON.treeToValue(outcome.get("result"), Object.class));
                }
                JsonNode error = outcome.path("error");
                return ExecutionResult.runtimeError(error.path("name").asString("Error"),
                        error.path("message").asString(""));
            } catch (IOException | RuntimeException e) {
                return ExecutionResult.runtimeError("InvalidResult", "The function's result could not be read");
            }
        }
        String tail = stderrTail.toString();
        if (tail.contains("heap out of memory") || tail.contains("MemoryError") || process.exitValue() == 137) {
            return ExecutionResult.runtimeError("MemoryLimitExceeded",
                    "The function exceeded its memory limit of " + fn.memoryLimit() + " MB");
        }
        return ExecutionResult.runtimeError("ProcessExited",
                "The function's process exited with code " + process.exitValue() + " before returning a result");
    }

    private List<String> command(FunctionDef fn, Handler handler, Path codeDir, Path resultFile) throws IOException {
        List<String> command = new ArrayList<>();
        if (node(fn.runtime())) {
            command.add(interpreter(properties.nodeCommand(), true));
            command.add("--max-old-space-size=" + fn.memoryLimit());
            command.add(bootstrap("node-bootstrap.js").toString());
        } else {
            command.add(interpreter(properties.pythonCommand(), false));
            command.add("-I"); // isolated: ignores PYTHON* variables and the user site directory
            command.add(bootstrap("python-bootstrap.py").toString());
        }
        command.add(codeDir.toString());
        command.add(handler.module());
        command.add(handler.function());
        command.add(resultFile.toString());
        if (!node(fn.runtime())) {
            command.add(String.valueOf(fn.memoryLimit()));
        }
        return command;
    }

    /** An interpreter by absolute path, found on the service's PATH (the child's PATH is minimal). */
    static String resolve(String command) {
        if (command.contains("/")) {
            return command;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir, command);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return command;
    }

    private final Map<String, String> interpreters = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The interpreter's real executable: version-manager shims (pyenv, nvm, asdf) are scripts that would add their
     * own variables to the clean environment, so the configured command is asked once for its executable path.
     */
    String interpreter(String command, boolean node) {
        return interpreters.computeIfAbsent(command, c -> {
            String resolved = resolve(c);
            try {
                Process p = new ProcessBuilder(resolved, node ? "-e" : "-c",
                        node ? "console.log(process.execPath)" : "import sys; print(sys.executable)")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0 && Files.isExecutable(Path.of(out))) {
                    return out;
                }
            } catch (IOException e) {
                // not runnable: use the command as configured, the run reports the failure
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return resolved;
        });
    }

    /** Whether a runtime's interpreter is available here. */
    public boolean available(String runtime) {
        String command = node(runtime) ? properties.nodeCommand() : properties.pythonCommand();
        return Files.isExecutable(Path.of(resolve(command)));
    }

    private Path bootstrap(String name) throws IOException {
        Path dir = properties.cacheDir().resolve(".bootstrap");
        Path file = dir.resolve(name);
        byte[] content;
        try (InputStream in = getClass().getResourceAsStream("/bootstrap/" + name)) {
            if (in == null) {
                throw new IOException("Missing bootstrap " + name);
            }
            content = in.readAllBytes();
        }
        if (Files.exists(file) && java.util.Arrays.equals(Files.readAllBytes(file), content)) {
            return file;
        }
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, name, ".tmp");
        Files.write(temp, content);
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private Path codeDir(FunctionDef fn) {
        if (fn.code() == null) {
            throw new ExhException(ExhError.INVALID_FUNCTION_CODE_EXCEPTION, "The function has no code");
        }
        String hash = fn.codeHash() != null ? fn.codeHash() : sha256(fn.code());
        return CodePackage.unpackOnce(CodePackage.decode(fn.code()), properties.cacheDir().resolve(fn.name())
                .resolve(hash));
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void kill(Process process) {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread... threads) {
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Thread pump(InputStream stream, Invocation.LogSink sink, AtomicLong budget, StringBuffer tail) {
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                boolean truncated = false;
                while ((line = reader.readLine()) != null) {
                    if (tail != null) {
                        tail.append(line).append('\n');
                        if (tail.length() > 4096) {
                            tail.delete(0, tail.length() - 4096);
                        }
                    }
                    if (budget.addAndGet(-(line.length() + 1)) >= 0) {
                        sink.line(line);
                    } else if (!truncated) {
                        truncated = true;
                        sink.line("[medbase] log output truncated");
                    }
                }
            } catch (IOException e) {
                // stream closed: the process is gone
            } catch (RuntimeException e) {
                log.warn("Could not store a log line", e);
            }
        }, "function-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

}
