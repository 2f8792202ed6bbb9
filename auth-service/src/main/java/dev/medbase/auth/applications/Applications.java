package dev.medbase.auth.applications;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import io.swagger.v3.oas.annotations.media.Schema;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

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
 * OAuth2 and OAuth1 applications and their versions, in the collection {@code applications} whose shape
 * {@link BootstrapApplication} documents. oauth2 versions store {@code clientId} + {@code clientSecretHash}; oauth1
 * versions store {@code consumerKey} + {@code consumerSecret}. The OAuth1 consumer secret is kept as is because
 * HMAC-SHA1 signature checking (OAuth1 is not implemented yet) needs it: encrypt it at rest before OAuth1 ships.
 */
@Service
public class Applications {

    static final String COLLECTION = BootstrapApplication.COLLECTION;
    static final int MAX_NAME = 100;
    static final int MAX_DESCRIPTION = 2000;
    static final int MAX_LOGO = 2048;
    static final int MAX_URI = 2048;
    static final int MAX_REDIRECT_URIS = 50;

    /** A client that proved who it is at the token endpoint. */
    public record Client(String applicationId, String versionId, String clientId, boolean confidential,
            List<String> redirectUris) {}

    // schema names: "CreateRequest" alone would clash with the authorizations' one in the OpenAPI document
    @Schema(name = "NewApplication", example = """
            {"type": "oauth2", "name": "Patient app", "description": "The iOS and Android patient app",
             "redirectUris": ["https://app.example.com/callback"], "confidential": false}""")
    record CreateRequest(String type, String name, String description, String logo, List<String> redirectUris,
            Boolean confidential) {}

    @Schema(name = "ApplicationChanges", description = "type must be the application's current type", example = """
            {"type": "oauth2", "description": "The patient app (iOS, Android and web)",
             "redirectUris": ["https://app.example.com/callback", "https://web.example.com/callback"]}""")
    record UpdateRequest(String type, String name, String description, String logo, List<String> redirectUris,
            Boolean confidential) {}

    @Schema(name = "NewApplicationVersion", example = """
            {"name": "v2"}""")
    record VersionRequest(String name) {}

    private final MongoTemplate mongo;
    private final ClientSecrets secrets;
    private final Clock clock;

    Applications(MongoTemplate mongo, ClientSecrets secrets, Clock clock) {
        this.mongo = mongo;
        this.secrets = secrets;
        this.clock = clock;
    }

