package dev.medbase.auth.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Timing-safe comparisons for every secret (issue #11). Timing cannot be asserted in a unit test, so this guards
 * the code instead: {@link Secrets#equal} behaves as an equality, and no source file of auth-service compares a
 * value named like a secret (secret, signature, hash, verifier, challenge, code, PIN, OTP, recovery, nonce, password)
 * with {@code equals}, {@code equalsIgnoreCase}, {@code compareTo} or {@code contentEquals}, which return at the first
 * differing character. Stored secrets that are looked up (tokens, codes) are looked up by their SHA-256 digest, so
 * the database never compares a clear secret either.
 */
class SecretComparisonsTest {

    private static final Pattern CALL = Pattern.compile(
            "[\\w.()\\[\\]]*\\.(equals|equalsIgnoreCase|compareTo|contentEquals)\\((?:[^()]|\\([^()]*\\))*\\)");
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i)(secret|signature|hash|verifier|challenge|otp|recovery|pin|nonce|password|code)\\w*");
    private static final Pattern STRING_LITERAL = Pattern.compile("\"(\\\\.|[^\"\\\\])*\"");

    @Test
    void secretsEqualIsAnEquality() {
        assertThat(Secrets.equal("a1b2", "a1b2")).isTrue();
        assertThat(Secrets.equal("a1b2", "a1b3")).isFalse();
        assertThat(Secrets.equal("a1b2", "a1b2c")).isFalse();
        assertThat(Secrets.equal("", "")).isTrue();
        assertThat(Secrets.equal(null, "x")).isFalse();
        assertThat(Secrets.equal("x", null)).isFalse();
        assertThat(Secrets.equal("zoë", "zoë")).isTrue();
    }

    @Test
    void noSecretIsComparedWithAnEarlyExitComparison() throws IOException {
        assertThat(offenders("if (!signature.equals(expected)) {", "ok = storedHash.compareTo(given) == 0;",
                "if (field.equals(\"clientSecret\")) {", "Secrets.equal(expected, signature)"))
                .as("the guard itself finds what it should").hasSize(2);
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    for (String offender : offenders(lines.get(i))) {
                        found.add(file + ":" + (i + 1) + ": " + offender);
                    }
                }
            }
        }
        assertThat(found).as("use Secrets.equal or MessageDigest.isEqual").isEmpty();
    }

    private static List<String> offenders(String... lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            if (line.trim().startsWith("*") || line.trim().startsWith("//")) {
                continue;
            }
            Matcher call = CALL.matcher(STRING_LITERAL.matcher(line).replaceAll("\"\""));
            while (call.find()) {
                if (SECRET_NAME.matcher(call.group()).find()) {
                    out.add(call.group());
                }
            }
        }
        return out;
    }
}
