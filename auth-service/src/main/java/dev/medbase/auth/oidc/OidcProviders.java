package dev.medbase.auth.oidc;

import java.net.URI;
import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import dev.medbase.auth.support.Iso;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;

/**
 * OpenID Connect providers (contract §5.6). The client secret is kept as is (it is sent to the provider with
 * {@code client_secret_basic}); the wire shows only {@code clientSecretHint}, its last 4 characters. New providers
 * start disabled. Delete refuses (27) an enabled provider or one users are still linked to.
 * Stored shape: {@code oidc_providers} {_id, name (unique), description, clientId, clientSecret, issuerId,
 * authorizationEndpoint, tokenEndpoint, userinfoEndpoint, redirectUri, enabled, creationTimestamp, updateTimestamp}.
 */
@Service
class OidcProviders {

    static final String COLLECTION = "oidc_providers";
    static final String LINKS = "oidc_links";
    static final RqlTranslator RQL = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("name", FieldType.STRING)
            .field("description", FieldType.STRING)
            .field("clientId", FieldType.STRING)
            .field("issuerId", FieldType.STRING)
            .field("enabled", FieldType.BOOLEAN)
            .field("creationTimestamp", FieldType.DATE)
            .field("updateTimestamp", FieldType.DATE)
            .build();
    private static final List<String> URLS = List.of("issuerId", "authorizationEndpoint", "tokenEndpoint",
            "userinfoEndpoint", "redirectUri");
    private static final List<String> FIELDS = List.of("name", "description", "clientId", "clientSecret", "issuerId",
            "authorizationEndpoint", "tokenEndpoint", "userinfoEndpoint", "redirectUri");
    private static final List<String> REQUIRED = List.of("name", "clientId", "clientSecret", "issuerId",
            "authorizationEndpoint", "tokenEndpoint", "redirectUri");

    private final MongoTemplate mongo;
    private final Clock clock;

    OidcProviders(MongoTemplate mongo, Clock clock) {
        this.mongo = mongo;
        this.clock = clock;
        mongo.indexOps(COLLECTION).createIndex(new Index("name", Sort.Direction.ASC).unique());
        mongo.indexOps(LINKS).createIndex(new Index("providerId", Sort.Direction.ASC).on("subject",
                Sort.Direction.ASC).unique());
        mongo.indexOps(LINKS).createIndex(new Index("userId", Sort.Direction.ASC).unique());
    }

    Map<String, Object> create(Map<String, Object> body) {
        Map<String, Object> values = values(body, true);
        Date now = Date.from(clock.instant());
        Document doc = new Document("_id", new ObjectId());
        values.forEach(doc::append);
        doc.append("enabled", false).append("creationTimestamp", now).append("updateTimestamp", now);
        try {
            mongo.insert(doc, COLLECTION);
        } catch (DuplicateKeyException e) {
            throw new ExhException(ExhError.RESOURCE_ALREADY_EXISTS_EXCEPTION, "A provider with this name exists");
        }
        return wire(doc);
    }

    PageEnvelope<Map<String, Object>> find(RqlQuery rql) {
        Query query = RQL.toQuery(rql, null);
        if (rql.sort().isEmpty()) {
            query.with(Sort.by("_id"));
        }
        return RqlPaging.find(mongo, query, rql, Document.class, COLLECTION, OidcProviders::wire);
    }

    long update(ObjectId id, Map<String, Object> body) {
        Map<String, Object> values = values(body, false);
        Update update = new Update().set("updateTimestamp", Date.from(clock.instant()));
        values.forEach(update::set);
        try {
            return existing(mongo.updateFirst(Query.query(Criteria.where("_id").is(id)), update, COLLECTION)
                    .getMatchedCount());
        } catch (DuplicateKeyException e) {
            throw new ExhException(ExhError.RESOURCE_ALREADY_EXISTS_EXCEPTION, "A provider with this name exists");
        }
    }

    long setEnabled(ObjectId id, boolean enabled) {
        return existing(mongo.updateFirst(Query.query(Criteria.where("_id").is(id)),
                new Update().set("enabled", enabled).set("updateTimestamp", Date.from(clock.instant())), COLLECTION)
                .getMatchedCount());
    }

    long delete(ObjectId id) {
        Document doc = mongo.findById(id, Document.class, COLLECTION);
        if (doc == null) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Unknown provider");
        }
        if (doc.getBoolean("enabled", false)) {
            throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION, "Disable the provider before removing it");
        }
        if (mongo.exists(Query.query(Criteria.where("providerId").is(id.toHexString())), LINKS)) {
            throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION, "Users are still linked to this provider");
        }
        return mongo.remove(Query.query(Criteria.where("_id").is(id).and("enabled").is(false)), COLLECTION)
                .getDeletedCount();
    }

    /** The provider called {@code name}: 16 when unknown, 27 when disabled. */
    Document enabledByName(String name) {
        Document doc = name == null || name.length() > 200 ? null
                : mongo.findOne(Query.query(Criteria.where("name").is(name)), Document.class, COLLECTION);
        if (doc == null) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Unknown provider");
        }
        if (!doc.getBoolean("enabled", false)) {
            throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION, "The provider is disabled");
        }
        return doc;
    }

    private static long existing(long matched) {
        if (matched == 0) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Unknown provider");
        }
        return matched;
    }

    private static Map<String, Object> values(Map<String, Object> body, boolean create) {
        if (body == null) {
            throw new ExhException(ExhError.EMPTY_BODY_EXCEPTION);
        }
        Map<String, Object> in = new LinkedHashMap<>(body);
        if (!in.containsKey("userinfoEndpoint") && in.containsKey("userInfoEndpoint")) {
            in.put("userinfoEndpoint", in.get("userInfoEndpoint")); // the docs' spelling
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String field : FIELDS) {
            Object value = in.get(field);
            if (value == null) {
                if (create && REQUIRED.contains(field)) {
                    throw new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION,
                            "Field '" + field + "' is required");
                }
                continue;
            }
            if (!(value instanceof String s) || s.isBlank() || s.length() > 2048) {
                throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "Field '" + field + "' must be a string");
            }
            if (URLS.contains(field) && !httpUrl(s)) {
                throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "Field '" + field + "' must be an http(s) URL");
            }
            out.put(field, s);
        }
        return out;
    }

    private static boolean httpUrl(String s) {
        try {
            URI uri = new URI(s);
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    static Map<String, Object> wire(Document d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", d.get("_id").toString());
        for (String field : FIELDS) {
            if (field.equals("clientSecret")) {
                String secret = d.getString("clientSecret");
                out.put("clientSecretHint", secret == null ? null
                        : secret.substring(Math.max(0, secret.length() - 4)));
            } else {
                out.put(field, d.getString(field));
            }
        }
        out.put("enabled", d.getBoolean("enabled", false));
        out.put("creationTimestamp", Iso.format(d.getDate("creationTimestamp")));
        out.put("updateTimestamp", Iso.format(d.getDate("updateTimestamp")));
        return out;
    }
}
