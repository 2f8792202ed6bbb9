package dev.medbase.users.verification;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.events.EventPublisher;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;
import dev.medbase.users.UsersProperties;
import dev.medbase.users.accounts.StoredUser;
import dev.medbase.users.settings.SettingsService;
import dev.medbase.users.settings.VerificationSettings;
import dev.medbase.users.web.AffectedRecords;
import dev.medbase.users.web.Times;

/**
 * Activation and password-reset requests (contract §6.2 rows 12–15, 30–33), both modes:
 * <ul>
 * <li><b>hash</b>: 40 hex characters. With {@code limit_hash_*_requests} on (the default) a hash lives 60 minutes,
 * initiations must be 5 minutes apart (223 / 221) and at most 5 may be made without completing one (222 / 220).
 * With it off a hash never expires and initiations are not limited (Extra Horizon's legacy behaviour).</li>
 * <li><b>pin_code</b>: 8 digits, only when {@code enable_pin_code_*_requests} is on (else 218). Always limited: lives
 * 15 minutes, 5 minutes between initiations, at most 3 initiations, 3 wrong entries (224 each) void it (213).</li>
 * </ul>
 * A new initiation replaces the previous secret. All numbers are {@code medbase.users.verification.*}.
 *
 * <p>Every check-and-change is one conditional single-document update (no transactions on the embedded MongoDB):
 * two initiations at the same moment cannot both pass the interval rule, and parallel PIN guesses cannot exceed the
 * attempt limit.
 */
@Service
public class VerificationService implements ApplicationRunner {

    private static final RqlTranslator REQUESTS = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("user_id", FieldType.OBJECT_ID)
            .field("mode", FieldType.STRING)
            .field("request_count", FieldType.NUMBER)
            .field("last_request_timestamp", FieldType.DATE)
            .field("failed_attempts", FieldType.NUMBER)
            .field("last_failed_attempt_timestamp", FieldType.DATE)
            .field("expiry_timestamp", FieldType.DATE)
            .field("creation_timestamp", FieldType.DATE)
            .field("update_timestamp", FieldType.DATE)
            .camelCaseAliases()
            .build();

    private final MongoTemplate mongo;
    private final PasswordEncoder encoder;
    private final SettingsService settings;
    private final UsersProperties properties;
    private final EventPublisher events;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public VerificationService(MongoTemplate mongo, PasswordEncoder encoder, SettingsService settings,
            UsersProperties properties, EventPublisher events, Clock clock) {
        this.mongo = mongo;
        this.encoder = encoder;
        this.settings = settings;
        this.properties = properties;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void run(ApplicationArguments args) {
        for (VerificationKind kind : VerificationKind.values()) {
            mongo.indexOps(kind.collection).createIndex(new Index("user_id", Sort.Direction.ASC).unique());
            mongo.indexOps(kind.collection).createIndex(new Index("digest", Sort.Direction.ASC).sparse());
        }
    }

    /** 218 unless PIN codes are enabled for this kind of request. */
    public void requirePinCodesEnabled(VerificationKind kind) {
        VerificationSettings s = settings.verification();
        boolean enabled = kind == VerificationKind.ACTIVATION ? s.enablePinCodeActivationRequests()
                : s.enablePinCodeForgotPasswordRequests();
        if (!enabled) {
            throw new ExhException(ExhError.PIN_CODES_NOT_ENABLED_EXCEPTION,
                    "PIN codes are not enabled for " + (kind == VerificationKind.ACTIVATION ? "activation"
                            : "password reset") + " requests");
        }
    }

    /** The e-mail template setting that applies, e.g. {@code activation_pin_email_template}. */
    static String templateSetting(VerificationKind kind, VerificationMode mode, boolean reactivation) {
        String base = kind == VerificationKind.FORGOT_PASSWORD ? "password_reset"
                : reactivation ? "reactivation" : "activation";
        return base + (mode == VerificationMode.PIN_CODE ? "_pin" : "") + "_email_template";
    }

    /**
     * Whether a mail can be sent for this request: always, unless {@code medbase.users.require-email-templates} is on
     * and the template setting is missing.
     */
    public boolean templateAvailable(VerificationKind kind, VerificationMode mode, boolean reactivation) {
        return !properties.requireEmailTemplates()
                || !settings.template(templateSetting(kind, mode, reactivation)).isEmpty();
    }

    /** 27 when a mail for this request cannot be sent (see {@link #templateAvailable}). */
    public void requireTemplate(VerificationKind kind, VerificationMode mode, boolean reactivation) {
        if (!templateAvailable(kind, mode, reactivation)) {
            throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION, "No e-mail template is configured ("
                    + templateSetting(kind, mode, reactivation) + "_id or _name)");
        }
    }

    /**
     * Starts (or restarts) a request for the user and emits the event that makes the mail service send the hash or
     * PIN code. Applies the interval and initiation limits.
     *
     * @param reactivation the activation follows an e-mail change (reactivation template)
     */
    public void request(VerificationKind kind, StoredUser user, VerificationMode mode, boolean reactivation) {
        request(kind, user, mode, reactivation, false);
    }

