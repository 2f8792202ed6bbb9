package dev.medbase.auth.tokens;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

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
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;
import dev.medbase.platform.security.RevokedTokens;

/**
 * Every access token issued, by {@code jti} (contract §5.5 {@code GET/DELETE /oauth2/tokens}); records expire with
 * their token (TTL index), so the collection and the revocation list stay small. A deleted token is kept as
 * {@code revoked} until its expiry: {@link #isRevoked} makes auth-service's own {@code CallerFilter} answer 117 for
 * it at once. The token itself is never stored (listings carry no {@code accessToken}).
 * Stored shape: {@code access_tokens} {_id, jti (unique), userId, applicationId, revoked, expiryTimestamp,
 * creationTimestamp, updateTimestamp}.
 */
@Component
class AccessTokenRecords implements RevokedTokens {

    static final String COLLECTION = "access_tokens";
    static final RqlTranslator RQL = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("userId", FieldType.STRING)
            .field("applicationId", FieldType.STRING)
            .field("expiryTimestamp", FieldType.DATE)
            .field("creationTimestamp", FieldType.DATE)
            .field("updateTimestamp", FieldType.DATE)
            .build();

    /** A listed token (contract §5.5). */
    record Listed(String id, String applicationId, String userId, String expiryTimestamp, String creationTimestamp,
            String updateTimestamp) {}

    private final MongoTemplate mongo;
    private final Clock clock;

    AccessTokenRecords(MongoTemplate mongo, Clock clock) {
        this.mongo = mongo;
        this.clock = clock;
        mongo.indexOps(COLLECTION).createIndex(new Index("jti", Sort.Direction.ASC).unique());
        mongo.indexOps(COLLECTION).createIndex(new Index("userId", Sort.Direction.ASC));
        mongo.indexOps(COLLECTION).createIndex(new Index("expiryTimestamp", Sort.Direction.ASC)
                .expire(Duration.ZERO));
    }

    void record(String jti, String userId, String applicationId, Instant now, Instant expiry) {
        mongo.insert(new Document("_id", new ObjectId()).append("jti", jti).append("userId", userId)
                .append("applicationId", applicationId).append("revoked", false)
                .append("expiryTimestamp", Date.from(expiry)).append("creationTimestamp", Date.from(now))
                .append("updateTimestamp", Date.from(now)), COLLECTION);
    }

    @Override
    public boolean isRevoked(String jti) {
        // by jti alone, so the embedded MongoDB-wire server answers from the unique index instead of scanning
        // every token record (it only uses an index whose keys are exactly the query's fields)
        Query byJti = Query.query(Criteria.where("jti").is(jti));
        byJti.fields().include("revoked");
        Document record = mongo.findOne(byJti, Document.class, COLLECTION);
        return record != null && Boolean.TRUE.equals(record.get("revoked"));
    }

    /** The revoked tokens not yet expired: {@code [{"jti", "expiryTimestamp" (epoch ms)}]}. */
    java.util.List<java.util.Map<String, Object>> revokedLive() {
        return mongo.find(Query.query(Criteria.where("revoked").is(true).and("expiryTimestamp")
                .gt(Date.from(clock.instant()))), Document.class, COLLECTION).stream()
                .map(d -> java.util.Map.<String, Object>of("jti", d.getString("jti"), "expiryTimestamp",
                        d.getDate("expiryTimestamp").getTime()))
                .toList();
    }

    PageEnvelope<Listed> find(RqlQuery rql, String userId) {
        Criteria live = Criteria.where("revoked").is(false).and("expiryTimestamp").gt(Date.from(clock.instant()));
        if (userId != null) {
            live = live.and("userId").is(userId);
        }
        Query query = RQL.toQuery(rql, live);
        if (rql.sort().isEmpty()) {
            query.with(Sort.by("_id"));
        }
        return RqlPaging.find(mongo, query, rql, Document.class, COLLECTION, d -> new Listed(d.get("_id").toString(),
                d.getString("applicationId"), d.getString("userId"), Iso.format(d.getDate("expiryTimestamp")),
                Iso.format(d.getDate("creationTimestamp")), Iso.format(d.getDate("updateTimestamp"))));
    }

    /** Revokes a token of {@code userId}, or anyone's when {@code any}. */
    long revoke(ObjectId id, String userId, boolean any) {
        Document doc = mongo.findById(id, Document.class, COLLECTION);
        if (doc == null || doc.getBoolean("revoked", false)) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Unknown access token");
        }
        if (!any && !doc.getString("userId").equals(userId)) {
            throw new ExhException(ExhError.NO_PERMISSION_EXCEPTION, "Permission DELETE_AUTHORIZATIONS is required");
        }
        return mongo.updateFirst(Query.query(Criteria.where("_id").is(id).and("revoked").is(false)),
                new Update().set("revoked", true).set("updateTimestamp", Date.from(clock.instant())), COLLECTION)
                .getModifiedCount();
    }

    /** Revokes the user's live tokens issued up to {@code before} (password reset, deletion). */
    long revokeUser(String userId, Instant before) {
        return mongo.updateMulti(Query.query(Criteria.where("userId").is(userId).and("revoked").is(false)
                .and("creationTimestamp").lte(Date.from(before))),
                new Update().set("revoked", true).set("updateTimestamp", Date.from(clock.instant())), COLLECTION)
                .getModifiedCount();
    }
}
