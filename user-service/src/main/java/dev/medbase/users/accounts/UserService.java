package dev.medbase.users.accounts;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.events.EventPublisher;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;
import dev.medbase.platform.security.Caller;
import dev.medbase.users.events.UserEvents;
import dev.medbase.users.verification.VerificationKind;
import dev.medbase.users.verification.VerificationMode;
import dev.medbase.users.verification.VerificationService;
import dev.medbase.users.web.AffectedRecords;
import dev.medbase.users.web.Bulk;
import dev.medbase.users.web.Selection;
import dev.medbase.users.web.Times;

/** Reading, updating and deleting users (contract §6.2 rows 1–6, 18, 21–23). */
@Service
public class UserService {

    private final MongoTemplate mongo;
    private final UserViews views;
    private final Selection selection;
    private final VerificationService verification;
    private final EventPublisher events;
    private final Clock clock;

    public UserService(MongoTemplate mongo, UserViews views, Selection selection, VerificationService verification,
            EventPublisher events, Clock clock) {
        this.mongo = mongo;
        this.views = views;
        this.selection = selection;
        this.verification = verification;
        this.events = events;
        this.clock = clock;
    }

    /** The stored user, or 16. */
    public StoredUser load(ObjectId id) {
        StoredUser user = mongo.findById(id, StoredUser.class, StoredUser.COLLECTION);
        if (user == null) {
            throw unknown(id);
        }
        return user;
    }

    /** By e-mail address (already normalised to lower case), or null. */
    public StoredUser byEmail(String email) {
        return mongo.findOne(Query.query(Criteria.where("email").is(email)), StoredUser.class,
                StoredUser.COLLECTION);
    }

