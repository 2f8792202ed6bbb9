package dev.medbase.auth.mfa;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bson.Document;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

import dev.medbase.auth.support.Iso;
import dev.medbase.auth.support.Secrets;
import dev.medbase.auth.users.UserService;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Presence tokens ({@code POST /auth/v2/confirmPresence}, contract §5.4): proof that the caller typed their password
 * recently, required by MFA changes and OIDC linking. 160 random bits (Hex40), stored as SHA-256, valid
 * {@link #LIFETIME}, reusable within it by the user it was issued to; anything else → 132.
 * Stored shape: {@code presence_tokens} {_id: tokenHash, userId, expiryTimestamp, creationTimestamp}.
 */
@Component
public class PresenceTokens {

    static final String COLLECTION = "presence_tokens";
    static final Duration LIFETIME = Duration.ofMinutes(15);

    private final MongoTemplate mongo;
    private final UserService users;
    private final Clock clock;

    PresenceTokens(MongoTemplate mongo, UserService users, Clock clock) {
        this.mongo = mongo;
        this.users = users;
        this.clock = clock;
        mongo.indexOps(COLLECTION).createIndex(new Index("expiryTimestamp", Sort.Direction.ASC).expire(Duration.ZERO));
    }

    Map<String, Object> confirm(String userId, String password) {
        users.verifyById(userId, password);
        String token = Secrets.randomHex(20);
        Instant now = clock.instant();
        Instant expiry = now.plus(LIFETIME);
        mongo.insert(new Document("_id", Secrets.sha256Hex(token)).append("userId", userId)
                .append("expiryTimestamp", Date.from(expiry)).append("creationTimestamp", Date.from(now)), COLLECTION);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", token);
        out.put("expiryTimestamp", Iso.format(expiry));
        out.put("creationTimestamp", Iso.format(now));
        out.put("updateTimestamp", Iso.format(now));
        return out;
    }

    /** Throws 132 unless {@code token} is a live presence token of {@code userId}. */
    public void require(String token, String userId) {
        if (token == null || token.isEmpty() || token.length() > 200) {
            throw new ExhException(ExhError.INVALID_PRESENCE_TOKEN_EXCEPTION);
        }
        Document doc = mongo.findOne(Query.query(Criteria.where("_id").is(Secrets.sha256Hex(token))), Document.class,
                COLLECTION);
        if (doc == null || !userId.equals(doc.getString("userId"))
                || !doc.getDate("expiryTimestamp").toInstant().isAfter(clock.instant())) {
            throw new ExhException(ExhError.INVALID_PRESENCE_TOKEN_EXCEPTION);
        }
    }

    /** Drops every presence token of the user (password reset, deletion). */
    public void revokeUser(String userId) {
        mongo.remove(Query.query(Criteria.where("userId").is(userId)), COLLECTION);
    }
}
