package dev.medbase.users.passwords;

import dev.medbase.users.credentials.CredentialsService;
import java.time.Clock;
import java.util.Map;

import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.events.EventPublisher;
import dev.medbase.platform.security.Caller;
import dev.medbase.users.accounts.StoredUser;
import dev.medbase.users.accounts.User;
import dev.medbase.users.accounts.UserService;
import dev.medbase.users.accounts.UserViews;
import dev.medbase.users.events.UserEvents;
import dev.medbase.users.web.Times;

/** Password change, confirmation, credential checks, and the one place a new password is stored. */
@Service
public class PasswordService {

    private final MongoTemplate mongo;
    private final PasswordEncoder encoder;
    private final PasswordPolicyService policy;
    private final CredentialsService logins;
    private final UserService users;
    private final UserViews views;
    private final EventPublisher events;
    private final Clock clock;

    public PasswordService(MongoTemplate mongo, PasswordEncoder encoder, PasswordPolicyService policy,
            CredentialsService logins, UserService users, UserViews views, EventPublisher events, Clock clock) {
        this.mongo = mongo;
        this.encoder = encoder;
        this.policy = policy;
        this.logins = logins;
        this.users = users;
        this.views = views;
        this.events = events;
        this.clock = clock;
    }

    /** {@code PUT /password}: 208 for a wrong old password or a new one the policy refuses. */
    public User change(Caller caller, String oldPassword, String newPassword) {
        caller.requireUser();
        StoredUser user = users.load(selfId(caller));
        user.requireNotOidcLinked();
        if (user.passwordHash() == null || !encoder.matches(oldPassword, user.passwordHash())) {
            throw new ExhException(ExhError.PASSWORD_EXCEPTION, "The old password is incorrect");
        }
        policy.check("new_password", newPassword);
        StoredUser updated = store(user.id(), newPassword);
        events.publish(UserEvents.PASSWORD_UPDATE_COMPLETED, user.hexId(), Map.of("user_id", user.hexId()));
        return views.full(updated);
    }

    /** {@code POST /confirm_password}: the caller's own password, with the login lockout. */
    public void confirm(Caller caller, String password) {
        caller.requireUser();
        StoredUser user = users.load(selfId(caller));
        logins.verify(user.email(), password);
    }

    /** {@code POST /authenticate}: checks credentials (with the lockout) and returns the user, issues no token. */
    public User authenticate(String email, String password) {
        String id = logins.verify(email, password);
        return views.full(users.load(new ObjectId(id)));
    }

    /**
     * Stores a new password hash and clears the failed-login counter. The caller has checked the policy.
     *
     * @return the updated user, or 16 when it is gone
     */
    public StoredUser store(ObjectId userId, String newPassword) {
        StoredUser updated = mongo.findAndModify(Query.query(Criteria.where("_id").is(userId)),
                new Update().set("password_hash", encoder.encode(newPassword)).set("failed_count", 0)
                        .unset("last_failed_timestamp").set("update_timestamp", Times.date(clock.instant())),
                FindAndModifyOptions.options().returnNew(true), StoredUser.class, StoredUser.COLLECTION);
        if (updated == null) {
            throw UserService.unknown(userId);
        }
        return updated;
    }

    private static ObjectId selfId(Caller caller) {
        if (!ObjectId.isValid(caller.userId())) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "The token's user is unknown");
        }
        return new ObjectId(caller.userId());
    }
}
