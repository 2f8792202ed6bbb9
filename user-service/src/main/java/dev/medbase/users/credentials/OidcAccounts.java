package dev.medbase.users.credentials;

import java.time.Clock;
import java.util.Map;

import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.events.EventPublisher;
import dev.medbase.users.accounts.StoredUser;
import dev.medbase.users.accounts.UserService;
import dev.medbase.users.events.UserEvents;
import dev.medbase.users.verification.VerificationKind;
import dev.medbase.users.verification.VerificationService;
import dev.medbase.users.web.Times;

/**
 * The user side of OpenID Connect linking (auth §5.6); auth-service keeps the provider links themselves. A linked
 * user has no password ({@code oidc_linked: true}); unlinking gives them a way back to one: a password-reset
 * request whose mail is the OIDC-unlink mail.
 */
@Service
class OidcAccounts {

    private final MongoTemplate mongo;
    private final UserService users;
    private final VerificationService verification;
    private final EventPublisher events;
    private final Clock clock;

    OidcAccounts(MongoTemplate mongo, UserService users, VerificationService verification, EventPublisher events,
            Clock clock) {
        this.mongo = mongo;
        this.users = users;
        this.verification = verification;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Removes the user's password and any open password-reset request (a pending reset hash would bring the
     * password back); 16 when unknown. Emits {@code user_oidc_linked}.
     */
    void link(ObjectId id) {
        StoredUser user = mongo.findAndModify(Query.query(Criteria.where("_id").is(id)),
                new Update().set("oidc_linked", true).unset("password_hash").set("failed_count", 0)
                        .unset("last_failed_timestamp").set("update_timestamp", Times.date(clock.instant())),
                FindAndModifyOptions.options().returnNew(true), StoredUser.class, StoredUser.COLLECTION);
        if (user == null) {
            users.load(id); // 16
        }
        verification.forgetUser(id, VerificationKind.FORGOT_PASSWORD);
        events.publish(UserEvents.USER_OIDC_LINKED, id.toHexString(), Map.of("user_id", id.toHexString()));
    }

    /**
     * Ends the link on the user's side and starts the password reset that mails the user (the OIDC-unlink
     * template): 16 unknown user, 27 when the user is not linked. Emits {@code user_oidc_unlinked}, then
     * {@code password_reset_requested} with {@code oidc_unlink: true}.
     */
    void unlink(ObjectId id) {
        StoredUser user = mongo.findAndModify(Query.query(Criteria.where("_id").is(id).and("oidc_linked").is(true)),
                new Update().set("oidc_linked", false).set("update_timestamp", Times.date(clock.instant())),
                FindAndModifyOptions.options().returnNew(true), StoredUser.class, StoredUser.COLLECTION);
        if (user == null) {
            users.load(id); // 16
            throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION, "The user is not linked to OpenID Connect");
        }
        events.publish(UserEvents.USER_OIDC_UNLINKED, id.toHexString(), Map.of("user_id", id.toHexString()));
        verification.requestOidcUnlinkReset(user);
    }
}
