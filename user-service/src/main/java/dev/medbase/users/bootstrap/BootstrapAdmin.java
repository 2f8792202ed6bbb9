package dev.medbase.users.bootstrap;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;

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
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

import dev.medbase.platform.events.EventPublisher;
import dev.medbase.users.permissions.Permission;

/**
 * First start on an empty database: creates the {@code admin} role holding every permission of {@link Permission}
 * and an activated admin user with that role, from {@code MEDBASE_ADMIN_EMAIL} / {@code MEDBASE_ADMIN_PASSWORD}, and
 * announces the user with a {@code user_created} event. Later starts only add permissions that a newer version
 * defines to the admin role; they never touch the user or its password.
 *
 * <p>Stored shapes (snake_case like the users wire format, so RQL field names map one to one):
 * <pre>
 * roles: { _id: ObjectId, name: "admin", description, permissions: ["VIEW_USER", …],
 *          creation_timestamp: Date, update_timestamp: Date }                       (name unique)
 * users: { _id: ObjectId, first_name, last_name, email (lower case, unique), activation: true, language: "EN",
 *          time_zone, roles: [role ObjectId], password_hash: "{bcrypt}…", failed_count: 0,
 *          staff_enlistments: [], patient_enlistments: [], creation_timestamp: Date, update_timestamp: Date }
 * </pre>
 */
@Component
public class BootstrapAdmin implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BootstrapAdmin.class);
    static final String ROLES = "roles";
    static final String USERS = "users";
    static final String ADMIN_ROLE = "admin";

    /** {@code medbase.bootstrap.*}, bound from MEDBASE_ADMIN_EMAIL and MEDBASE_ADMIN_PASSWORD by the devstack. */
    @ConfigurationProperties("medbase.bootstrap")
    public record Settings(String adminEmail, String adminPassword) {}

    private final MongoTemplate mongo;
    private final PasswordEncoder encoder;
    private final Settings settings;
    private final Clock clock;
    private final EventPublisher events;

    public BootstrapAdmin(MongoTemplate mongo, PasswordEncoder encoder, Settings settings, Clock clock,
            EventPublisher events) {
        this.mongo = mongo;
        this.encoder = encoder;
        this.settings = settings;
        this.clock = clock;
        this.events = events;
    }

    @Override
    public void run(ApplicationArguments args) {
        mongo.indexOps(USERS).createIndex(new Index("email", Sort.Direction.ASC).unique());
        mongo.indexOps(ROLES).createIndex(new Index("name", Sort.Direction.ASC).unique());
        if (settings.adminEmail() == null || settings.adminEmail().isBlank()) {
            return;
        }
        ObjectId roleId = adminRole();
        String email = settings.adminEmail().trim().toLowerCase(Locale.ROOT);
        if (mongo.exists(Query.query(Criteria.where("email").is(email)), USERS)) {
            return;
        }
        if (settings.adminPassword() == null || settings.adminPassword().isBlank()) {
            throw new IllegalStateException("medbase.bootstrap.admin-password (MEDBASE_ADMIN_PASSWORD) is required");
        }
        Date now = now();
        ObjectId userId = new ObjectId();
        Document user = new Document("_id", userId)
                .append("first_name", "Medbase")
                .append("last_name", "Admin")
                .append("email", email)
                .append("activation", true)
                .append("language", "EN")
                .append("time_zone", "UTC")
                .append("roles", List.of(roleId))
                .append("password_hash", encoder.encode(settings.adminPassword()))
                .append("failed_count", 0)
                .append("staff_enlistments", List.of())
                .append("patient_enlistments", List.of())
                .append("creation_timestamp", now)
                .append("update_timestamp", now);
        try {
            mongo.insert(user, USERS);
            events.publish("user_created", userId.toHexString(), java.util.Map.of("id", userId.toHexString()));
            log.info("Created the bootstrap admin user {}", email);
        } catch (DuplicateKeyException e) {
            // another replica created it at the same moment
        }
    }

    /** The admin role, created if missing and brought up to every permission this version defines. */
    private ObjectId adminRole() {
        Query admin = Query.query(Criteria.where("name").is(ADMIN_ROLE));
        Update update = new Update()
                .setOnInsert("description", "Every permission the platform defines")
                .setOnInsert("creation_timestamp", now())
                .addToSet("permissions").each(Permission.names().toArray())
                .set("update_timestamp", now());
        mongo.upsert(admin, update, ROLES);
        Document role = mongo.findOne(admin, Document.class, ROLES);
        return role.getObjectId("_id");
    }

    private Date now() {
        return Date.from(Instant.now(clock));
    }
}
