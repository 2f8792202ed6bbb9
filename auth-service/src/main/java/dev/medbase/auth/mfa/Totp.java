package dev.medbase.auth.mfa;

import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.OptionalLong;

import javax.crypto.spec.SecretKeySpec;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;

import dev.medbase.auth.support.Secrets;

/**
 * RFC 6238 TOTP as authenticator apps compute it (HMAC-SHA1, 30 s steps, 6 digits; codes by {@code java-otp}). The
 * secret is 160 random bits, handed to the user as RFC 4648 base32 (what {@code otpauth://} URIs carry). A code is
 * accepted for the current step and one step either side; {@link #matchStep} returns the matching step so the
 * caller can refuse a code of a step already used.
 */
public final class Totp {

    static final Duration STEP = Duration.ofSeconds(30);
    static final int WINDOW = 1;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final TimeBasedOneTimePasswordGenerator GENERATOR = new TimeBasedOneTimePasswordGenerator(STEP, 6);

    private Totp() {
    }

    /** A new base32 secret (160 bits, 32 characters, no padding). */
    public static String newSecret() {
        byte[] key = new byte[20];
        RANDOM.nextBytes(key);
        return base32(key);
    }

    /** The code for {@code base32Secret} at {@code at}. */
    public static String code(String base32Secret, Instant at) {
        try {
            return GENERATOR.generateOneTimePasswordString(new SecretKeySpec(unbase32(base32Secret), "HmacSHA1"), at,
                    Locale.ROOT);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The time step in which {@code code} is valid near {@code now}, compared in constant time per step. */
    static OptionalLong matchStep(String base32Secret, String code, Instant now) {
        if (code == null || !code.matches("\\d{6}")) {
            return OptionalLong.empty();
        }
        long current = now.getEpochSecond() / STEP.toSeconds();
        long found = -1;
        for (long step = current - WINDOW; step <= current + WINDOW; step++) {
            String expected = code(base32Secret, Instant.ofEpochSecond(step * STEP.toSeconds()));
            if (Secrets.equal(expected, code) && found < 0) {
                found = step;
            }
        }
        return found < 0 ? OptionalLong.empty() : OptionalLong.of(found);
    }

    static String uri(String issuer, String account, String base32Secret) {
        return "otpauth://totp/" + enc(issuer) + ":" + enc(account) + "?secret=" + base32Secret + "&issuer="
                + enc(issuer) + "&algorithm=SHA1&digits=6&period=30";
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String base32(byte[] data) {
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    static byte[] unbase32(String text) {
        String s = text.replace("=", "").replace(" ", "").toUpperCase(Locale.ROOT);
        byte[] out = new byte[s.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int n = 0;
        for (char c : s.toCharArray()) {
            int v = ALPHABET.indexOf(c);
            if (v < 0) {
                throw new IllegalArgumentException("not base32");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out[n++] = (byte) (buffer >> (bits - 8));
                bits -= 8;
            }
        }
        return out;
    }
}