    public User me(Caller caller) {
        caller.requireUser();
        if (!ObjectId.isValid(caller.userId())) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "The token's user is unknown");
        }
        return views.full(load(new ObjectId(caller.userId())));
    }

    /**
     * Yourself or {@code VIEW_USER}: full; group relations: the patient or staff view. Anything else is 10, also for
     * ids that do not exist, so a caller without {@code VIEW_USER} cannot probe which users exist.
     */
    public User get(Caller caller, ObjectId id) {
        caller.requireUser();
        boolean privileged = UserAccess.isSelf(caller, id) || caller.hasPermission("VIEW_USER");
        StoredUser user = mongo.findById(id, StoredUser.class, StoredUser.COLLECTION);
        if (user == null) {
            throw privileged ? unknown(id) : noView();
        }
        List<User> rendered = views.render(List.of(user), u -> UserAccess.of(caller, u));
        if (rendered.isEmpty()) {
            throw noView();
        }
        return rendered.get(0);
    }

    public PageEnvelope<?> list(Caller caller, RqlQuery rql) {
        caller.requireUser();
        Criteria scope = UserAccess.listScope(caller);
        RqlTranslator translator = scope == null ? UserQueries.FULL : UserQueries.LIMITED;
        return page(caller, rql, translator, scope, u -> UserAccess.of(caller, u));
    }

    /** One page of users rendered per caller, with {@code select()} applied to the views. */
    public PageEnvelope<?> page(Caller caller, RqlQuery rql, RqlTranslator translator, Criteria scope,
            Function<StoredUser, UserAccess> access) {
        RqlQuery query = Selection.withoutSelect(rql, translator);
        PageEnvelope<StoredUser> stored = RqlPaging.find(mongo, translator.toQuery(query, scope), query,
                StoredUser.class, StoredUser.COLLECTION, Function.identity());
        List<User> users = views.render(stored.data(), access);
        return selection.apply(new PageEnvelope<>(stored.page(), users), rql);
    }

    public record Changes(String firstName, String lastName, String phoneNumber, String language, String timeZone) {
    }

    public User update(Caller caller, ObjectId id, Changes changes) {
        requireSelfOr(caller, id, "UPDATE_USER");
        Update update = new Update().set("update_timestamp", Times.date(clock.instant()));
        setIfPresent(update, "first_name", changes.firstName());
        setIfPresent(update, "last_name", changes.lastName());
        setIfPresent(update, "phone_number", changes.phoneNumber());
        setIfPresent(update, "language", changes.language());
        setIfPresent(update, "time_zone", changes.timeZone());
        boolean changed = changes.firstName() != null || changes.lastName() != null || changes.phoneNumber() != null
                || changes.language() != null || changes.timeZone() != null;
        if (!changed) {
            return views.full(load(id));
        }
        StoredUser user = modify(id, update);
        events.publish(UserEvents.USER_UPDATED, id.toHexString(), Map.of("id", id.toHexString()));
        return views.full(user);
    }

    public AffectedRecords delete(Caller caller, ObjectId id) {
        requireSelfOr(caller, id, "DELETE_USER");
        if (mongo.remove(Query.query(Criteria.where("_id").is(id)), StoredUser.COLLECTION).getDeletedCount() == 0) {
            throw unknown(id);
        }
        deleted(id);
        return AffectedRecords.of(1);
    }

    /** {@code DELETE /users/v1/?…}: the users the RQL selects ({@code DELETE_USER}), else only yourself. */
    public AffectedRecords deleteMany(Caller caller, RqlQuery rql) {
        caller.requireUser();
        Criteria scope = caller.hasPermission("DELETE_USER") ? null
                : Criteria.where("_id").is(ObjectId.isValid(caller.userId()) ? new ObjectId(caller.userId()) : null);
        Query query = Bulk.query(UserQueries.FULL, rql, scope);
        query.fields().include("_id");
        List<ObjectId> ids = mongo.find(query, Document.class, StoredUser.COLLECTION).stream()
                .map(d -> d.getObjectId("_id")).toList();
        long removed = 0;
        for (ObjectId id : ids) {
            if (mongo.remove(Query.query(Criteria.where("_id").is(id)), StoredUser.COLLECTION)
                    .getDeletedCount() == 1) {
                deleted(id);
                removed++;
            }
        }
        return AffectedRecords.of(removed);
    }

    private void deleted(ObjectId id) {
        verification.forgetUser(id);
        events.publish(UserEvents.USER_DELETED, id.toHexString(), Map.of("id", id.toHexString()));
    }

    /**
     * Changes the address, deactivates the account and starts a reactivation (hash or PIN), as the SDK's
     * {@code users.updateEmail}. Open password resets are dropped: they were sent to the old address.
     */
    public User updateEmail(Caller caller, ObjectId id, String email, VerificationMode mode) {
        requireSelfOr(caller, id, "UPDATE_USER_EMAIL");
        if (mode == VerificationMode.PIN_CODE) {
            verification.requirePinCodesEnabled(VerificationKind.ACTIVATION);
        }
        StoredUser current = load(id);
        if (email.equals(current.email())) {
            return views.full(current);
        }
        StoredUser user;
        try {
            user = modify(id, new Update().set("email", email).set("activation", false)
                    .set("update_timestamp", Times.date(clock.instant())));
        } catch (DuplicateKeyException e) {
            throw new ExhException(ExhError.EMAIL_USED_EXCEPTION);
        }
        verification.forgetUser(id);
        events.publish(UserEvents.USER_EMAIL_UPDATED, id.toHexString(),
                Map.of("id", id.toHexString(), "email", email));
        if (verification.templateAvailable(VerificationKind.ACTIVATION, mode, true)) {
            verification.request(VerificationKind.ACTIVATION, user, mode, true);
        }
        return views.full(user);
    }

    public User setProfileImage(Caller caller, ObjectId id, String hash) {
        requireSelfOr(caller, id, "UPDATE_PROFILE_IMAGE");
        Update update = new Update().set("update_timestamp", Times.date(clock.instant()));
        if (hash == null) {
            update.unset("profile_image");
        } else {
            update.set("profile_image", hash);
        }
        StoredUser user = modify(id, update);
        events.publish(UserEvents.USER_UPDATED, id.toHexString(), Map.of("id", id.toHexString()));
        return views.full(user);
    }

    public AffectedRecords resetFailedLoginAttempts(Caller caller, ObjectId id) {
        caller.requirePermission("RESET_FAILED_LOGIN_ATTEMPTS");
        long matched = mongo.updateFirst(Query.query(Criteria.where("_id").is(id)),
                new Update().set("failed_count", 0).unset("last_failed_timestamp"), StoredUser.COLLECTION)
                .getMatchedCount();
        if (matched == 0) {
            throw unknown(id);
        }
        events.publish(UserEvents.FAILED_LOGIN_ATTEMPTS_RESET, id.toHexString(),
                Map.of("user_id", id.toHexString()));
        return AffectedRecords.of(1);
    }

    private StoredUser modify(ObjectId id, Update update) {
        StoredUser user = mongo.findAndModify(Query.query(Criteria.where("_id").is(id)), update,
                FindAndModifyOptions.options().returnNew(true), StoredUser.class, StoredUser.COLLECTION);
        if (user == null) {
            throw unknown(id);
        }
        return user;
    }

    /** 104 anonymous; yourself always; anyone else needs the global permission (10). */
    static void requireSelfOr(Caller caller, ObjectId id, String permission) {
        caller.requireUser();
        if (!UserAccess.isSelf(caller, id)) {
            caller.requirePermission(permission);
        }
    }

    private static void setIfPresent(Update update, String field, Object value) {
        if (value != null) {
            update.set(field, value);
        }
    }

    public static ExhException unknown(ObjectId id) {
        return new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Unknown user " + id.toHexString());
    }

    private static ExhException noView() {
        return new ExhException(ExhError.NO_PERMISSION_EXCEPTION, "You may not view this user");
    }
}
