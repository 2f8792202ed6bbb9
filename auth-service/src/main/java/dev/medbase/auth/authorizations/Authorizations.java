package dev.medbase.auth.authorizations;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import io.swagger.v3.oas.annotations.media.Schema;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import dev.medbase.auth.AuthProperties;
import dev.medbase.auth.applications.Applications;
import dev.medbase.auth.support.Iso;
import dev.medbase.auth.support.Secrets;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;
import dev.medbase.platform.security.Caller;

/**
 * OAuth2 authorizations for the authorization-code grant (RFC 6749 §4.1, PKCE RFC 7636). A trusted app creates one
 * on behalf of its logged-in user; the code is single-use (atomic {@code findAndModify} on {@code usedTimestamp}),
 * expires after {@code medbase.auth.authorization-code-lifetime}, and a second use revokes the tokens the first one
 * produced (RFC 6749 §4.1.2).
 *
 * <p>Stored shape, collection {@code authorizations}: {_id, userId, applicationId, clientId, redirectUri?, state?,
 * scope?, codeHash (SHA-256, unique), codeChallenge?, codeChallengeMethod?, expiryTimestamp, usedTimestamp?,
 * familyId?, creationTimestamp, updateTimestamp}.
 */
@Service
public class Authorizations {

    static final String COLLECTION = "authorizations";
    static final RqlTranslator RQL = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("userId", FieldType.STRING)
            .field("clientId", FieldType.STRING)
            .field("expiryTimestamp", FieldType.DATE)
            .field("creationTimestamp", FieldType.DATE)
            .field("updateTimestamp", FieldType.DATE)
            .build();
    private static final Pattern PKCE = Pattern.compile("[A-Za-z0-9._~-]{43,128}");
    private static final int MAX_TEXT = 1024;

    @Schema(name = "NewAuthorization", example = """
            {"responseType": "code", "clientId": "d2c9d8a3b41f4e5f", "redirectUri": "https://app.example.com/callback",
             "state": "b1a2c3d4", "codeChallenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
             "codeChallengeMethod": "S256"}""")
    record CreateRequest(String responseType, String clientId, String redirectUri, String state, String scope,
            String codeChallenge, String codeChallengeMethod) {}

    /** A code accepted at the token endpoint. */
    public record Granted(String authorizationId, String userId) {}

    private final MongoTemplate mongo;
    private final Applications applications;
    private final AuthProperties properties;
    private final Clock clock;

    Authorizations(MongoTemplate mongo, Applications applications, AuthProperties properties, Clock clock) {
        this.mongo = mongo;
        this.applications = applications;
        this.properties = properties;
        this.clock = clock;
        mongo.indexOps(COLLECTION).createIndex(new Index("codeHash", Sort.Direction.ASC).unique());
        mongo.indexOps(COLLECTION).createIndex(new Index("userId", Sort.Direction.ASC));
    }

