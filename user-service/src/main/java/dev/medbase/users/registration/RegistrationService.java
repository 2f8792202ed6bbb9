package dev.medbase.users.registration;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.events.EventPublisher;
import dev.medbase.users.accounts.StoredUser;
import dev.medbase.users.accounts.User;
import dev.medbase.users.accounts.UserService;
import dev.medbase.users.accounts.UserViews;
import dev.medbase.users.events.UserEvents;
import dev.medbase.users.passwords.PasswordPolicyService;
import dev.medbase.users.verification.VerificationKind;
import dev.medbase.users.verification.VerificationMode;
import dev.medbase.users.verification.VerificationService;
import dev.medbase.users.web.Times;

/** Self-registration (anonymous) and e-mail availability (contract §6.2 rows 9 and 10). */
@Service
public class RegistrationService {

    /** A validated registration. {@code activationMode} null means manual activation (no mail). */
    public record Registration(String firstName, String lastName, String email, String password, String phoneNumber,
            String language, String timeZone, String birthday, Integer gender, String country, String region,
            VerificationMode activationMode) {
    }

    private final MongoTemplate mongo;
    private final PasswordEncoder encoder;
    private final PasswordPolicyService policy;
    private final VerificationService verification;
    private final UserService users;
    private final UserViews views;
    private final EventPublisher events;
    private final Clock clock;

    public RegistrationService(MongoTemplate mongo, PasswordEncoder encoder, PasswordPolicyService policy,
            VerificationService verification, UserService users, UserViews views, EventPublisher events,
            Clock clock) {
        this.mongo = mongo;
        this.encoder = encoder;
        this.policy = policy;
        this.verification = verification;
        this.users = users;
        this.views = views;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Creates an inactive user (203 when the address is taken, 208 when the policy refuses the password, 218 for PIN
     * mode while PIN codes are off), emits {@code user_created} and, unless activation is manual, starts the
     * activation (which emits {@code activation_requested} with the hash or PIN code for the mail).
     */
    public User register(Registration r) {
        if (r.activationMode() == VerificationMode.PIN_CODE) {
            verification.requirePinCodesEnabled(VerificationKind.ACTIVATION);
        }
        policy.check("password", r.password());
        Instant now = clock.instant();
        ObjectId id = new ObjectId();
        Document user = new Document("_id", id)
                .append("first_name", r.firstName())
                .append("last_name", r.lastName())
                .append("email", r.email())
                .append("activation", false)
                .append("phone_number", r.phoneNumber())
                .append("language", r.language())
                .append("time_zone", r.timeZone() == null ? "UTC" : r.timeZone())
                .append("roles", List.of())
                .append("password_hash", encoder.encode(r.password()))
                .append("failed_count", 0)
                .append("staff_enlistments", List.of())
                .append("patient_enlistments", List.of())
                .append("creation_timestamp", Times.date(now))
                .append("update_timestamp", Times.date(now));
        putIfPresent(user, "birthday", r.birthday());
        putIfPresent(user, "gender", r.gender());
        putIfPresent(user, "country", r.country());
        putIfPresent(user, "region", r.region());
        try {
            mongo.insert(user, StoredUser.COLLECTION);
        } catch (DuplicateKeyException e) {
            throw new ExhException(ExhError.EMAIL_USED_EXCEPTION);
        }
        events.publish(UserEvents.USER_CREATED, id.toHexString(), Map.of("id", id.toHexString()));
        StoredUser stored = users.load(id);
        if (r.activationMode() != null
                && verification.templateAvailable(VerificationKind.ACTIVATION, r.activationMode(), false)) {
            verification.request(VerificationKind.ACTIVATION, stored, r.activationMode(), false);
        }
        return views.full(stored);
    }

    public boolean emailAvailable(String email) {
        return users.byEmail(email) == null;
    }

    private static void putIfPresent(Document doc, String key, Object value) {
        if (value != null) {
            doc.append(key, value);
        }
    }
}
