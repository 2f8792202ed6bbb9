package dev.medbase.files.files;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * File tokens: {@code <fileId>-<64 hex random>} (256 random bits). The file id in front makes a token lookup one
 * primary-key read; the random part is what grants access. Stored per token:
 * <ul>
 * <li>{@code hash} — SHA-256 of the whole token (hex): how a presented token is recognised. With 256 random bits a
 * plain hash is enough (no salt or slow hash needed: there is nothing to guess);</li>
 * <li>{@code sealed} — the token encrypted with AES-256-GCM under a key kept <em>outside</em> the database
 * ({@code medbase.files.token-encryption-key}), bound to its file id as associated data. It exists only because the
 * contract shows tokens to whoever holds a full token ({@code details}) or {@code VIEW_FILES} (the list), which a
 * hash alone cannot do. A database leak therefore reveals neither usable tokens nor the key.</li>
 * </ul>
 * Without a configured key, one is generated and stored in the database (collection {@code service_keys}) with a
 * warning: convenient for the devstack, but then the database alone can decrypt the tokens.
 */
public class FileTokens {

    private static final Logger log = LoggerFactory.getLogger(FileTokens.class);
    private static final HexFormat HEX = HexFormat.of();
    private static final int RANDOM_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final String KEYS = "service_keys";
    private static final String KEY_ID = "file-token-sealing";

    private final SecureRandom random = new SecureRandom();
    /** The key new tokens are sealed with first, then older keys still accepted for unsealing. */
    private final List<SecretKey> keys;

    public FileTokens(String configuredKey, MongoTemplate mongo) {
        List<SecretKey> found = new ArrayList<>();
        if (configuredKey != null && !configuredKey.isBlank()) {
            found.add(aes(Base64.getDecoder().decode(configuredKey.trim())));
        }
        Optional<SecretKey> stored = storedKey(mongo, found.isEmpty());
        if (found.isEmpty()) {
            log.warn("medbase.files.token-encryption-key is not set: file tokens are encrypted with a key kept in the "
                    + "database, so a copy of the database is enough to read them. Set the key in production.");
        }
        stored.ifPresent(found::add);
        this.keys = List.copyOf(found);
    }

    /** A token that is not {@code <24 hex>-<64 hex>} cannot exist: its file id, or empty. */
    public static Optional<ObjectId> fileIdOf(String token) {
        if (token == null || token.length() != 24 + 1 + 2 * RANDOM_BYTES || token.charAt(24) != '-') {
            return Optional.empty();
        }
        String id = token.substring(0, 24);
        for (int i = 25; i < token.length(); i++) {
            if (Character.digit(token.charAt(i), 16) < 0) {
                return Optional.empty();
            }
        }
        return ObjectId.isValid(id) ? Optional.of(new ObjectId(id)) : Optional.empty();
    }

    public String newToken(ObjectId fileId) {
        byte[] secret = new byte[RANDOM_BYTES];
        random.nextBytes(secret);
        return fileId.toHexString() + "-" + HEX.formatHex(secret);
    }

    public static String hash(String token) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time comparison of two hex hashes. */
    public static boolean sameHash(String a, String b) {
        return a != null && b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII),
                b.getBytes(StandardCharsets.US_ASCII));
    }

    public String seal(ObjectId fileId, String token) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(0), new GCMParameterSpec(128, iv));
            cipher.updateAAD(fileId.toByteArray());
            byte[] sealed = cipher.doFinal(token.getBytes(StandardCharsets.US_ASCII));
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot encrypt a file token", e);
        }
    }

    /** The token, or empty when no known key opens it (the key was changed). */
    public Optional<String> unseal(ObjectId fileId, String sealed) {
        if (sealed == null) {
            return Optional.empty();
        }
        byte[] in;
        try {
            in = Base64.getDecoder().decode(sealed);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (in.length <= IV_BYTES) {
            return Optional.empty();
        }
        for (SecretKey key : keys) {
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, IV_BYTES));
                cipher.updateAAD(fileId.toByteArray());
                byte[] plain = cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES);
                return Optional.of(new String(plain, StandardCharsets.US_ASCII));
            } catch (GeneralSecurityException e) {
                // not this key
            }
        }
        log.warn("A token of file {} cannot be decrypted with the configured keys", fileId.toHexString());
        return Optional.empty();
    }

    private static SecretKey aes(byte[] key) {
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("medbase.files.token-encryption-key must be 16, 24 or 32 bytes (base64)");
        }
        return new SecretKeySpec(key, "AES");
    }

    /** The database-kept key: created when {@code create} and absent, else only read (for tokens sealed with it). */
    private Optional<SecretKey> storedKey(MongoTemplate mongo, boolean create) {
        Document doc = mongo.findById(KEY_ID, Document.class, KEYS);
        if (doc == null && create) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            try {
                mongo.insert(new Document("_id", KEY_ID).append("key", Base64.getEncoder().encodeToString(key))
                        .append("creationTimestamp", new java.util.Date()), KEYS);
            } catch (DuplicateKeyException e) {
                // another replica created it first
            }
            doc = mongo.findById(KEY_ID, Document.class, KEYS);
        }
        return doc == null ? Optional.empty() : Optional.of(aes(Base64.getDecoder().decode(doc.getString("key"))));
    }
}
