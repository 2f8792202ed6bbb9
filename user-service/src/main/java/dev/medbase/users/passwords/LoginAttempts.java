package dev.medbase.users.passwords;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
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
import org.springframework.stereotype.Component;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.users.accounts.StoredUser;

/**
 * The login lockout of Extra Horizon, per account, for {@code POST /authenticate} and {@code POST /confirm_password}
 * — the same rule, on the same user fields ({@code failed_count}, {@code last_failed_timestamp}), as the internal
 * credentials check auth-service calls for token grants:
 * <ul>
 * <li>less than 1 s after the account's last failed attempt → {@code 211 LOGIN_TIMEOUT_EXCEPTION};</li>
 * <li>for 60 s after every 10th consecutive failure → {@code 212 LOGIN_FREEZE_EXCEPTION};</li>
 * <li>from the 50th consecutive failure on → {@code 213 TOO_MANY_FAILED_ATTEMPTS_EXCEPTION} until
 * {@code POST /{userId}/reset_failed_login_attempts} (or a password reset);</li>
 * <li>a success resets the counter; wrong password or unknown e-mail → {@code 106}.</li>
 * </ul>
 * Each attempt is charged atomically before the password is checked (one conditional {@code findAndModify}), so
 * parallel guesses cannot exceed the limits. This is the one place of the rule in the public endpoints; it mirrors
 * {@code dev.medbase.users.credentials.CredentialsService#verify} and should delegate to it once both are merged.
 */
@Component
public class LoginAttempts {

    private static final Logger log = LoggerFactory.getLogger(LoginAttempts.class);
    static final String FAILED_COUNT = "failed_count";
    static final String LAST_FAILED = "last_failed_timestamp";
    static final Duration TIMEOUT = Duration.ofSeconds(1);
    static final Duration FREEZE = Duration.ofSeconds(60);
    static final int FREEZE_EVERY = 10;
    static final int BLOCK_AT = 50;

    private final MongoTemplate mongo;
    private final PasswordEncoder encoder;
    private final Clock clock;
    private final String dummyHash;

    public LoginAttempts(MongoTemplate mongo, PasswordEncoder encoder, Clock clock) {
        this.mongo = mongo;
        this.encoder = encoder;
        this.clock = clock;
        this.dummyHash = encoder.encode(UUID.randomUUID().toString());
    }

    /**
     * @param email already normalised (lower case)
     * @return the user id (hex) when the credentials are right; otherwise throws 106, 211, 212 or 213
     */
    public String verify(String email, String password) {
        Document user = mongo.findOne(Query.query(Criteria.where("email").is(email)), Document.class,
                StoredUser.COLLECTION);
        if (user == null) {
            encoder.matches(password, dummyHash); // same cost as a real check
            throw new ExhException(ExhError.AUTHENTICATION_EXCEPTION);
        }
        Instant now = clock.instant();
        Object id = user.get("_id");
        Document charged = charge(id, now);
        if (charged == null) {
            throw throttled(id, now);
        }
        String hash = user.getString("password_hash");
        if (hash != null && encoder.matches(password, hash)) {
            mongo.updateFirst(Query.query(Criteria.where("_id").is(id)),
                    new Update().set(FAILED_COUNT, 0).unset(LAST_FAILED), StoredUser.COLLECTION);
            return id.toString();
        }
        if (hash == null) {
            encoder.matches(password, dummyHash);
        }
        mongo.updateFirst(Query.query(Criteria.where("_id").is(id)), new Update().set(LAST_FAILED, Date.from(now)),
                StoredUser.COLLECTION);
        log.info("Failed password check for user {} ({} consecutive)", id, charged.get(FAILED_COUNT));
        throw new ExhException(ExhError.AUTHENTICATION_EXCEPTION);
    }

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
                FindAndModifyOptions.options().returnNew(true), Document.class, StoredUser.COLLECTION);
    }

    private static Object[] freezeCounts() {
        Object[] counts = new Object[BLOCK_AT / FREEZE_EVERY];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = (i + 1) * FREEZE_EVERY;
        }
        return counts;
    }

    private ExhException throttled(Object id, Instant now) {
        Document user = mongo.findOne(Query.query(Criteria.where("_id").is(id)), Document.class,
                StoredUser.COLLECTION);
        int failed = user == null || user.get(FAILED_COUNT) == null ? 0 : ((Number) user.get(FAILED_COUNT)).intValue();
        Date last = user == null ? null : user.getDate(LAST_FAILED);
        if (failed >= BLOCK_AT) {
            return new ExhException(ExhError.TOO_MANY_FAILED_ATTEMPTS_EXCEPTION);
        }
        if (last != null && failed > 0 && failed % FREEZE_EVERY == 0 && last.toInstant().isAfter(now.minus(FREEZE))) {
            return new ExhException(ExhError.LOGIN_FREEZE_EXCEPTION);
        }
        return new ExhException(ExhError.LOGIN_TIMEOUT_EXCEPTION);
    }
}
