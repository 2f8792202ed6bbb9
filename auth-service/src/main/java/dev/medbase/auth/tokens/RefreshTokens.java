package dev.medbase.auth.tokens;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

import dev.medbase.auth.AuthProperties;
import dev.medbase.auth.support.Iso;
import dev.medbase.auth.support.Secrets;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;
import dev.medbase.platform.mongo.ExactKeyIndex;

/**
 * Opaque refresh tokens (256 random bits, 64 hex characters), stored only as their SHA-256 digest, rotated on every
 * use. Every token belongs to a <em>family</em>: all tokens descending from one login.
 *
 * <ul>
 * <li>First use of a token: an atomic {@code findAndModify} stamps {@code rotatedTimestamp}; the caller gets a new
 * token of the same family.</li>
 * <li>Use of a token rotated less than {@code medbase.auth.refresh-grace-window} ago (the SDK's concurrent
 * refreshes, contract §2.8): another new token of the family, at most {@code refresh-grace-uses} times.</li>
 * <li>Use after the window: reuse — the family is revoked (its newest token stops working too) → 119.</li>
 * <li>Expired → 120; unknown, revoked, or issued to another application → 119.</li>
 * </ul>
 * Revocation flips one field on the family document, checked on every use, so it is atomic without transactions;
 * every revocation is announced as {@code tokens_revoked} ({@link TokenEvents}).
 *
 * <p>Stored shapes: {@code refresh_tokens} {_id, tokenHash (unique), familyId, userId, applicationId, graceUses,
 * rotatedTimestamp?, revoked?, expiryTimestamp, creationTimestamp, updateTimestamp}; {@code refresh_families} {_id,
 * userId, applicationId, revoked, revokedTimestamp?, revokeReason?, creationTimestamp}.
 */
@Component
class RefreshTokens {

    static final String TOKENS = "refresh_tokens";
    static final String FAMILIES = "refresh_families";

    /** A new refresh token: the plaintext goes to the client once. */
    record Issued(String token, String id, String familyId) {}

    /** A presented token that passed {@link #check}: not yet rotated by this request. */
    record Presented(Object id, String familyId, String userId, String applicationId) {}

    private final MongoTemplate mongo;
    private final AuthProperties properties;
    private final Clock clock;
    private final TokenEvents events;

    RefreshTokens(MongoTemplate mongo, AuthProperties properties, Clock clock, TokenEvents events) {
        this.mongo = mongo;
        this.properties = properties;
        this.clock = clock;
        this.events = events;
        mongo.indexOps(TOKENS).createIndex(new Index("tokenHash", Sort.Direction.ASC).unique());
        mongo.indexOps(TOKENS).createIndex(new Index("familyId", Sort.Direction.ASC));
        mongo.indexOps(TOKENS).createIndex(new Index("userId", Sort.Direction.ASC));
        // the first-use check of rotate(): {_id, rotatedTimestamp: null}
        mongo.indexOps(TOKENS).createIndex(ExactKeyIndex.of("first_use", "rotatedTimestamp"));
        mongo.indexOps(FAMILIES).createIndex(new Index("userId", Sort.Direction.ASC));
    }

    /** A new family (a login) and its first token. */
    Issued startFamily(String userId, String applicationId) {
        ObjectId family = new ObjectId();
        mongo.insert(new Document("_id", family).append("userId", userId).append("applicationId", applicationId)
                .append("revoked", false).append("creationTimestamp", Date.from(clock.instant())), FAMILIES);
        return issue(family.toHexString(), userId, applicationId);
    }

    /** A new token in an existing family. */
    Issued issue(String familyId, String userId, String applicationId) {
        Instant now = clock.instant();
        String token = Secrets.randomHex(32);
        ObjectId id = new ObjectId();
        mongo.insert(new Document("_id", id)
                .append("tokenHash", Secrets.sha256Hex(token))
                .append("familyId", familyId)
                .append("userId", userId)
                .append("applicationId", applicationId)
                .append("graceUses", 0)
                .append("expiryTimestamp", Date.from(now.plus(properties.refreshTokenLifetime())))
                .append("creationTimestamp", Date.from(now))
                .append("updateTimestamp", Date.from(now)), TOKENS);
        return new Issued(token, id.toHexString(), familyId);
    }

    /** Checks a presented token: known, of this application, family not revoked, not expired. */
    Presented check(String token, String applicationId) {
        Instant now = clock.instant();
        Document stored = mongo.findOne(Query.query(Criteria.where("tokenHash").is(Secrets.sha256Hex(token))),
                Document.class, TOKENS);
        if (stored == null || !applicationId.equals(stored.getString("applicationId"))) {
            throw unknown();
        }
        String familyId = stored.getString("familyId");
        Document family = mongo.findById(new ObjectId(familyId), Document.class, FAMILIES);
        if (family == null || Boolean.TRUE.equals(family.getBoolean("revoked"))) {
            throw unknown();
        }
        if (!stored.getDate("expiryTimestamp").toInstant().isAfter(now)) {
            throw new ExhException(ExhError.REFRESH_TOKEN_EXPIRED_EXCEPTION);
        }
        return new Presented(stored.get("_id"), familyId, stored.getString("userId"), applicationId);
    }

