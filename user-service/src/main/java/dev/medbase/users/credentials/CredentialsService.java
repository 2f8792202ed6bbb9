package dev.medbase.users.credentials;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.UUID;

import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Checks an e-mail/password pair and applies the Extra Horizon login lockout, per account:
 * <ul>
 * <li>less than 1 s after the account's last failed attempt → {@code 211 LOGIN_TIMEOUT_EXCEPTION};</li>
 * <li>for 60 s after every 10th consecutive failure → {@code 212 LOGIN_FREEZE_EXCEPTION};</li>
 * <li>from the 50th consecutive failure on → {@code 213 TOO_MANY_FAILED_ATTEMPTS_EXCEPTION}, until an admin resets
 * {@code failed_count};</li>
 * <li>a success resets the counter.</li>
 * </ul>
 * Throttled attempts are refused before the password is hashed and do not change the state, so hammering a locked
 * account costs no bcrypt time and an account's state never touches another's.
 *
 * <p>State lives on the user document ({@code failed_count}, {@code last_failed_timestamp}) and changes only by
 * single-document atomic updates (the embedded MongoDB has no transactions). Each attempt is <em>charged</em> before
 * the password is checked: one conditional {@code findAndModify} re-checks the lockout rules and increments
 * {@code failed_count}; a success then resets it, a failure stamps {@code last_failed_timestamp}. So parallel guesses
 * can never exceed 50 in total, and the 1 s / 60 s rules hold between sequential attempts; concurrent correct logins
 * of one account are not slowed (each success resets the counter).
 *
 * <p>Unknown e-mails answer exactly like wrong passwords ({@code 106}) after a bcrypt comparison against a dummy
 * hash, so neither the body nor the timing tells whether an account exists.
 */
@Service
public class CredentialsService {

    private static final Logger log = LoggerFactory.getLogger(CredentialsService.class);
    static final String USERS = "users";
    static final String FAILED_COUNT = "failed_count";
    static final String LAST_FAILED = "last_failed_timestamp";

    static final Duration TIMEOUT = Duration.ofSeconds(1);
    static final Duration FREEZE = Duration.ofSeconds(60);
    static final int FREEZE_EVERY = 10;
    static final int BLOCK_AT = 50;
    /** An e-mail address is at most 254 characters (RFC 5321); a generous cap on passwords keeps bcrypt cheap. */
    static final int MAX_EMAIL = 320;
    static final int MAX_PASSWORD = 1024;

    private final MongoTemplate mongo;
    private final PasswordEncoder encoder;
    private final Clock clock;
    /** Compared against when the e-mail is unknown, so that path costs one bcrypt check like a real one. */
    private final String dummyHash;

    public CredentialsService(MongoTemplate mongo, PasswordEncoder encoder, Clock clock) {
        this.mongo = mongo;
        this.encoder = encoder;
        this.clock = clock;
        this.dummyHash = encoder.encode(UUID.randomUUID().toString());
    }

