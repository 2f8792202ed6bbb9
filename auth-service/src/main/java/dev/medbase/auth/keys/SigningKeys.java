package dev.medbase.auth.keys;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.medbase.auth.AuthProperties;
import dev.medbase.auth.support.Secrets;

/**
 * The RS256 signing keys, stored in auth-service's database so every replica signs with the same key.
 *
 * <p>Time is cut into slots of {@code medbase.auth.keys.rotation-interval}. Each slot has exactly one key (unique
 * index on {@code slot}: replicas that race to create it all end up reading the one that won). The key of a slot is
 * created one slot ahead and is active from the slot's start, so it is in every verifier's JWKS before it signs
 * anything; the active key is, deterministically, the one with the latest {@code activeFrom} not in the future. A
 * key that has been superseded stays in the JWKS until the last token it can have signed has expired (access-token
 * lifetime plus clock skew), then it is deleted.
 *
 * <p>Stored shape, collection {@code signing_keys}:
 * <pre>
 * { _id: kid, slot: long, algorithm: "RS256", publicKey: base64 X.509, privateKey: base64 PKCS#8,
 *   activeFrom: Date, creationTimestamp: Date }
 * </pre>
 * The private key is stored only base64-encoded: production deployments should encrypt it at rest (database
 * encryption, or wrap it with a KMS key) — whoever reads this collection can mint tokens.
 */
@Component
public class SigningKeys {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    static final String COLLECTION = "signing_keys";
    /** How long a replica trusts its in-memory copy of the key list before reading it again. */
    private static final Duration CACHE = Duration.ofSeconds(30);

    /** One key: its public half always, its private half for signing. */
    public record SigningKey(String kid, long slot, Instant activeFrom, RSAPublicKey publicKey,
            RSAPrivateKey privateKey) {}

    private record Snapshot(List<SigningKey> keys, Instant loadedAt) {}

    private final MongoTemplate mongo;
    private final Clock clock;
    private final AuthProperties properties;
    private volatile Snapshot snapshot;
    private volatile Instant lastMissReload = Instant.EPOCH;

    public SigningKeys(MongoTemplate mongo, Clock clock, AuthProperties properties) {
        this.mongo = mongo;
        this.clock = clock;
        this.properties = properties;
        mongo.indexOps(COLLECTION).createIndex(new Index("slot", Sort.Direction.ASC).unique());
    }

    /** The key to sign with now. */
    public SigningKey active() {
        Instant now = clock.instant();
        Optional<SigningKey> key = activeIn(current(now), now);
        if (key.isEmpty()) {
            rotate();
            key = activeIn(snapshot, now);
        }
        return key.orElseThrow(() -> new IllegalStateException("No signing key is active"));
    }

    /** The public key with this id, if it may still verify tokens. */
    public Optional<RSAPublicKey> publicKey(String kid) {
        Instant now = clock.instant();
        Optional<SigningKey> key = find(current(now), kid, now);
        if (key.isEmpty() && now.isAfter(lastMissReload.plusSeconds(1))) {
            // an unknown kid may be a key another replica just created: read again, at most once a second
            lastMissReload = now;
            snapshot = load(now);
            key = find(snapshot, kid, now);
        }
        return key.map(SigningKey::publicKey);
    }

    /** Every key a verifier may meet now: the next one, the active one and recently superseded ones. */
    public List<SigningKey> published() {
        Instant now = clock.instant();
        Snapshot s = current(now);
        return s.keys().stream().filter(k -> !retired(s.keys(), k, now)).toList();
    }

