package dev.medbase.auth.oauth1;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

import dev.medbase.auth.support.Iso;
import dev.medbase.auth.support.Secrets;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;

/**
 * OAuth1 access tokens (they never expire; contract §2.8) and SSO tokens (§5.3).
 * {@code token} (Hex40) is the public {@code oauth_token}; {@code tokenSecret} (Hex40) is kept as is because every
 * signed request is checked with it (HMAC needs the plaintext, like the consumer secret). It is returned on issue
 * only, never in listings. SSO tokens are stored as SHA-256, single use, {@link #SSO_LIFETIME}.
 * Stored shapes: {@code oauth1_tokens} {_id, userId, applicationId, token (unique), tokenSecret, lastUsedTimestamp?,
 * creationTimestamp, updateTimestamp}; {@code sso_tokens} {_id, tokenHash, userId, createdByApplicationId,
 * expiryTimestamp, creationTimestamp}.
 */
@Component
public class OAuth1Tokens {

    static final String TOKENS = "oauth1_tokens";
    static final String SSO = "sso_tokens";
    static final Duration SSO_LIFETIME = Duration.ofMinutes(5);
    static final RqlTranslator RQL = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("userId", FieldType.STRING)
            .field("applicationId", FieldType.STRING)
            .field("lastUsedTimestamp", FieldType.DATE)
            .field("creationTimestamp", FieldType.DATE)
            .field("updateTimestamp", FieldType.DATE)
            .build();

    private final MongoTemplate mongo;
    private final Clock clock;

    OAuth1Tokens(MongoTemplate mongo, Clock clock) {
        this.mongo = mongo;
        this.clock = clock;
        mongo.indexOps(TOKENS).createIndex(new Index("token", Sort.Direction.ASC).unique());
        mongo.indexOps(TOKENS).createIndex(new Index("userId", Sort.Direction.ASC));
        mongo.indexOps(SSO).createIndex(new Index("tokenHash", Sort.Direction.ASC).unique());
    }

    Map<String, Object> issue(String userId, String applicationId) {
        Date now = Date.from(clock.instant());
        Document doc = new Document("_id", new ObjectId()).append("userId", userId)
                .append("applicationId", applicationId).append("token", Secrets.randomHex(20))
                .append("tokenSecret", Secrets.randomHex(20)).append("creationTimestamp", now)
                .append("updateTimestamp", now);
        mongo.insert(doc, TOKENS);
        Map<String, Object> out = wire(doc);
        out.put("tokenSecret", doc.getString("tokenSecret"));
        return out;
    }

    /** The stored token with this {@code oauth_token}, or null. */
    Document byToken(String token) {
        return token == null || token.length() > 200 ? null
                : mongo.findOne(Query.query(Criteria.where("token").is(token)), Document.class, TOKENS);
    }

    void used(Document token) {
        Date now = Date.from(clock.instant());
        mongo.updateFirst(Query.query(Criteria.where("_id").is(token.get("_id"))),
                new Update().set("lastUsedTimestamp", now), TOKENS);
    }

    PageEnvelope<Map<String, Object>> find(RqlQuery rql, String userId) {
        Query query = RQL.toQuery(rql, userId == null ? null : Criteria.where("userId").is(userId));
        if (rql.sort().isEmpty()) {
            query.with(Sort.by("_id"));
        }
        return RqlPaging.find(mongo, query, rql, Document.class, TOKENS, OAuth1Tokens::wire);
    }

    long delete(ObjectId id, String userId, boolean any) {
        Document doc = mongo.findById(id, Document.class, TOKENS);
        if (doc == null) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Unknown token");
        }
        if (!any && !doc.getString("userId").equals(userId)) {
            throw new ExhException(ExhError.NO_PERMISSION_EXCEPTION, "Permission DELETE_AUTHORIZATIONS is required");
        }
        return mongo.remove(Query.query(Criteria.where("_id").is(id)), TOKENS).getDeletedCount();
    }

    /** The user's SSO tokens and the OAuth1 tokens created before {@code before} (password reset, deletion). */
    public long revokeUser(String userId, Instant before) {
        mongo.remove(Query.query(Criteria.where("userId").is(userId)), SSO);
        return mongo.remove(Query.query(Criteria.where("userId").is(userId).and("creationTimestamp")
                .lte(Date.from(before))), TOKENS).getDeletedCount();
    }

    Map<String, Object> generateSso(String userId, String applicationId) {
        String token = Secrets.randomHex(20);
        Instant now = clock.instant();
        Document doc = new Document("_id", new ObjectId()).append("tokenHash", Secrets.sha256Hex(token))
                .append("userId", userId).append("createdByApplicationId", applicationId)
                .append("expiryTimestamp", Date.from(now.plus(SSO_LIFETIME))).append("creationTimestamp", Date.from(now));
        mongo.insert(doc, SSO);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", doc.get("_id").toString());
        out.put("ssoToken", token);
        out.put("userId", userId);
        out.put("createdByApplicationId", applicationId);
        out.put("expiryTimestamp", Iso.format(now.plus(SSO_LIFETIME)));
        out.put("creationTimestamp", Iso.format(now));
        out.put("updateTimestamp", Iso.format(now));
        return out;
    }

    /** Spends an SSO token: the user id, or 16 when unknown, used or expired. */
    String consumeSso(String ssoToken) {
        Document doc = ssoToken == null || ssoToken.length() > 200 ? null
                : mongo.findAndRemove(Query.query(Criteria.where("tokenHash").is(Secrets.sha256Hex(ssoToken))),
                        Document.class, SSO);
        if (doc == null || !doc.getDate("expiryTimestamp").toInstant().isAfter(clock.instant())) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "The SSO token is unknown or expired");
        }
        return doc.getString("userId");
    }

    static Map<String, Object> wire(Document d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", d.get("_id").toString());
        out.put("userId", d.getString("userId"));
        out.put("applicationId", d.getString("applicationId"));
        out.put("token", d.getString("token"));
        if (d.getDate("lastUsedTimestamp") != null) {
            out.put("lastUsedTimestamp", Iso.format(d.getDate("lastUsedTimestamp")));
        }
        out.put("creationTimestamp", Iso.format(d.getDate("creationTimestamp")));
        out.put("updateTimestamp", Iso.format(d.getDate("updateTimestamp")));
        return out;
    }
}
