package dev.medbase.data.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.medbase.data.testing.DataApiTest;

/**
 * The official JavaScript SDK against this service (no gateway: the SDK's {@code /data/v1} calls go straight to it),
 * script {@code src/test/js/data-sdk.mjs}. Needs {@code node} and an installed {@code @extrahorizon/javascript-sdk}:
 * the {@code node_modules} directory named by {@code MEDBASE_SDK_NODE_MODULES}, else the e2e module's
 * ({@code ../e2e/target/js/node_modules}); skipped when neither is there.
 */
class SdkCompatibilityTest extends DataApiTest {

    @Test
    void theOfficialSdkRunsItsDataFlows() throws Exception {
        String configured = System.getenv("MEDBASE_SDK_NODE_MODULES");
        Path modules = Path.of(configured != null ? configured : "../e2e/target/js/node_modules").toAbsolutePath();
        assumeTrue(Files.isDirectory(modules.resolve("@extrahorizon/javascript-sdk")),
                "the SDK is not installed at " + modules);
        assumeTrue(nodeAvailable(), "node is not installed");
        Path dir = Files.createTempDirectory("data-sdk");
        Files.copy(Path.of("src/test/js/data-sdk.mjs"), dir.resolve("data-sdk.mjs"));
        Files.createSymbolicLink(dir.resolve("node_modules"), modules);
        ProcessBuilder pb = new ProcessBuilder("node", "data-sdk.mjs").directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("PORT", String.valueOf(port));
        pb.environment().put("TOKEN", ADMIN_TOKEN);
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("SDK OK");
    }

    private static boolean nodeAvailable() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectOutput(new File("/dev/null")).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