    /** @return the user id (hex) when the credentials are right; otherwise throws the ExH error. */
    public String verify(String email, String password) {
        if (email == null || password == null) {
            throw new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION, "email and password are required");
        }
        if (email.length() > MAX_EMAIL || password.length() > MAX_PASSWORD) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "email or password is too long");
        }
        String normalized = email.trim().toLowerCase(Locale.ROOT);
        return check(mongo.findOne(Query.query(Criteria.where("email").is(normalized)), Document.class, USERS),
                password);
    }

    /**
     * The password of a known user (presence confirmation): same throttling and failure counting as {@link #verify}.
     *
     * @return the user id (hex) when the password is right; otherwise throws the ExH error
     */
    public String verifyById(String userId, String password) {
        if (userId == null || password == null) {
            throw new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION, "userId and password are required");
        }
        if (password.length() > MAX_PASSWORD) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "password is too long");
        }
        Document user = org.bson.types.ObjectId.isValid(userId) ? mongo.findOne(
                Query.query(Criteria.where("_id").is(new org.bson.types.ObjectId(userId))), Document.class, USERS)
                : null;
        return check(user, password);
    }

    private String check(Document user, String password) {
        if (user == null) {
            matches(password, dummyHash);
            throw authenticationFailed();
        }
        Instant now = clock.instant();
        Object id = user.get("_id");
        Document charged = charge(id, now);
        if (charged == null) {
            throw throttled(id, now);
        }
        String hash = user.getString("password_hash");
        if (hash != null && matches(password, hash)) {
            mongo.updateFirst(Query.query(Criteria.where("_id").is(id)),
                    new Update().set(FAILED_COUNT, 0).unset(LAST_FAILED), USERS);
            return id.toString();
        }
        if (hash == null) {
            matches(password, dummyHash); // e.g. an OIDC-only user: same answer, same cost
        }
        mongo.updateFirst(Query.query(Criteria.where("_id").is(id)), new Update().set(LAST_FAILED, Date.from(now)),
                USERS);
        log.info("Failed login attempt for user {} ({} consecutive)", id, charged.get(FAILED_COUNT));
        throw authenticationFailed();
    }

    /**
     * Atomically re-checks the lockout rules and counts this attempt as a failure in advance.
     *
     * @return the updated user, or {@code null} when a rule refuses the attempt
     */
    private Document charge(Object id, Instant now) {
        Date timeoutStart = Date.from(now.minus(TIMEOUT));
        Date freezeStart = Date.from(now.minus(FREEZE));
        Criteria notTimedOut = new Criteria().orOperator(Criteria.where(LAST_FAILED).is(null),
                Criteria.where(LAST_FAILED).lte(timeoutStart));
        Criteria notFrozen = new Criteria().orOperator(
                Criteria.where(FAILED_COUNT).nin(freezeCounts()),
                Criteria.where(LAST_FAILED).is(null),
                Criteria.where(LAST_FAILED).lte(freezeStart));
        Criteria notBlocked = new Criteria().orOperator(Criteria.where(FAILED_COUNT).is(null),
                Criteria.where(FAILED_COUNT).lt(BLOCK_AT));
        Query query = Query.query(new Criteria().andOperator(Criteria.where("_id").is(id), notBlocked, notFrozen,
                notTimedOut));
        return mongo.findAndModify(query, new Update().inc(FAILED_COUNT, 1),
                FindAndModifyOptions.options().returnNew(true), Document.class, USERS);
    }

    private static Object[] freezeCounts() {
        Object[] counts = new Object[BLOCK_AT / FREEZE_EVERY];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = (i + 1) * FREEZE_EVERY;
        }
        return counts;
    }

    /** Which rule refused the attempt, from the current state. */
    private ExhException throttled(Object id, Instant now) {
        Document user = mongo.findOne(Query.query(Criteria.where("_id").is(id)), Document.class, USERS);
        int failed = user == null || user.get(FAILED_COUNT) == null ? 0 : ((Number) user.get(FAILED_COUNT)).intValue();
        Date last = user == null ? null : user.getDate(LAST_FAILED);
        if (failed >= BLOCK_AT) {
            return new ExhException(ExhError.TOO_MANY_FAILED_ATTEMPTS_EXCEPTION);
        }
        if (last != null && failed > 0 && failed % FREEZE_EVERY == 0
                && last.toInstant().isAfter(now.minus(FREEZE))) {
            return new ExhException(ExhError.LOGIN_FREEZE_EXCEPTION);
        }
        return new ExhException(ExhError.LOGIN_TIMEOUT_EXCEPTION);
    }

    private boolean matches(String password, String hash) {
        try {
            return encoder.matches(password, hash);
        } catch (IllegalArgumentException e) {
            // bcrypt refuses passwords over 72 bytes; such a password can never have been stored
            return false;
        }
    }

    private static ExhException authenticationFailed() {
        return new ExhException(ExhError.AUTHENTICATION_EXCEPTION);
    }
}
