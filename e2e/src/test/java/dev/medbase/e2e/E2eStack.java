package dev.medbase.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.medbase.devstack.Stack;
import dev.medbase.devstack.StackConfig;

/**
 * The whole system, started once per test JVM exactly as {@code ./medbase start} runs it (real Kafka, MongoDB-wire
 * server, SMTP server, every service and the gateway as child JVMs), on free ports and in a fresh data directory.
 * Access tokens live 12 s here, so the SDK's refresh paths can be driven in seconds.
 */
final class E2eStack implements BeforeAllCallback {

    static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofSeconds(12);
    private static Stack stack;

    /** Starts the stack before the first test class that uses it; JUnit closes it when the whole run ends. */
    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(E2eStack.class, key -> (AutoCloseable) () -> stack.close(), AutoCloseable.class);
        get();
    }

    static synchronized Stack get() {
        if (stack == null) {
            Path repo = Path.of(System.getProperty("medbase.repo", "..")).toAbsolutePath().normalize();
            try {
                Path data = Files.createTempDirectory(repo.resolve("e2e/target"), "stack-");
                StackConfig config = StackConfig.builder(data, repo)
                        .freePorts()
                        // -Dmedbase.e2e.start-timeout=<seconds> for a loaded machine
                        .startTimeout(Duration.ofSeconds(Long.getLong("medbase.e2e.start-timeout", 240)))
                        .extraEnvironment(Map.of(
                                "MEDBASE_AUTH_ACCESSTOKENLIFETIME", ACCESS_TOKEN_LIFETIME.toSeconds() + "s"))
                        .build();
                stack = new Stack(config).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return stack;
    }
}
