package dev.medbase.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.medbase.devstack.Stack;

/**
 * The official Extra Horizon JavaScript SDK ({@code @extrahorizon/javascript-sdk} 8.14.1 from npm) drives the
 * running system through the gateway, with Node's own test runner. The npm packages are installed into
 * {@code e2e/target/js} by the build itself.
 */
@ExtendWith(E2eStack.class)
class SdkIT {

    private static final Path SOURCES = Path.of("src/test/js");
    private static final Path WORK = Path.of("target/js");
    private static Stack stack;

    @BeforeAll
    static void install() throws Exception {
        stack = E2eStack.get();
        Files.createDirectories(WORK);
        try (var files = Files.list(SOURCES)) {
            for (Path file : files.toList()) {
                Files.copy(file, WORK.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!Files.isDirectory(WORK.resolve("node_modules/@extrahorizon/javascript-sdk"))) {
            run(List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), Map.of(), 600);
        }
    }

    /**
     * Every {@code *.test.mjs} of {@code src/test/js}: one {@code node:test} suite per service area. While working on
     * one, {@code -Dsdk.scripts=oauth1,auth} runs only the scripts whose names start with one of these.
     */
    static List<String> scripts() throws IOException {
        List<String> only = List.of(System.getProperty("sdk.scripts", "").split(",")).stream()
                .filter(s -> !s.isBlank()).toList();
        try (var files = Files.list(SOURCES)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".test.mjs"))
                    .filter(n -> only.isEmpty() || only.stream().anyMatch(n::startsWith)).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void officialSdk(String script) throws Exception {
        run(List.of("node", "--test", "--test-reporter=spec", script), sdkEnvironment(), 300);
    }

    private static Map<String, String> sdkEnvironment() {
        var config = stack.config();
        return Map.of(
                "MEDBASE_URL", "http://localhost:" + config.gatewayPort(),
                "MEDBASE_MAIL_URL", stack.mailViewerUrl(),
                "MEDBASE_CLIENT_ID", config.clientId(),
                "MEDBASE_CLIENT_SECRET", config.clientSecret(),
                "MEDBASE_ADMIN_EMAIL", config.adminEmail(),
                "MEDBASE_ADMIN_PASSWORD", config.adminPassword(),
                "MEDBASE_TOKEN_LIFETIME_MS", Long.toString(E2eStack.ACCESS_TOKEN_LIFETIME.toMillis()));
    }

    /** Runs a command in {@code target/js}, fails with its output unless it exits 0 in time. */
    private static void run(List<String> command, Map<String, String> env, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(WORK, "run-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(WORK.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(finished).as("%s timed out:%n%s", command, output).isTrue();
        assertThat(process.exitValue()).as("%s failed:%n%s", command, output).isZero();
    }
}
