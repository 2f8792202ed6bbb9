package dev.medbase.auth.applications;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Creates the bootstrap OAuth2 application on first start: a confidential application whose only version carries
 * {@code MEDBASE_CLIENT_ID} / {@code MEDBASE_CLIENT_SECRET}. Nothing happens once a version with that client id
 * exists, so a changed secret in the environment does not silently replace a stored one.
 *
 * <p>Stored shape, collection {@code applications} (the applications API of the auth issue reads and extends it):
 * <pre>
 * { _id: ObjectId, type: "oauth2", name, description, redirectUris: [], confidential: true,
 *   versions: [ { _id: ObjectId, name, clientId, clientSecretHash: "{bcrypt}…", creationTimestamp: Date } ],
 *   creationTimestamp: Date, updateTimestamp: Date }
 * </pre>
 * {@code versions.clientId} is unique; the secret is only ever stored as a hash.
 */
@Component
public class BootstrapApplication implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BootstrapApplication.class);
    static final String COLLECTION = "applications";

    /** {@code medbase.bootstrap.*}, bound from MEDBASE_CLIENT_ID and MEDBASE_CLIENT_SECRET by the devstack. */
    @ConfigurationProperties("medbase.bootstrap")
    public record Settings(String clientId, String clientSecret) {}

    private final MongoTemplate mongo;
    private final PasswordEncoder encoder;
    private final Settings settings;
    private final Clock clock;

    public BootstrapApplication(MongoTemplate mongo, PasswordEncoder encoder, Settings settings, Clock clock) {
        this.mongo = mongo;
        this.encoder = encoder;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void run(ApplicationArguments args) {
        mongo.indexOps(COLLECTION).createIndex(new Index("versions.clientId", Sort.Direction.ASC).unique().sparse());
        if (settings.clientId() == null || settings.clientId().isBlank()) {
            return;
        }
        // $elemMatch: mongo-java-server's index on versions.clientId keys the whole array, so a dotted-path equality
        // alone can miss and the insert below would only be saved by the unique index
        if (mongo.exists(Query.query(Criteria.where("versions").elemMatch(Criteria.where("clientId")
                .is(settings.clientId()))), COLLECTION)) {
            return;
        }
        if (settings.clientSecret() == null || settings.clientSecret().isBlank()) {
            throw new IllegalStateException("medbase.bootstrap.client-secret (MEDBASE_CLIENT_SECRET) is required");
        }
        Date now = Date.from(Instant.now(clock));
        Document version = new Document("_id", new ObjectId())
                .append("name", "bootstrap")
                .append("clientId", settings.clientId())
                .append("clientSecretHash", encoder.encode(settings.clientSecret()))
                .append("creationTimestamp", now);
        Document application = new Document("_id", new ObjectId())
                .append("type", "oauth2")
                .append("name", "Medbase bootstrap client")
                .append("description", "Confidential client created on first start from MEDBASE_CLIENT_ID")
                .append("redirectUris", List.of())
                .append("confidential", true)
                .append("versions", List.of(version))
                .append("creationTimestamp", now)
                .append("updateTimestamp", now);
        try {
            mongo.insert(application, COLLECTION);
            log.info("Created the bootstrap OAuth2 application for client id {}", settings.clientId());
        } catch (DuplicateKeyException e) {
            // another replica created it at the same moment
        }
    }
}