    /**
     * The password-reset request an administrator's OIDC unlink starts (auth §5.6): PIN mode when PIN codes are
     * enabled for password resets, else hash; the initiation limits do not apply (the user did not ask, and must get
     * a way to set a password); the {@code password_reset_requested} event carries {@code oidc_unlink: true} and the
     * {@code oidc_unlink[_pin]_email_template}.
     */
    public void requestOidcUnlinkReset(StoredUser user) {
        VerificationMode mode = settings.verification().enablePinCodeForgotPasswordRequests()
                ? VerificationMode.PIN_CODE : VerificationMode.HASH;
        request(VerificationKind.FORGOT_PASSWORD, user, mode, false, true);
    }

    private void request(VerificationKind kind, StoredUser user, VerificationMode mode, boolean reactivation,
            boolean oidcUnlink) {
        Instant now = clock.instant();
        UsersProperties.Verification limits = properties.verification();
        boolean pin = mode == VerificationMode.PIN_CODE;
        boolean limited = pin || hashLimited(kind);
        int maxRequests = pin ? limits.maxPinRequests() : limits.maxHashRequests();
        Duration lifetime = pin ? limits.pinLifetime() : limited ? limits.hashLifetime() : null;

        StoredVerificationRequest existing = mongo.findOne(Query.query(Criteria.where("user_id").is(user.id())),
                StoredVerificationRequest.class, kind.collection);
        if (existing != null && limited && !oidcUnlink) {
            if (existing.lastRequestTimestamp() != null
                    && existing.lastRequestTimestamp().isAfter(now.minus(limits.minInterval()))) {
                throw new ExhException(kind.timeout, kind.timeout.defaultMessage() + " (at least "
                        + limits.minInterval().toMinutes() + " minutes between requests)");
            }
            if (existing.requests() >= maxRequests) {
                throw new ExhException(kind.limit, kind.limit.defaultMessage() + " (at most " + maxRequests
                        + "); an administrator can reset it by deleting the request");
            }
        }

        String secret = pin ? pinCode() : hash();
        Instant expiry = lifetime == null ? null : now.plus(lifetime);
        Update update = new Update()
                .set("mode", mode.wire())
                .set("last_request_timestamp", Times.date(now))
                .set("failed_attempts", 0)
                .unset("last_failed_attempt_timestamp")
                .inc("request_count", 1)
                .set("update_timestamp", Times.date(now))
                .setOnInsert("creation_timestamp", Times.date(now));
        if (reactivation) {
            update.set("reactivation", true);
        } else if (existing == null) {
            update.setOnInsert("reactivation", false);
        }
        if (pin) {
            update.set("pin_hash", encoder.encode(secret)).unset("digest");
        } else {
            update.set("digest", digest(secret)).unset("pin_hash");
        }
        if (expiry == null) {
            update.unset("expiry_timestamp");
        } else {
            update.set("expiry_timestamp", Times.date(expiry));
        }
        StoredVerificationRequest stored;
        try {
            if (existing == null) {
                stored = mongo.findAndModify(Query.query(Criteria.where("user_id").is(user.id())), update,
                        FindAndModifyOptions.options().upsert(true).returnNew(true), StoredVerificationRequest.class,
                        kind.collection);
            } else {
                // only if nobody changed it since we read it: two simultaneous initiations cannot both pass
                stored = mongo.findAndModify(Query.query(Criteria.where("_id").is(existing.id())
                                .and("request_count").is(existing.requests())), update,
                        FindAndModifyOptions.options().returnNew(true), StoredVerificationRequest.class,
                        kind.collection);
            }
        } catch (DuplicateKeyException e) {
            stored = null;
        }
        if (stored == null) {
            throw new ExhException(kind.timeout, kind.timeout.defaultMessage());
        }
        boolean reactivated = reactivation || Boolean.TRUE.equals(stored.reactivation());
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("user_id", user.hexId());
        content.put("email", user.email());
        content.put("first_name", user.firstName());
        content.put("last_name", user.lastName());
        content.put("language", user.language());
        content.put("mode", mode.wire());
        content.put(pin ? "pin_code" : kind.hashKey, secret);
        if (expiry != null) {
            content.put("expiry_timestamp", expiry.toEpochMilli());
        }
        if (kind == VerificationKind.ACTIVATION) {
            content.put("reactivation", reactivated);
        }
        if (oidcUnlink) {
            content.put("oidc_unlink", true);
        }
        content.putAll(settings.template(oidcUnlink
                ? "oidc_unlink" + (pin ? "_pin" : "") + "_email_template"
                : templateSetting(kind, mode, reactivated)));
        content.values().removeIf(java.util.Objects::isNull);
        events.publish(kind.requestedEvent, user.hexId(), content);
    }