    Application create(CreateRequest request) {
        if (request == null) {
            throw new ExhException(ExhError.EMPTY_BODY_EXCEPTION);
        }
        String type = required("type", request.type());
        if (!type.equals("oauth2") && !type.equals("oauth1")) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "type must be 'oauth2' or 'oauth1'");
        }
        String name = limited("name", required("name", request.name()), MAX_NAME);
        Date now = now();
        Document app = new Document("_id", new ObjectId()).append("type", type).append("name", name)
                .append("description", limited("description", request.description(), MAX_DESCRIPTION));
        if (type.equals("oauth2")) {
            app.append("logo", limited("logo", request.logo(), MAX_LOGO))
                    .append("redirectUris", redirectUris(request.redirectUris()))
                    .append("confidential", Boolean.TRUE.equals(request.confidential()));
        }
        app.append("versions", List.of()).append("creationTimestamp", now).append("updateTimestamp", now);
        mongo.insert(app, COLLECTION);
        return wire(app);
    }

    /** What a listing can filter and sort on: never a secret, nor a version's client id. */
    static final RqlTranslator RQL = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("type", FieldType.STRING)
            .field("name", FieldType.STRING)
            .field("description", FieldType.STRING)
            .field("creationTimestamp", FieldType.DATE)
            .field("updateTimestamp", FieldType.DATE)
            .build();

    /** A page of applications, full or summarised ({@code name, description, logo, type}). */
    PageEnvelope<Object> find(RqlQuery rql, boolean full) {
        Query query = RQL.toQuery(rql);
        if (rql.sort().isEmpty()) {
            query.with(Sort.by("_id"));
        }
        return RqlPaging.find(mongo, query, rql, Document.class, COLLECTION, d -> full ? wire(d)
                : new Application.Summary(d.getString("name"), d.getString("description"), d.getString("logo"),
                        d.getString("type")));
    }

    long update(ObjectId id, UpdateRequest request) {
        if (request == null) {
            throw new ExhException(ExhError.EMPTY_BODY_EXCEPTION);
        }
        String type = required("type", request.type());
        Update update = new Update().set("updateTimestamp", now());
        if (request.name() != null) {
            update.set("name", limited("name", blankCheck("name", request.name()), MAX_NAME));
        }
        if (request.description() != null) {
            update.set("description", limited("description", request.description(), MAX_DESCRIPTION));
        }
        if (type.equals("oauth2")) {
            if (request.logo() != null) {
                update.set("logo", limited("logo", request.logo(), MAX_LOGO));
            }
            if (request.redirectUris() != null) {
                update.set("redirectUris", redirectUris(request.redirectUris()));
            }
            if (request.confidential() != null) {
                update.set("confidential", request.confidential());
            }
        }
        long matched = mongo.updateFirst(Query.query(Criteria.where("_id").is(id).and("type").is(type)), update,
                COLLECTION).getMatchedCount();
        if (matched == 0) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION,
                    "No " + type + " application with id " + id.toHexString());
        }
        return matched;
    }

    long delete(ObjectId id) {
        long deleted = mongo.remove(Query.query(Criteria.where("_id").is(id)), COLLECTION).getDeletedCount();
        if (deleted == 0) {
            throw unknown(id);
        }
        return deleted;
    }

    Application.CreatedVersion createVersion(ObjectId id, VersionRequest request) {
        if (request == null) {
            throw new ExhException(ExhError.EMPTY_BODY_EXCEPTION);
        }
        String name = limited("name", required("name", request.name()), MAX_NAME);
        Document app = mongo.findById(id, Document.class, COLLECTION);
        if (app == null) {
            throw unknown(id);
        }
        ObjectId versionId = new ObjectId();
        Date now = now();
        Document version = new Document("_id", versionId).append("name", name);
        Application.CreatedVersion created;
        if ("oauth1".equals(app.getString("type"))) {
            String key = Secrets.randomHex(20);
            String secret = Secrets.randomHex(20);
            version.append("consumerKey", key).append("consumerSecret", secret);
            created = new Application.CreatedVersion(versionId.toHexString(), name, null, null, key, secret,
                    Iso.format(now));
        } else {
            String clientId = Secrets.randomHex(20);
            String secret = secrets.generate();
            version.append("clientId", clientId).append("clientSecretHash", secrets.hash(secret));
            created = new Application.CreatedVersion(versionId.toHexString(), name, clientId, secret, null, null,
                    Iso.format(now));
        }
        version.append("creationTimestamp", now);
        // atomic: the version is added only while no version of that name exists
        long matched = mongo.updateFirst(
                Query.query(Criteria.where("_id").is(id).and("versions.name").ne(name)),
                new Update().push("versions", version).set("updateTimestamp", now), COLLECTION).getMatchedCount();
        if (matched == 0) {
            if (mongo.exists(Query.query(Criteria.where("_id").is(id)), COLLECTION)) {
                throw new ExhException(ExhError.RESOURCE_ALREADY_EXISTS_EXCEPTION,
                        "A version named '" + name + "' already exists");
            }
            throw unknown(id);
        }
        return created;
    }

    long deleteVersion(ObjectId id, ObjectId versionId) {
        long matched = mongo.updateFirst(Query.query(Criteria.where("_id").is(id).and("versions._id").is(versionId)),
                new Update().pull("versions", new Document("_id", versionId)).set("updateTimestamp", now()),
                COLLECTION).getMatchedCount();
        if (matched == 0) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Unknown application or version");
        }
        return matched;
    }

    /**
     * Authenticates an OAuth2 client at the token endpoint: unknown client id → 123; a confidential application
     * without a secret → 126; a wrong secret (also for a public application that sends one) → 124.
     */
    public Client authenticate(String clientId, String secret) {
        Document app = mongo.findOne(byClientIdQuery(clientId), Document.class, COLLECTION);
        Document version = app == null ? null : version(app, clientId).orElse(null);
        if (version == null) {
            throw new ExhException(ExhError.OAUTH2_CLIENT_ID_EXCEPTION, "The client id is unknown");
        }
        boolean confidential = Boolean.TRUE.equals(app.getBoolean("confidential"));
        String versionId = version.get("_id").toString();
        if (secret == null) {
            if (confidential) {
                throw new ExhException(ExhError.OAUTH2_MISSING_CLIENT_CREDENTIALS_EXCEPTION,
                        "This application is confidential: the client secret is required");
            }
        } else if (!secrets.matches(versionId, secret, version.getString("clientSecretHash"))) {
            throw new ExhException(ExhError.OAUTH2_CLIENT_SECRET_EXCEPTION, "The client secret is not valid");
        }
        return new Client(app.get("_id").toString(), versionId, clientId, confidential,
                strings(app.get("redirectUris")));
    }

    /** The application (oauth2) a client id belongs to, without checking a secret (authorization requests). */
    public Optional<Client> byClientId(String clientId) {
        Document app = mongo.findOne(byClientIdQuery(clientId), Document.class, COLLECTION);
        return Optional.ofNullable(app).flatMap(a -> version(a, clientId).map(v -> new Client(a.get("_id").toString(),
                v.get("_id").toString(), clientId, Boolean.TRUE.equals(a.getBoolean("confidential")),
                strings(a.get("redirectUris")))));
    }

    /** An OAuth1 consumer: the application and the secret its requests are signed with. */
    public record Consumer(String applicationId, String consumerKey, String consumerSecret) {}

    /** The OAuth1 application version carrying {@code consumerKey}. */
    public Optional<Consumer> byConsumerKey(String consumerKey) {
        Document app = mongo.findOne(Query.query(Criteria.where("type").is("oauth1").and("versions")
                .elemMatch(Criteria.where("consumerKey").is(consumerKey))), Document.class, COLLECTION);
        return Optional.ofNullable(app).flatMap(a -> a.getList("versions", Document.class, List.of()).stream()
                .filter(v -> consumerKey.equals(v.getString("consumerKey"))).findFirst()
                .map(v -> new Consumer(a.get("_id").toString(), consumerKey, v.getString("consumerSecret"))));
    }

    /**
     * {@code $elemMatch} rather than the dotted path: mongo-java-server's index on {@code versions.clientId} keys
     * the whole array, so an equality on the dotted path alone can miss (real MongoDB handles both).
     */
    private static Query byClientIdQuery(String clientId) {
        return Query.query(Criteria.where("type").is("oauth2").and("versions")
                .elemMatch(Criteria.where("clientId").is(clientId)));
    }

    private static Optional<Document> version(Document app, String clientId) {
        return app.getList("versions", Document.class, List.of()).stream()
                .filter(v -> clientId.equals(v.getString("clientId"))).findFirst();
    }

    private Application wire(Document d) {
        List<Application.Version> versions = new ArrayList<>();
        for (Document v : d.getList("versions", Document.class, List.of())) {
            versions.add(new Application.Version(v.get("_id").toString(), v.getString("name"),
                    v.getString("clientId"), v.getString("consumerKey"), Iso.format(v.getDate("creationTimestamp"))));
        }
        boolean oauth2 = "oauth2".equals(d.getString("type"));
        return new Application(d.get("_id").toString(), d.getString("type"), d.getString("name"),
                d.getString("description"), oauth2 ? d.getString("logo") : null,
                oauth2 ? strings(d.get("redirectUris")) : null,
                oauth2 ? Boolean.TRUE.equals(d.getBoolean("confidential")) : null, versions,
                Iso.format(d.getDate("creationTimestamp")), Iso.format(d.getDate("updateTimestamp")));
    }

    private static List<String> redirectUris(List<String> uris) {
        if (uris == null) {
            return List.of();
        }
        if (uris.size() > MAX_REDIRECT_URIS) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION,
                    "At most " + MAX_REDIRECT_URIS + " redirectUris are allowed");
        }
        for (String uri : uris) {
            if (uri == null || uri.length() > MAX_URI || !absolute(uri)) {
                throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION,
                        "redirectUris must hold absolute URIs of at most " + MAX_URI + " characters");
            }
        }
        return List.copyOf(uris);
    }

    private static boolean absolute(String uri) {
        try {
            URI parsed = new URI(uri);
            return parsed.isAbsolute() && parsed.getFragment() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object value) {
        return value instanceof List<?> l ? List.copyOf((List<String>) l) : List.of();
    }

    private static String required(String field, String value) {
        if (value == null) {
            throw new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION, "Field '" + field + "' is required");
        }
        return blankCheck(field, value);
    }

    private static String blankCheck(String field, String value) {
        if (value.isBlank()) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "Field '" + field + "' must not be empty");
        }
        return value;
    }

    private static String limited(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION,
                    "Field '" + field + "' is longer than " + max + " characters");
        }
        return value;
    }

    private static ExhException unknown(ObjectId id) {
        return new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Unknown application " + id.toHexString());
    }

    private Date now() {
        return Date.from(clock.instant());
    }
}