    /**
     * Makes sure the current and the next slot have a key and deletes retired keys. Runs at start-up and every
     * minute on every replica; idempotent and safe to run concurrently.
     */
    @EventListener(ApplicationReadyEvent.class)
    @Scheduled(initialDelayString = "PT1M", fixedDelayString = "PT1M")
    public synchronized void rotate() {
        Instant now = clock.instant();
        long interval = properties.keys().rotationInterval().toMillis();
        long slot = Math.floorDiv(now.toEpochMilli(), interval);
        List<Document> stored = mongo.find(new Query().with(Sort.by("slot")), Document.class, COLLECTION);
        long newest = stored.isEmpty() ? Long.MIN_VALUE : ((Number) stored.get(stored.size() - 1).get("slot")).longValue();
        if (newest < slot) {
            create(slot, now);
        }
        if (newest < slot + 1) {
            create(slot + 1, Instant.ofEpochMilli((slot + 1) * interval));
        }
        snapshot = load(now);
        for (SigningKey key : snapshot.keys()) {
            if (retired(snapshot.keys(), key, now)) {
                mongo.remove(Query.query(Criteria.where("_id").is(key.kid())), COLLECTION);
                log.info("Retired signing key {}", key.kid());
            }
        }
    }

    private void create(long slot, Instant activeFrom) {
        KeyPair pair = generate();
        String kid = Secrets.randomHex(8);
        Base64.Encoder b64 = Base64.getEncoder();
        Document doc = new Document("_id", kid)
                .append("slot", slot)
                .append("algorithm", "RS256")
                .append("publicKey", b64.encodeToString(pair.getPublic().getEncoded()))
                .append("privateKey", b64.encodeToString(pair.getPrivate().getEncoded()))
                .append("activeFrom", Date.from(activeFrom))
                .append("creationTimestamp", Date.from(clock.instant()));
        try {
            mongo.insert(doc, COLLECTION);
            log.info("Created signing key {} active from {}", kid, activeFrom);
        } catch (DuplicateKeyException e) {
            // another replica created this slot's key first; everyone uses that one
        }
    }

    private KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(properties.keys().rsaKeySize());
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Snapshot current(Instant now) {
        Snapshot s = snapshot;
        if (s == null || now.isBefore(s.loadedAt()) || !now.isBefore(s.loadedAt().plus(CACHE))) {
            s = load(now);
            if (s.keys().isEmpty()) {
                rotate();
                s = snapshot;
            }
            snapshot = s;
        }
        return s;
    }

    private Snapshot load(Instant now) {
        List<SigningKey> keys = new ArrayList<>();
        for (Document d : mongo.find(new Query(), Document.class, COLLECTION)) {
            keys.add(decode(d));
        }
        keys.sort(Comparator.comparing(SigningKey::activeFrom).thenComparing(SigningKey::slot));
        return new Snapshot(List.copyOf(keys), now);
    }

    private static Optional<SigningKey> activeIn(Snapshot s, Instant now) {
        SigningKey active = null;
        for (SigningKey k : s.keys()) {
            if (!k.activeFrom().isAfter(now)) {
                active = k;
            }
        }
        return Optional.ofNullable(active);
    }

    private Optional<SigningKey> find(Snapshot s, String kid, Instant now) {
        return s.keys().stream().filter(k -> k.kid().equals(kid) && !retired(s.keys(), k, now)).findFirst();
    }

    /** Superseded by a newer active key longer ago than any token it signed can live. */
    private boolean retired(List<SigningKey> keys, SigningKey key, Instant now) {
        Instant supersededAt = null;
        for (SigningKey k : keys) {
            if (k.activeFrom().isAfter(key.activeFrom()) && !k.activeFrom().isAfter(now)) {
                supersededAt = supersededAt == null || k.activeFrom().isBefore(supersededAt) ? k.activeFrom()
                        : supersededAt;
            }
        }
        return supersededAt != null && supersededAt.plus(properties.accessTokenLifetime())
                .plus(properties.keys().clockSkew()).isBefore(now);
    }

    private static SigningKey decode(Document d) {
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            Base64.Decoder b64 = Base64.getDecoder();
            RSAPublicKey pub = (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(b64.decode(d.getString("publicKey"))));
            RSAPrivateKey priv = (RSAPrivateKey) rsa.generatePrivate(
                    new PKCS8EncodedKeySpec(b64.decode(d.getString("privateKey"))));
            return new SigningKey(d.getString("_id"), ((Number) d.get("slot")).longValue(),
                    d.getDate("activeFrom").toInstant(), pub, priv);
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException("Stored signing key " + d.get("_id") + " cannot be read", e);
        }
    }
}