    /**
     * Rotates a checked token: its first use, or a use inside the grace window, passes (the caller then issues the
     * family's next token); any later use revokes the family → 119.
     */
    void rotate(Presented presented) {
        Instant now = clock.instant();
        Date nowDate = Date.from(now);
        Document first = mongo.findAndModify(
                Query.query(Criteria.where("_id").is(presented.id()).and("rotatedTimestamp").is(null)),
                new Update().set("rotatedTimestamp", nowDate).set("updateTimestamp", nowDate),
                FindAndModifyOptions.options().returnNew(true), Document.class, TOKENS);
        if (first != null) {
            return;
        }
        Date graceStart = Date.from(now.minus(properties.refreshGraceWindow()));
        Document grace = mongo.findAndModify(
                Query.query(Criteria.where("_id").is(presented.id()).and("rotatedTimestamp").gte(graceStart)
                        .and("graceUses").lt(properties.refreshGraceUses())),
                new Update().inc("graceUses", 1).set("updateTimestamp", nowDate),
                FindAndModifyOptions.options().returnNew(true), Document.class, TOKENS);
        if (grace != null) {
            return;
        }
        events.refreshTokenReused(presented.userId(), presented.applicationId(), presented.familyId());
        revokeFamily(presented.familyId(), Reason.REFRESH_TOKEN_REUSED);
        throw unknown();
    }

    /** Why sessions were revoked: the {@code reason} of {@code tokens_revoked}, stored as {@code revokeReason}. */
    enum Reason {
        REFRESH_TOKEN_DELETED, REFRESH_TOKEN_REUSED, AUTHORIZATION_CODE_REUSED, USER_UNKNOWN,
        USER_DELETED, PASSWORD_RESET_COMPLETED, PASSWORD_UPDATE_COMPLETED, OIDC_LINKED;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Ends one session (logout, reuse, a replayed code, a vanished user): no token of the family works any more. */
    void revokeFamily(String familyId, Reason reason) {
        Document family = mongo.findAndModify(
                Query.query(Criteria.where("_id").is(new ObjectId(familyId)).and("revoked").is(false)),
                revocation(reason), Document.class, FAMILIES);
        if (family != null) {
            markTokensRevoked(List.of(familyId));
            events.tokensRevoked(family.getString("userId"), List.of(familyId), reason);
        }
    }

    /**
     * Ends every session of a user that started at or before {@code startedBy} (the time of the change that ends
     * them), so a login made after a password reset survives the reset's event arriving late.
     *
     * @return how many sessions were ended
     */
    int revokeUser(String userId, Instant startedBy, Reason reason) {
        List<Object> ids = mongo.find(Query.query(Criteria.where("userId").is(userId).and("revoked").is(false)
                .and("creationTimestamp").lte(Date.from(startedBy))), Document.class, FAMILIES)
                .stream().map(family -> family.get("_id")).toList();
        if (ids.isEmpty()) {
            return 0;
        }
        mongo.updateMulti(Query.query(Criteria.where("_id").in(ids).and("revoked").is(false)), revocation(reason),
                FAMILIES);
        List<String> familyIds = ids.stream().map(Object::toString).toList();
        markTokensRevoked(familyIds);
        events.tokensRevoked(userId, familyIds, reason);
        return familyIds.size();
    }

    private Update revocation(Reason reason) {
        return new Update().set("revoked", true).set("revokedTimestamp", Date.from(clock.instant()))
                .set("revokeReason", reason.wire());
    }

    /** The family flag is what counts; marking its tokens only keeps listings honest. */
    private void markTokensRevoked(List<String> familyIds) {
        mongo.updateMulti(Query.query(Criteria.where("familyId").in(familyIds)),
                new Update().set("revoked", true).set("updateTimestamp", Date.from(clock.instant())), TOKENS);
    }

    /** Wire form of a refresh token in listings (contract §5.5): never the token itself. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Listed(String id, String applicationId, String userId, String expiryTimestamp, String creationTimestamp,
            String updateTimestamp) {}

    static final RqlTranslator RQL = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("applicationId", FieldType.STRING)
            .field("userId", FieldType.STRING)
            .field("expiryTimestamp", FieldType.DATE)
            .field("creationTimestamp", FieldType.DATE)
            .field("updateTimestamp", FieldType.DATE)
            .build();

    /** A page of live tokens (not rotated, revoked or expired): only {@code userId}'s, or everyone's when null. */
    PageEnvelope<Listed> find(RqlQuery rql, String userId) {
        Criteria live = Criteria.where("rotatedTimestamp").is(null).and("revoked").ne(true)
                .and("expiryTimestamp").gt(Date.from(clock.instant()));
        if (userId != null) {
            live.and("userId").is(userId);
        }
        Query query = RQL.toQuery(rql, live);
        if (rql.sort().isEmpty()) {
            query.with(Sort.by("_id"));
        }
        return RqlPaging.find(mongo, query, rql, Document.class, TOKENS, d -> new Listed(d.get("_id").toString(),
                d.getString("applicationId"), d.getString("userId"), Iso.format(d.getDate("expiryTimestamp")),
                Iso.format(d.getDate("creationTimestamp")), Iso.format(d.getDate("updateTimestamp"))));
    }

    /** Ends the session a token belongs to (its whole family). {@code userId} null: anyone's. */
    long delete(ObjectId id, String userId, boolean any) {
        Document token = mongo.findById(id, Document.class, TOKENS);
        if (token == null || Boolean.TRUE.equals(token.getBoolean("revoked"))) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Unknown refresh token");
        }
        if (!any && !token.getString("userId").equals(userId)) {
            throw new ExhException(ExhError.NO_PERMISSION_EXCEPTION, "Permission DELETE_AUTHORIZATIONS is required");
        }
        revokeFamily(token.getString("familyId"), Reason.REFRESH_TOKEN_DELETED);
        return 1;
    }

    private static ExhException unknown() {
        return new ExhException(ExhError.REFRESH_TOKEN_UNKNOWN_EXCEPTION);
    }
}