    private boolean hashLimited(VerificationKind kind) {
        VerificationSettings s = settings.verification();
        return kind == VerificationKind.ACTIVATION ? s.limitHashActivationRequests()
                : s.limitHashForgotPasswordRequests();
    }

    /** The open hash-mode request for this hash, not expired; else the kind's "unknown" error (205 / 207). */
    public StoredVerificationRequest findByHash(VerificationKind kind, String hash) {
        StoredVerificationRequest request = hash == null || hash.length() > 200 ? null
                : mongo.findOne(Query.query(Criteria.where("digest").is(digest(hash))),
                        StoredVerificationRequest.class, kind.collection);
        if (request == null || !VerificationMode.HASH.wire().equals(request.mode())
                || request.expiredAt(clock.instant())) {
            throw new ExhException(kind.unknownHash);
        }
        return request;
    }

    /**
     * Checks a PIN code against the user's open PIN request: no (valid) request → the kind's unknown error (205 /
     * 219), attempts used up → 213, wrong → 224 (and one attempt used).
     */
    public StoredVerificationRequest checkPin(VerificationKind kind, ObjectId userId, String pinCode) {
        Instant now = clock.instant();
        int maxAttempts = properties.verification().maxPinAttempts();
        StoredVerificationRequest request = userId == null ? null
                : mongo.findOne(Query.query(Criteria.where("user_id").is(userId)), StoredVerificationRequest.class,
                        kind.collection);
        if (request == null || !VerificationMode.PIN_CODE.wire().equals(request.mode()) || request.expiredAt(now)) {
            throw new ExhException(kind.unknownPin);
        }
        if (request.failures() >= maxAttempts) {
            throw tooManyAttempts();
        }
        if (request.pinHash() != null && encoder.matches(pinCode, request.pinHash())) {
            return request;
        }
        StoredVerificationRequest counted = mongo.findAndModify(
                Query.query(Criteria.where("_id").is(request.id()).and("failed_attempts").lt(maxAttempts)),
                new Update().inc("failed_attempts", 1).set("last_failed_attempt_timestamp", Times.date(now))
                        .set("update_timestamp", Times.date(now)),
                FindAndModifyOptions.options().returnNew(true), StoredVerificationRequest.class, kind.collection);
        if (counted == null) {
            throw tooManyAttempts();
        }
        int left = maxAttempts - counted.failures();
        throw new ExhException(ExhError.INCORRECT_PIN_CODE_EXCEPTION, "The PIN code is incorrect ("
                + left + (left == 1 ? " attempt" : " attempts") + " left)");
    }

    private static ExhException tooManyAttempts() {
        return new ExhException(ExhError.TOO_MANY_FAILED_ATTEMPTS_EXCEPTION,
                "Too many wrong PIN codes; request a new one");
    }

    /**
     * Ends the request, once: false if it was used, renewed or voided by wrong PIN entries meanwhile, so two
     * simultaneous completions with one secret cannot both succeed.
     */
    public boolean consume(VerificationKind kind, StoredVerificationRequest request) {
        Criteria still = Criteria.where("_id").is(request.id()).and("request_count").is(request.requests());
        if (VerificationMode.PIN_CODE.wire().equals(request.mode())) {
            still = still.and("failed_attempts").lt(properties.verification().maxPinAttempts());
        }
        return mongo.remove(Query.query(still), kind.collection).getDeletedCount() == 1;
    }

    /** The unknown error of a kind and mode, for callers that find the request gone. */
    public ExhException unknown(VerificationKind kind, VerificationMode mode) {
        return new ExhException(mode == VerificationMode.PIN_CODE ? kind.unknownPin : kind.unknownHash);
    }

    /** Deletes the user's open requests of both kinds (user deleted, e-mail changed). */
    public void forgetUser(ObjectId userId, VerificationKind... kinds) {
        for (VerificationKind kind : kinds.length == 0 ? VerificationKind.values() : kinds) {
            mongo.remove(Query.query(Criteria.where("user_id").is(userId)), kind.collection);
        }
    }

    public PageEnvelope<VerificationRequest> find(VerificationKind kind, RqlQuery rql) {
        return RqlPaging.find(mongo, REQUESTS.toQuery(rql), rql, StoredVerificationRequest.class, kind.collection,
                VerificationRequest::of);
    }

    /** Administrator removal: resets the user's limits for this kind. 16 when unknown. */
    public AffectedRecords delete(VerificationKind kind, ObjectId id) {
        Document removed = mongo.findAndRemove(Query.query(Criteria.where("_id").is(id)), Document.class,
                kind.collection);
        if (removed == null) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Unknown request " + id.toHexString());
        }
        ObjectId userId = removed.getObjectId("user_id");
        events.publish(kind.removedEvent, userId == null ? null : userId.toHexString(),
                Map.of("id", id.toHexString(), "user_id", userId == null ? "" : userId.toHexString()));
        return AffectedRecords.of(1);
    }

    private String hash() {
        byte[] bytes = new byte[20];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private String pinCode() {
        return String.format("%08d", random.nextInt(100_000_000));
    }

    static String digest(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
