package dev.medbase.auth.mfa;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import dev.medbase.auth.AuthProperties;
import dev.medbase.auth.support.Iso;
import dev.medbase.auth.support.Secrets;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * MFA settings per user, TOTP and recovery-code methods, MFA login tokens and the MFA attempt throttle (contract
 * §5.4, §5.1 {@code mfa} grant).
 *
 * <ul>
 * <li>TOTP: base32 secret and {@code otpauth://} URI returned once, on creation; verified by confirming one code. A
 * code is accepted within ±1 step and never twice for the same step ({@code lastUsedStep}).</li>
 * <li>Recovery codes: 10 codes of 8 characters (A–Z, 2–7), returned once, stored only as SHA-256 digests; each is
 * removed when used. Verified on creation (only TOTP is verifiable, 26).</li>
 * <li>MFA tokens (Hex40, SHA-256 stored, {@code medbase.auth.mfa.token-lifetime}) are single use.</li>
 * <li>MFA attempts are charged in advance, atomically: after the n-th consecutive failure the next attempt has to
 * wait {@code base·2^(n-1)} (capped) or it is 134 with {@code remainingDelay} (ms). This counter lives here, apart
 * from user-service's password-failure counter, so neither path can lock out the other.</li>
 * </ul>
 * Method lists are updated with compare-and-set on {@code version} (no transactions needed).
 * Stored shapes: {@code mfa_settings} {_id: userId (ObjectId), enabled, methods: [{id, type, name, tags, verified, secret?,
 * lastUsedStep?, codeHashes?, creationTimestamp, updateTimestamp}], version, failedAttempts, nextAttemptTimestamp?,
 * updateTimestamp}; {@code mfa_tokens} {_id: tokenHash, userId, applicationId, expiryTimestamp}.
 */
@Service
public class MfaSettings {

    static final String SETTINGS = "mfa_settings";
    static final String TOKENS = "mfa_tokens";
    static final int RECOVERY_CODES = 10;
    private static final String CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the password grant answers for an MFA user: the {@code mfa} object of {@code mfa_required}. */
    public record Challenge(String token, long tokenExpiresIn, List<Map<String, Object>> methods) {
        public Map<String, Object> body() {
            Map<String, Object> mfa = new LinkedHashMap<>();
            mfa.put("token", token);
            mfa.put("tokenExpiresIn", tokenExpiresIn);
            mfa.put("methods", methods);
            return mfa;
        }
    }

    private final MongoTemplate mongo;
    private final Clock clock;
    private final AuthProperties.Mfa properties;

    MfaSettings(MongoTemplate mongo, Clock clock, AuthProperties properties) {
        this.mongo = mongo;
        this.clock = clock;
        this.properties = properties.mfa();
        mongo.indexOps(TOKENS).createIndex(new Index("expiryTimestamp", Sort.Direction.ASC).expire(Duration.ZERO));
        mongo.indexOps(TOKENS).createIndex(new Index("userId", Sort.Direction.ASC));
    }

    // ---- settings ----

    Document load(String userId) {
        Document doc = mongo.findOne(Query.query(Criteria.where("_id").is(key(userId))), Document.class, SETTINGS);
        if (doc != null) {
            return doc;
        }
        Document fresh = new Document("_id", key(userId)).append("enabled", false).append("methods", new ArrayList<>())
                .append("version", 0L).append("failedAttempts", 0).append("updateTimestamp", Date.from(clock.instant()));
        try {
            mongo.insert(fresh, SETTINGS);
            return fresh;
        } catch (DuplicateKeyException e) {
            return mongo.findOne(Query.query(Criteria.where("_id").is(key(userId))), Document.class, SETTINGS);
        }
    }

    Map<String, Object> view(String userId) {
        Document doc = load(userId);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", userId);
        out.put("enabled", doc.getBoolean("enabled", false));
        out.put("methods", methods(doc).stream().map(m -> method(m, false)).toList());
        out.put("updateTimestamp", Iso.format(doc.getDate("updateTimestamp")));
        return out;
    }

    public boolean enabled(String userId) {
        Document doc = mongo.findOne(Query.query(Criteria.where("_id").is(key(userId))), Document.class, SETTINGS);
        return doc != null && doc.getBoolean("enabled", false);
    }

    long setEnabled(String userId, boolean enabled) {
        Document doc = load(userId);
        if (enabled && methods(doc).stream().noneMatch(m -> m.getBoolean("verified", false))) {
            throw new ExhException(ExhError.NOT_ENOUGH_MFA_METHODS_EXCEPTION,
                    "MFA needs at least one verified method");
        }
        mongo.updateFirst(Query.query(Criteria.where("_id").is(key(userId))),
                new Update().set("enabled", enabled).set("updateTimestamp", Date.from(clock.instant()))
                        .inc("version", 1),
                SETTINGS);
        return 1;
    }

    Map<String, Object> addMethod(String userId, String type, String name, List<String> tags, String accountName) {
        Instant now = clock.instant();
        Document method = new Document("id", new ObjectId().toHexString()).append("type", type)
                .append("name", name == null ? type : name).append("tags", tags == null ? List.of() : tags)
                .append("creationTimestamp", Date.from(now)).append("updateTimestamp", Date.from(now));
        Map<String, Object> out;
        if ("totp".equals(type)) {
            String secret = Totp.newSecret();
            method.append("verified", false).append("secret", secret);
            out = method(method, false);
            out.put("secret", secret);
            out.put("uri", Totp.uri(properties.issuer(), accountName, secret));
        } else {
            List<String> codes = new ArrayList<>();
            List<String> hashes = new ArrayList<>();
            for (int i = 0; i < RECOVERY_CODES; i++) {
                String code = recoveryCode();
                codes.add(code);
                hashes.add(Secrets.sha256Hex(code));
            }
            method.append("verified", true).append("codeHashes", hashes);
            out = method(method, false);
            out.put("codes", codes);
        }
        mutate(userId, methods -> methods.add(method));
        return out;
    }

    String confirmVerification(String userId, String methodId, String code) {
        Document method = find(load(userId), methodId);
        if (!"totp".equals(method.getString("type"))) {
            throw new ExhException(ExhError.ILLEGAL_ARGUMENT_EXCEPTION, "Only totp methods can be verified");
        }
        if (!useTotp(userId, methodId, code)) {
            throw new ExhException(ExhError.INVALID_MFA_CODE_EXCEPTION);
        }
        mutate(userId, methods -> find(methods, methodId).append("verified", true)
                .append("updateTimestamp", Date.from(clock.instant())));
        return "The method is verified";
    }

    long removeMethod(String userId, String methodId) {
        mutate(userId, methods -> {
            Document method = find(methods, methodId);
            methods.remove(method);
            return null;
        }, doc -> {
            if (doc.getBoolean("enabled", false) && methods(doc).stream()
                    .noneMatch(m -> m.getBoolean("verified", false))) {
                throw new ExhException(ExhError.NOT_ENOUGH_MFA_METHODS_EXCEPTION,
                        "Disable MFA before removing its last verified method");
            }
        });
        return 1;
    }

    // ---- login ----

    /** A new single-use MFA token and the user's verified methods. */
    public Challenge challenge(String userId, String applicationId) {
        String token = Secrets.randomHex(20);
        Instant now = clock.instant();
        mongo.insert(new Document("_id", Secrets.sha256Hex(token)).append("userId", userId)
                .append("applicationId", applicationId)
                .append("expiryTimestamp", Date.from(now.plus(properties.tokenLifetime()))), TOKENS);
        List<Map<String, Object>> methods = new ArrayList<>();
        boolean first = true;
        for (Document m : methods(load(userId))) {
            if (!m.getBoolean("verified", false)) {
                continue;
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("id", m.getString("id"));
            summary.put("type", m.getString("type"));
            summary.put("name", m.getString("name"));
            summary.put("tags", first ? List.of("selected") : m.getList("tags", String.class, List.of()));
            first = false;
            methods.add(summary);
        }
        return new Challenge(token, properties.tokenLifetime().toMillis(), methods);
    }

    /**
     * Completes an MFA login: 131 unless the token is live and was issued to {@code applicationId}; 134 while the
     * delay after earlier failures runs; 130 for a wrong code or method (the same answer either way).
     *
     * @return the user id; the token is spent
     */
    public String complete(String token, String methodId, String code, String applicationId) {
        if (token == null || token.length() > 200) {
            throw new ExhException(ExhError.INVALID_MFA_TOKEN_EXCEPTION);
        }
        Instant now = clock.instant();
        Document issued = mongo.findOne(Query.query(Criteria.where("_id").is(Secrets.sha256Hex(token))),
                Document.class, TOKENS);
        if (issued == null || !issued.getDate("expiryTimestamp").toInstant().isAfter(now)
                || !Objects.equals(applicationId, issued.getString("applicationId"))) {
            throw new ExhException(ExhError.INVALID_MFA_TOKEN_EXCEPTION);
        }
        String userId = issued.getString("userId");
        charge(userId, now);
        if (!verifyLoginCode(userId, methodId, code)) {
            throw new ExhException(ExhError.INVALID_MFA_CODE_EXCEPTION);
        }
        if (mongo.remove(Query.query(Criteria.where("_id").is(Secrets.sha256Hex(token))), TOKENS)
                .getDeletedCount() == 0) {
            throw new ExhException(ExhError.INVALID_MFA_TOKEN_EXCEPTION); // spent concurrently
        }
        mongo.updateFirst(Query.query(Criteria.where("_id").is(key(userId))),
                new Update().set("failedAttempts", 0).unset("nextAttemptTimestamp"), SETTINGS);
        return userId;
    }

    /** Drops the user's MFA tokens (password reset, deletion). */
    public void revokeTokens(String userId) {
        mongo.remove(Query.query(Criteria.where("userId").is(userId)), TOKENS);
    }

    private void charge(String userId, Instant now) {
        load(userId);
        Query free = Query.query(new Criteria().andOperator(Criteria.where("_id").is(key(userId)),
                new Criteria().orOperator(Criteria.where("nextAttemptTimestamp").is(null),
                        Criteria.where("nextAttemptTimestamp").lte(Date.from(now)))));
        Document charged = mongo.findAndModify(free, new Update().inc("failedAttempts", 1),
                FindAndModifyOptions.options().returnNew(true), Document.class, SETTINGS);
        if (charged == null) {
            Document doc = load(userId);
            Date next = doc.getDate("nextAttemptTimestamp");
            long remaining = next == null ? 1 : Math.max(1, next.getTime() - now.toEpochMilli());
            throw new ExhException(ExhError.MFA_REATTEMPT_DELAY_EXCEPTION,
                    "Wait " + remaining + " ms before the next MFA attempt", Map.of("remainingDelay", remaining));
        }
        int failures = ((Number) charged.get("failedAttempts")).intValue();
        mongo.updateFirst(Query.query(Criteria.where("_id").is(key(userId))),
                new Update().set("nextAttemptTimestamp", Date.from(now.plus(delay(failures)))), SETTINGS);
    }

    Duration delay(int failures) {
        Duration delay = properties.baseDelay().multipliedBy(1L << Math.min(Math.max(failures - 1, 0), 30));
        return delay.compareTo(properties.maxDelay()) > 0 ? properties.maxDelay() : delay;
    }

    private boolean verifyLoginCode(String userId, String methodId, String code) {
        Document doc = load(userId);
        Document method = methods(doc).stream().filter(m -> m.getString("id").equals(methodId)
                && m.getBoolean("verified", false)).findFirst().orElse(null);
        if (method == null || code == null) {
            return false;
        }
        if ("totp".equals(method.getString("type"))) {
            return useTotp(userId, methodId, code);
        }
        String hash = Secrets.sha256Hex(code.trim().toUpperCase(java.util.Locale.ROOT));
        boolean[] used = {false};
        mutate(userId, methods -> {
            Document m = find(methods, methodId);
            List<String> hashes = new ArrayList<>(m.getList("codeHashes", String.class, List.of()));
            used[0] = hashes.stream().anyMatch(h -> Secrets.equal(h, hash));
            if (used[0]) {
                hashes.removeIf(h -> Secrets.equal(h, hash));
                m.append("codeHashes", hashes).append("updateTimestamp", Date.from(clock.instant()));
            }
            return null;
        });
        return used[0];
    }

    /** Checks a TOTP code and records its step, so the same code (or an older one) is never accepted again. */
    private boolean useTotp(String userId, String methodId, String code) {
        boolean[] ok = {false};
        mutate(userId, methods -> {
            Document m = find(methods, methodId);
            OptionalLong step = Totp.matchStep(m.getString("secret"), code, clock.instant());
            Number last = (Number) m.get("lastUsedStep");
            ok[0] = step.isPresent() && (last == null || step.getAsLong() > last.longValue());
            if (ok[0]) {
                m.append("lastUsedStep", step.getAsLong());
            }
            return null;
        });
        return ok[0];
    }

    // ---- plumbing ----

    private void mutate(String userId, java.util.function.Function<List<Document>, Object> change) {
        mutate(userId, change, doc -> { });
    }

    /** Read, change the methods, check, write back if {@code version} did not move; retried on a race. */
    private void mutate(String userId, java.util.function.Function<List<Document>, Object> change,
            java.util.function.Consumer<Document> check) {
        for (int attempt = 0; attempt < 10; attempt++) {
            Document doc = load(userId);
            List<Document> methods = new ArrayList<>(methods(doc));
            change.apply(methods);
            doc.put("methods", methods);
            check.accept(doc);
            long version = ((Number) doc.get("version", 0L)).longValue();
            long matched = mongo.updateFirst(
                    Query.query(Criteria.where("_id").is(key(userId)).and("version").is(version)),
                    new Update().set("methods", methods).set("version", version + 1)
                            .set("updateTimestamp", Date.from(clock.instant())),
                    SETTINGS).getMatchedCount();
            if (matched == 1) {
                return;
            }
        }
        throw new ExhException(ExhError.SERVER_EXCEPTION, "The MFA settings changed concurrently, try again");
    }

    private static ObjectId key(String userId) {
        return new ObjectId(userId);
    }

    private static List<Document> methods(Document doc) {
        return doc.getList("methods", Document.class, List.of());
    }

    private static Document find(Document doc, String methodId) {
        return find(methods(doc), methodId);
    }

    private static Document find(List<Document> methods, String methodId) {
        return methods.stream().filter(m -> m.getString("id").equals(methodId)).findFirst()
                .orElseThrow(() -> new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Unknown MFA method"));
    }

    private static Map<String, Object> method(Document m, boolean withSecrets) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", m.getString("id"));
        out.put("type", m.getString("type"));
        out.put("name", m.getString("name"));
        out.put("tags", m.getList("tags", String.class, List.of()));
        out.put("verified", m.getBoolean("verified", false));
        if ("recoveryCodes".equals(m.getString("type"))) {
            out.put("remainingCodes", m.getList("codeHashes", String.class, List.of()).size());
        }
        out.put("creationTimestamp", Iso.format(m.getDate("creationTimestamp")));
        out.put("updateTimestamp", Iso.format(m.getDate("updateTimestamp")));
        return out;
    }

    private static String recoveryCode() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            b.append(CODE_ALPHABET.charAt(RANDOM.nextInt(CODE_ALPHABET.length())));
        }
        return b.toString();
    }
}
