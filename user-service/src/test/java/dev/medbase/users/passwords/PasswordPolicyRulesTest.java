package dev.medbase.users.passwords;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.Random;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.events.EventPublisher;
import dev.medbase.users.UsersProperties;
import dev.medbase.users.settings.SettingsStore;

/**
 * The policy check against an independent oracle on seeded random passwords and policies: a password passes exactly
 * when it meets every enabled rule, and a refusal names each unmet rule.
 */
class PasswordPolicyRulesTest {

    private static final String ALPHABET = "abcXYZ019!? é€Ω";

    @Test
    void randomPasswordsAreJudgedLikeTheOracle() {
        Random random = new Random(20261123L);
        for (int round = 0; round < 2_000; round++) {
            Document stored = new Document("minimum_length", 1 + random.nextInt(12))
                    .append("maximum_length", 12 + random.nextInt(10))
                    .append("upper_case_required", random.nextBoolean())
                    .append("lower_case_required", random.nextBoolean())
                    .append("symbol_required", random.nextBoolean())
                    .append("number_required", random.nextBoolean());
            PasswordPolicyService service = service(stored);
            StringBuilder password = new StringBuilder();
            int length = 1 + random.nextInt(24);
            for (int i = 0; i < length; i++) {
                password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            String p = password.toString();
            boolean tooShort = p.length() < stored.getInteger("minimum_length");
            boolean tooLong = p.length() > stored.getInteger("maximum_length");
            boolean noUpper = stored.getBoolean("upper_case_required") && !p.matches(".*[XYZΩ].*");
            boolean noLower = stored.getBoolean("lower_case_required") && !p.matches(".*[abcé].*");
            boolean noNumber = stored.getBoolean("number_required") && !p.matches(".*[019].*");
            boolean noSymbol = stored.getBoolean("symbol_required") && !p.matches(".*[!?€].*");
            boolean valid = !(tooShort || tooLong || noUpper || noLower || noNumber || noSymbol);
            if (valid) {
                assertThatCode(() -> service.check("password", p)).as(p + " " + stored.toJson())
                        .doesNotThrowAnyException();
            } else {
                ExhException e = catchThrowableOfType(ExhException.class, () -> service.check("password", p));
                assertThat(e).as(p + " " + stored.toJson()).isNotNull();
                assertThat(e.error()).isEqualTo(ExhError.PASSWORD_EXCEPTION);
                assertThat(e.getMessage().contains("at least")).isEqualTo(tooShort);
                assertThat(e.getMessage().contains("at most")).isEqualTo(tooLong);
                assertThat(e.getMessage().contains("upper-case")).isEqualTo(noUpper);
                assertThat(e.getMessage().contains("lower-case")).isEqualTo(noLower);
                assertThat(e.getMessage().contains("a number")).isEqualTo(noNumber);
                assertThat(e.getMessage().contains("a symbol")).isEqualTo(noSymbol);
            }
        }
    }

    private static PasswordPolicyService service(Document stored) {
        SettingsStore store = mock(SettingsStore.class);
        when(store.get(any())).thenReturn(stored);
        UsersProperties properties = new UsersProperties(false,
                new UsersProperties.Verification(Duration.ofMinutes(60), Duration.ofMinutes(15),
                        Duration.ofMinutes(5), 5, 3, 3),
                new UsersProperties.Defaults(true, false, 8, 128));
        return new PasswordPolicyService(store, properties, mock(EventPublisher.class));
    }
}
