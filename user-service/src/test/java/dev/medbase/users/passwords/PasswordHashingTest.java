package dev.medbase.users.passwords;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

class PasswordHashingTest {

    private final PasswordHashing hashing = new PasswordHashing();

    @Test
    void shortPasswordsUseBcryptLongOnesPbkdf2AndBothVerify() {
        String shortHash = hashing.encode("Secret-pass-1");
        assertThat(shortHash).startsWith("{bcrypt}");
        assertThat(hashing.matches("Secret-pass-1", shortHash)).isTrue();
        assertThat(hashing.matches("Secret-pass-2", shortHash)).isFalse();

        String longPassword = "é".repeat(40); // 80 bytes in UTF-8
        String longHash = hashing.encode(longPassword);
        assertThat(longHash).startsWith("{pbkdf2@SpringSecurity_v5_8}");
        assertThat(hashing.matches(longPassword, longHash)).isTrue();
        assertThat(hashing.matches("é".repeat(39), longHash)).isFalse();
        // a long password against a bcrypt hash is simply wrong, never an exception
        assertThat(hashing.matches(longPassword, shortHash)).isFalse();
        assertThat(hashing.matches(null, shortHash)).isFalse();
        // hashes written before (plain bcrypt through the delegating encoder) still verify
        assertThat(hashing.matches("old", "{bcrypt}" + new BCryptPasswordEncoder().encode("old"))).isTrue();
    }
}
