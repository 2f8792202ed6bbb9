package dev.medbase.users.passwords;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.crypto.password.Pbkdf2PasswordEncoder;

/**
 * The service's password encoder: Spring Security's {@code DelegatingPasswordEncoder} (hashes carry their algorithm,
 * {@code {bcrypt}…}, so a later version can move to a stronger one and re-hash on the next login), hashing with
 * bcrypt — except for passwords longer than bcrypt's 72-byte input limit (the default policy allows 128 characters),
 * which are hashed with PBKDF2 instead of being refused or silently truncated. Checking works for every algorithm
 * Spring Security knows.
 */
public final class PasswordHashing implements PasswordEncoder {

    private static final int BCRYPT_MAX_BYTES = 72;
    private static final String LONG_ID = "pbkdf2@SpringSecurity_v5_8";

    private final PasswordEncoder standard = PasswordEncoderFactories.createDelegatingPasswordEncoder();
    private final PasswordEncoder longPasswords = new DelegatingPasswordEncoder(LONG_ID,
            Map.of(LONG_ID, Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8()));

    @Override
    public String encode(CharSequence rawPassword) {
        return tooLongForBcrypt(rawPassword) ? longPasswords.encode(rawPassword) : standard.encode(rawPassword);
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        if (rawPassword == null || encodedPassword == null) {
            return false;
        }
        try {
            return standard.matches(rawPassword, encodedPassword);
        } catch (IllegalArgumentException e) {
            return false; // e.g. a >72-byte password against a bcrypt hash: it cannot be the stored one
        }
    }

    @Override
    public boolean upgradeEncoding(String encodedPassword) {
        return standard.upgradeEncoding(encodedPassword);
    }

    private static boolean tooLongForBcrypt(CharSequence raw) {
        return raw != null && raw.toString().getBytes(StandardCharsets.UTF_8).length > BCRYPT_MAX_BYTES;
    }
}
