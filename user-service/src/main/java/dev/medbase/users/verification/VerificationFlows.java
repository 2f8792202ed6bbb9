package dev.medbase.users.verification;

import java.time.Clock;
import java.util.Map;

import org.bson.types.ObjectId;
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
import dev.medbase.users.passwords.PasswordPolicyService;
import dev.medbase.users.passwords.PasswordService;
import dev.medbase.users.web.Times;

/** Account activation and password reset by e-mail (contract §6.2 rows 12–15), in hash and PIN-code mode. */
@Service
public class VerificationFlows {

    /** The secret a user proves: a hash, or an e-mail address with a PIN code. */
    public record Proof(String hash, String email, String pinCode) {
        VerificationMode mode() {
            return hash != null ? VerificationMode.HASH : VerificationMode.PIN_CODE;
        }
    }

    private final VerificationService verification;
    private final UserService users;
    private final PasswordService passwords;
    private final PasswordPolicyService policy;
    private final MongoTemplate mongo;
    private final EventPublisher events;
    private final Clock clock;

    public VerificationFlows(VerificationService verification, UserService users, PasswordService passwords,
            PasswordPolicyService policy, MongoTemplate mongo, EventPublisher events, Clock clock) {
        this.verification = verification;
        this.users = users;
        this.passwords = passwords;
        this.policy = policy;
        this.mongo = mongo;
        this.events = events;
        this.clock = clock;
    }

    /** {@code GET /activation?email=…[&mode=pin_code]}: 218, 27, 202, 206, 223, 222. */
    public void requestActivation(String email, VerificationMode mode) {
        if (mode == VerificationMode.PIN_CODE) {
            verification.requirePinCodesEnabled(VerificationKind.ACTIVATION);
        }
        StoredUser user = existing(email);
        if (user.isActivated()) {
            throw new ExhException(ExhError.ALREADY_ACTIVATED_EXCEPTION);
        }
        boolean reactivation = isReactivation(user);
        verification.requireTemplate(VerificationKind.ACTIVATION, mode, reactivation);
        verification.request(VerificationKind.ACTIVATION, user, mode, reactivation);
    }

    /** {@code POST /activation}: 205 unknown or expired, 224 wrong PIN, 213 PIN attempts used up. */
    public void completeActivation(Proof proof) {
        StoredVerificationRequest request = find(VerificationKind.ACTIVATION, proof);
        if (!verification.consume(VerificationKind.ACTIVATION, request)) {
            throw verification.unknown(VerificationKind.ACTIVATION, proof.mode());
        }
        long matched = mongo.updateFirst(Query.query(Criteria.where("_id").is(request.userId())),
                new Update().set("activation", true).set("update_timestamp", Times.date(clock.instant())),
                StoredUser.COLLECTION).getMatchedCount();
        if (matched == 0) {
            throw verification.unknown(VerificationKind.ACTIVATION, proof.mode());
        }
        String userId = request.userId().toHexString();
        events.publish(UserEvents.USER_ACTIVATION_COMPLETED, userId, Map.of("user_id", userId));
    }

    /** {@code GET /forgot_password?email=…[&mode=pin_code]}: 218, 27, 202, 215, 204, 221, 220. */
    public void requestPasswordReset(String email, VerificationMode mode) {
        if (mode == VerificationMode.PIN_CODE) {
            verification.requirePinCodesEnabled(VerificationKind.FORGOT_PASSWORD);
        }
        verification.requireTemplate(VerificationKind.FORGOT_PASSWORD, mode, false);
        StoredUser user = existing(email);
        user.requireNotOidcLinked();
        if (!user.isActivated()) {
            throw new ExhException(ExhError.NOT_ACTIVATED_EXCEPTION);
        }
        verification.request(VerificationKind.FORGOT_PASSWORD, user, mode, false);
    }

    /**
     * {@code POST /forgot_password}: 207 / 219 unknown or expired, 224, 213, 204 not activated, 215 OIDC user, 208
     * policy. The new password is checked before the request is used up, so a refused password does not cost the
     * hash. A link removes open requests, but one made while the link was under way can outlive it: hence 215.
     */
    public void completePasswordReset(Proof proof, String newPassword) {
        StoredVerificationRequest request = find(VerificationKind.FORGOT_PASSWORD, proof);
        StoredUser user = mongo.findById(request.userId(), StoredUser.class, StoredUser.COLLECTION);
        if (user == null) {
            throw verification.unknown(VerificationKind.FORGOT_PASSWORD, proof.mode());
        }
        if (!user.isActivated()) {
            throw new ExhException(ExhError.NOT_ACTIVATED_EXCEPTION);
        }
        user.requireNotOidcLinked();
        policy.check("new_password", newPassword);
        if (!verification.consume(VerificationKind.FORGOT_PASSWORD, request)) {
            throw verification.unknown(VerificationKind.FORGOT_PASSWORD, proof.mode());
        }
        passwords.store(user.id(), newPassword);
        events.publish(UserEvents.PASSWORD_RESET_COMPLETED, user.hexId(), Map.of("user_id", user.hexId()));
    }

    private StoredVerificationRequest find(VerificationKind kind, Proof proof) {
        if (proof.hash() != null) {
            return verification.findByHash(kind, proof.hash());
        }
        StoredUser user = users.byEmail(proof.email());
        ObjectId userId = user == null ? null : user.id();
        return verification.checkPin(kind, userId, proof.pinCode());
    }

    private StoredUser existing(String email) {
        StoredUser user = users.byEmail(email);
        if (user == null) {
            throw new ExhException(ExhError.EMAIL_UNKNOWN_EXCEPTION);
        }
        return user;
    }

    private boolean isReactivation(StoredUser user) {
        StoredVerificationRequest open = mongo.findOne(Query.query(Criteria.where("user_id").is(user.id())),
                StoredVerificationRequest.class, VerificationKind.ACTIVATION.collection);
        return open != null && Boolean.TRUE.equals(open.reactivation());
    }
}