    Authorization create(Caller caller, CreateRequest request) {
        if (request == null) {
            throw new ExhException(ExhError.EMPTY_BODY_EXCEPTION);
        }
        if (request.responseType() == null || request.clientId() == null) {
            throw new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION, "responseType and clientId are required");
        }
        if (!"code".equals(request.responseType())) {
            throw new ExhException(ExhError.UNSUPPORTED_RESPONSE_TYPE, "Only responseType 'code' is supported");
        }
        for (String text : new String[] {request.clientId(), request.redirectUri(), request.state(), request.scope()}) {
            if (text != null && text.length() > MAX_TEXT) {
                throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "A field is longer than " + MAX_TEXT);
            }
        }
        Applications.Client client = applications.byClientId(request.clientId())
                .orElseThrow(() -> new ExhException(ExhError.APPLICATION_UNKNOWN_EXCEPTION, "Unknown clientId"));
        String redirectUri = redirectUri(client, request.redirectUri());
        String challenge = request.codeChallenge();
        String method = null;
        if (challenge != null) {
            method = request.codeChallengeMethod() == null ? "plain" : request.codeChallengeMethod();
            if (!method.equals("S256") && !method.equals("plain")) {
                throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "codeChallengeMethod must be S256 or plain");
            }
            if (!PKCE.matcher(challenge).matches()) {
                throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION,
                        "codeChallenge must be 43 to 128 characters of [A-Za-z0-9-._~]");
            }
        }
        String code = Secrets.randomHex(32);
        Instant now = clock.instant();
        Document doc = new Document("_id", new ObjectId())
                .append("userId", caller.userId())
                .append("applicationId", client.applicationId())
                .append("clientId", client.clientId())
                .append("redirectUri", redirectUri)
                .append("state", request.state())
                .append("scope", request.scope())
                .append("codeHash", Secrets.sha256Hex(code))
                .append("codeChallenge", challenge)
                .append("codeChallengeMethod", method)
                .append("expiryTimestamp", Date.from(now.plus(properties.authorizationCodeLifetime())))
                .append("creationTimestamp", Date.from(now))
                .append("updateTimestamp", Date.from(now));
        mongo.insert(doc, COLLECTION);
        return wire(doc, code);
    }

    /** The registered redirect URI to use: the requested one must be registered; none requested → the only one. */
    private static String redirectUri(Applications.Client client, String requested) {
        if (requested != null) {
            if (!client.redirectUris().contains(requested)) {
                throw new ExhException(ExhError.CALLBACK_NOT_VALID, "redirectUri is not registered for this client");
            }
            return requested;
        }
        if (client.redirectUris().size() > 1) {
            throw new ExhException(ExhError.CALLBACK_NOT_VALID,
                    "redirectUri is required: the application registers several");
        }
        return client.redirectUris().isEmpty() ? null : client.redirectUris().get(0);
    }

    /** A page of authorizations: only {@code userId}'s, or everyone's when it is null. */
    PageEnvelope<Authorization> find(RqlQuery rql, String userId) {
        Query query = RQL.toQuery(rql, userId == null ? null : Criteria.where("userId").is(userId));
        if (rql.sort().isEmpty()) {
            query.with(Sort.by("_id"));
        }
        return RqlPaging.find(mongo, query, rql, Document.class, COLLECTION, d -> wire(d, null));
    }

    /** Deletes an authorization of {@code userId}, or anyone's when {@code any}. */
    long delete(ObjectId id, String userId, boolean any) {
        Document doc = mongo.findById(id, Document.class, COLLECTION);
        if (doc == null) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Unknown authorization");
        }
        if (!any && !doc.getString("userId").equals(userId)) {
            throw new ExhException(ExhError.NO_PERMISSION_EXCEPTION, "Permission DELETE_AUTHORIZATIONS is required");
        }
        return mongo.remove(Query.query(Criteria.where("_id").is(id)), COLLECTION).getDeletedCount();
    }

    /**
     * Redeems a code at the token endpoint (single use). Unknown or already used → 115 (a second use first revokes
     * what the first one issued, through {@code revokeFamily}); another client's code → 115; expired → 116;
     * {@code redirect_uri} different from the authorization's → 113 (the SDK sends none: then it is not compared);
     * PKCE: verifier missing → 128, wrong → 122.
     */
    public Granted redeem(String code, Applications.Client client, String redirectUri, String verifier,
            Consumer<String> revokeFamily) {
        Instant now = clock.instant();
        String hash = Secrets.sha256Hex(code);
        Document doc = mongo.findAndModify(Query.query(Criteria.where("codeHash").is(hash).and("usedTimestamp").is(null)),
                new Update().set("usedTimestamp", Date.from(now)).set("updateTimestamp", Date.from(now)),
                FindAndModifyOptions.options().returnNew(true), Document.class, COLLECTION);
        if (doc == null) {
            Document used = mongo.findOne(Query.query(Criteria.where("codeHash").is(hash)), Document.class, COLLECTION);
            if (used != null && used.getString("familyId") != null) {
                revokeFamily.accept(used.getString("familyId"));
            }
            throw new ExhException(ExhError.AUTHORIZATION_UNKNOWN_EXCEPTION);
        }
        if (!client.applicationId().equals(doc.getString("applicationId"))) {
            throw new ExhException(ExhError.AUTHORIZATION_UNKNOWN_EXCEPTION);
        }
        if (!doc.getDate("expiryTimestamp").toInstant().isAfter(now)) {
            throw new ExhException(ExhError.AUTHORIZATION_CODE_EXPIRED_EXCEPTION);
        }
        if (redirectUri != null && !redirectUri.equals(doc.getString("redirectUri"))) {
            throw new ExhException(ExhError.CALLBACK_NOT_VALID, "redirect_uri does not match the authorization");
        }
        String challenge = doc.getString("codeChallenge");
        if (challenge != null) {
            if (verifier == null) {
                throw new ExhException(ExhError.MISSING_PKCE_VERIFIER_EXCEPTION);
            }
            if (!PKCE.matcher(verifier).matches() || !Secrets.equal(challenge,
                    "S256".equals(doc.getString("codeChallengeMethod")) ? s256(verifier) : verifier)) {
                throw new ExhException(ExhError.INVALID_PKCE_EXCEPTION);
            }
        }
        return new Granted(doc.get("_id").toString(), doc.getString("userId"));
    }

    /** Remembers which refresh family a code produced, so a replayed code can revoke it. */
    public void linkFamily(String authorizationId, String familyId) {
        mongo.updateFirst(Query.query(Criteria.where("_id").is(new ObjectId(authorizationId))),
                new Update().set("familyId", familyId), COLLECTION);
    }

    static String s256(String verifier) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Secrets.sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
    }

    private static Authorization wire(Document d, String code) {
        return new Authorization(d.get("_id").toString(), d.getString("userId"), d.getString("clientId"),
                d.getString("redirectUri"), d.getString("state"), d.getString("scope"), code,
                d.getString("codeChallenge"), d.getString("codeChallengeMethod"),
                Iso.format(d.getDate("expiryTimestamp")), Iso.format(d.getDate("creationTimestamp")),
                Iso.format(d.getDate("updateTimestamp")));
    }
}
