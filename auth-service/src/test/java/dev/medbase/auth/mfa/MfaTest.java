package dev.medbase.auth.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import dev.medbase.auth.AuthIntegrationTest;
import tools.jackson.databind.JsonNode;

/** MFA over HTTP: presence tokens, TOTP and recovery-code methods, enable/disable, the mfa_required → mfa grant. */
class MfaTest extends AuthIntegrationTest {

    private String presence(String access, String password) throws Exception {
        Response r = postJson("/auth/v2/confirmPresence", Map.of("password", password), "Authorization",
                bearer(access));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body().get("token").asString()).matches("[0-9a-f]{40}");
        return r.body().get("token").asString();
    }

    private Response passwordGrant(String email, String password) throws Exception {
        return token(map("grant_type", "password", "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET,
                "username", email, "password", password));
    }

    private Response mfaGrant(String token, String methodId, String code) throws Exception {
        return token(map("grant_type", "mfa", "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET, "token", token,
                "method_id", methodId, "code", code));
    }

    @Test
    void totpAndRecoveryCodesThroughTheMfaGrant() throws Exception {
        String email = "mfa-" + new ObjectId() + "@example.com";
        ObjectId user = createUser(email, "Mfa-pass-1");
        String base = "/auth/v2/mfa/users/" + user.toHexString();
        String access = login(email, "Mfa-pass-1").body().get("access_token").asString();

        Response settings = send("GET", base, null, null, "Authorization", bearer(access));
        assertThat(settings.status()).as(settings.toString()).isEqualTo(200);
        assertThat(settings.body().get("id").asString()).isEqualTo(user.toHexString());
        assertThat(settings.body().get("enabled").asBoolean()).isFalse();
        assertThat(settings.body().get("methods").size()).isZero();

        String presence = presence(access, "Mfa-pass-1");
        // enabling without a verified method
        assertExhError(postJson(base + "/enable", Map.of("presenceToken", presence), "Authorization", bearer(access)),
                400, 133, "NOT_ENOUGH_MFA_METHODS_EXCEPTION");

        Response totp = postJson(base + "/methods", Map.of("presenceToken", presence, "type", "totp", "name", "phone"),
                "Authorization", bearer(access));
        assertThat(totp.status()).as(totp.toString()).isEqualTo(200);
        String totpId = totp.body().get("id").asString();
        String secret = totp.body().get("secret").asString();
        assertThat(secret).matches("[A-Z2-7]{32}");
        assertThat(totp.body().get("uri").asString()).startsWith("otpauth://totp/").contains("secret=" + secret);
        assertThat(totp.body().get("verified").asBoolean()).isFalse();
        assertThat(totp.body().get("type").asString()).isEqualTo("totp");

        String wrong = Totp.code(secret, CLOCK.instant().plus(Duration.ofMinutes(10)));
        assertExhError(postJson(base + "/methods/" + totpId + "/verification/confirm",
                Map.of("presenceToken", presence, "code", wrong), "Authorization", bearer(access)),
                400, 130, "INVALID_MFA_CODE_EXCEPTION");
        Response confirmed = postJson(base + "/methods/" + totpId + "/verification/confirm",
                Map.of("presenceToken", presence, "code", Totp.code(secret, CLOCK.instant())),
                "Authorization", bearer(access));
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
        assertThat(confirmed.body().get("description").isString()).isTrue();

        Response recovery = postJson(base + "/methods", Map.of("presenceToken", presence, "type", "recoveryCodes"),
                "Authorization", bearer(access));
        assertThat(recovery.status()).as(recovery.toString()).isEqualTo(200);
        String recoveryId = recovery.body().get("id").asString();
        assertThat(recovery.body().get("codes").size()).isEqualTo(10);
        String code0 = recovery.body().get("codes").get(0).asString();
        assertThat(code0).matches("[A-Z2-7]{8}");
        // stored hashed: no plaintext recovery code in the database
        Document stored = mongo.findOne(Query.query(Criteria.where("_id").is(user)), Document.class,
                "mfa_settings");
        assertThat(stored.toJson()).doesNotContain(code0);

        Response enabled = postJson(base + "/enable", Map.of("presenceToken", presence), "Authorization",
                bearer(access));
        assertThat(enabled.raw()).isEqualTo("{\"affectedRecords\":1}");
        settings = send("GET", base, null, null, "Authorization", bearer(access));
        assertThat(settings.body().get("enabled").asBoolean()).isTrue();
        assertThat(settings.body().get("methods").get(0).has("secret")).isFalse();

        // password grant → mfa_required with the mfa object, no top-level code
        Response required = passwordGrant(email, "Mfa-pass-1");
        assertOAuthError(required, 400, "mfa_required", 129, "MFA_REQUIRED_EXCEPTION");
        JsonNode mfa = required.body().get("mfa");
        assertThat(mfa.get("token").asString()).matches("[0-9a-f]{40}");
        assertThat(mfa.get("tokenExpiresIn").asLong()).isEqualTo(900000);
        assertThat(mfa.get("methods").size()).isEqualTo(2);
        assertThat(mfa.get("methods").get(0).get("id").asString()).isEqualTo(totpId);
        assertThat(mfa.get("methods").get(0).get("type").asString()).isEqualTo("totp");
        assertThat(mfa.get("methods").get(0).get("tags").get(0).asString()).isEqualTo("selected");
        assertThat(mfa.get("methods").get(1).get("type").asString()).isEqualTo("recoveryCodes");
        String mfaToken = mfa.get("token").asString();

        // wrong code 130, then the exponential delay 134 with remainingDelay
        CLOCK.advance(Duration.ofSeconds(30));
        assertOAuthError(mfaGrant(mfaToken, totpId, wrong), 400, "invalid_grant", 130, "INVALID_MFA_CODE_EXCEPTION");
        Response delayed = mfaGrant(mfaToken, totpId, Totp.code(secret, CLOCK.instant()));
        assertOAuthError(delayed, 400, "invalid_grant", 134, "MFA_REATTEMPT_DELAY_EXCEPTION");
        assertThat(delayed.body().get("remainingDelay").asLong()).isEqualTo(1000);
        CLOCK.advance(Duration.ofSeconds(1));
        assertOAuthError(mfaGrant(mfaToken, totpId, wrong), 400, "invalid_grant", 130, "INVALID_MFA_CODE_EXCEPTION");
        delayed = mfaGrant(mfaToken, totpId, Totp.code(secret, CLOCK.instant()));
        assertThat(delayed.body().get("remainingDelay").asLong()).isEqualTo(2000);
        assertThat(delayed.body().get("exh_error").get("code").asInt()).isEqualTo(134);
        CLOCK.advance(Duration.ofSeconds(2));

        // MFA failures do not touch the password path: the password still answers mfa_required
        assertThat(passwordGrant(email, "Mfa-pass-1").body().get("error").asString()).isEqualTo("mfa_required");
        // an unknown token, a method of nobody
        assertOAuthError(mfaGrant("0".repeat(40), totpId, "123456"), 400, "invalid_grant", 131,
                "INVALID_MFA_TOKEN_EXCEPTION");
        assertOAuthError(token(map("grant_type", "mfa", "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET,
                "token", mfaToken, "code", "123456")), 400, "invalid_request", 14,
                "MISSING_REQUIRED_FIELDS_EXCEPTION");

        String good = Totp.code(secret, CLOCK.instant());
        Response ok = mfaGrant(mfaToken, totpId, good);
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.body().get("user_id").asString()).isEqualTo(user.toHexString());
        assertThat(ok.body().has("access_token")).isTrue();
        // the MFA token is single use
        assertOAuthError(mfaGrant(mfaToken, totpId, good), 400, "invalid_grant", 131, "INVALID_MFA_TOKEN_EXCEPTION");
        // the same TOTP code is refused with a fresh token (reuse within its step)
        String second = passwordGrant(email, "Mfa-pass-1").body().get("mfa").get("token").asString();
        assertOAuthError(mfaGrant(second, totpId, good), 400, "invalid_grant", 130, "INVALID_MFA_CODE_EXCEPTION");
        CLOCK.advance(Duration.ofSeconds(1));

        // a recovery code works once
        Response byRecovery = mfaGrant(second, recoveryId, code0.toLowerCase());
        assertThat(byRecovery.status()).as(byRecovery.toString()).isEqualTo(200);
        String third = passwordGrant(email, "Mfa-pass-1").body().get("mfa").get("token").asString();
        assertOAuthError(mfaGrant(third, recoveryId, code0), 400, "invalid_grant", 130,
                "INVALID_MFA_CODE_EXCEPTION");
        CLOCK.advance(Duration.ofSeconds(1));
        String code1 = recovery.body().get("codes").get(1).asString();
        assertThat(mfaGrant(third, recoveryId, code1).status()).isEqualTo(200);

        // a token issued to one application is not accepted by another
        String[] other = createClient(true, List.of("https://example.com/cb"));
        String fourth = passwordGrant(email, "Mfa-pass-1").body().get("mfa").get("token").asString();
        assertOAuthError(token(map("grant_type", "mfa", "client_id", other[1], "client_secret", other[2], "token",
                fourth, "method_id", recoveryId, "code", recovery.body().get("codes").get(2).asString())), 400,
                "invalid_grant", 131, "INVALID_MFA_TOKEN_EXCEPTION");

        // removing the last verified methods of an enabled setting is refused; disabling works
        String presence2 = presence(access, "Mfa-pass-1");
        assertThat(postJson(base + "/methods/" + totpId + "/remove", Map.of("presenceToken", presence2),
                "Authorization", bearer(access)).raw()).isEqualTo("{\"affectedRecords\":1}");
        assertExhError(postJson(base + "/methods/" + recoveryId + "/remove", Map.of("presenceToken", presence2),
                "Authorization", bearer(access)), 400, 133, "NOT_ENOUGH_MFA_METHODS_EXCEPTION");
        assertThat(postJson(base + "/disable", Map.of("presenceToken", presence2), "Authorization", bearer(access))
                .raw()).isEqualTo("{\"affectedRecords\":1}");
        assertThat(passwordGrant(email, "Mfa-pass-1").status()).isEqualTo(200);
    }

    /** An MFA user with a verified TOTP method, enabled; returns {userId, totpId, secret}. */
    private String[] mfaUser(String email, String password) throws Exception {
        ObjectId user = createUser(email, password);
        String base = "/auth/v2/mfa/users/" + user.toHexString();
        String access = login(email, password).body().get("access_token").asString();
        String presence = presence(access, password);
        JsonNode totp = postJson(base + "/methods", Map.of("presenceToken", presence, "type", "totp"),
                "Authorization", bearer(access)).body();
        String secret = totp.get("secret").asString();
        postJson(base + "/methods/" + totp.get("id").asString() + "/verification/confirm", Map.of("presenceToken",
                presence, "code", Totp.code(secret, CLOCK.instant().minus(Totp.STEP))), "Authorization",
                bearer(access));
        assertThat(postJson(base + "/enable", Map.of("presenceToken", presence), "Authorization", bearer(access))
                .status()).isEqualTo(200);
        return new String[] {user.toHexString(), totp.get("id").asString(), secret};
    }

    @Test
    void mfaErrorsRevealNothingAndAreCountedApartFromPasswordFailures() throws Exception {
        String email = "mfa-enum-" + new ObjectId() + "@example.com";
        String[] mfa = mfaUser(email, "Mfa-pass-1");

        // a wrong password for an MFA user is the plain 106 of any wrong password or unknown address: MFA is only
        // revealed to whoever knows the password
        Response wrongPassword = passwordGrant(email, "Wrong-pass-1");
        Response unknownEmail = passwordGrant("nobody-" + new ObjectId() + "@example.com", "Wrong-pass-1");
        assertOAuthError(wrongPassword, 400, "invalid_grant", 106, "AUTHENTICATION_EXCEPTION");
        assertThat(wrongPassword.raw()).isEqualTo(unknownEmail.raw());
        assertThat(wrongPassword.body().has("mfa")).isFalse();
        CLOCK.advance(Duration.ofSeconds(2));

        // a password failure does not block the MFA step of a login already past the password (and the other way
        // round below): an attacker cannot lock the user out through either path alone
        String mfaToken = passwordGrant(email, "Mfa-pass-1").body().get("mfa").get("token").asString();
        assertOAuthError(passwordGrant(email, "Wrong-pass-1"), 400, "invalid_grant", 106,
                "AUTHENTICATION_EXCEPTION");

        // a method that is not the user's and a wrong code are the same 130, word for word
        Response foreignMethod = mfaGrant(mfaToken, new ObjectId().toHexString(), Totp.code(mfa[2], CLOCK.instant()));
        CLOCK.advance(Duration.ofSeconds(1));
        Response wrongCode = mfaGrant(mfaToken, mfa[1], "000000".equals(Totp.code(mfa[2], CLOCK.instant()))
                ? "111111" : "000000");
        assertOAuthError(foreignMethod, 400, "invalid_grant", 130, "INVALID_MFA_CODE_EXCEPTION");
        assertThat(foreignMethod.raw()).isEqualTo(wrongCode.raw());
        // an unknown MFA token and one spent or issued to another application: the same 131
        Response unknownToken = mfaGrant("0".repeat(40), mfa[1], "123456");
        String[] other = createClient(true, List.of("https://example.com/cb"));
        Response otherApp = token(map("grant_type", "mfa", "client_id", other[1], "client_secret", other[2],
                "token", mfaToken, "method_id", mfa[1], "code", "123456"));
        assertThat(otherApp.raw()).isEqualTo(unknownToken.raw());
        assertOAuthError(otherApp, 400, "invalid_grant", 131, "INVALID_MFA_TOKEN_EXCEPTION");

        // MFA failures never count as password failures: the password still logs in (mfa_required, not 211-213)
        CLOCK.advance(Duration.ofSeconds(4));
        assertThat(passwordGrant(email, "Mfa-pass-1").body().get("error").asString()).isEqualTo("mfa_required");
        Response ok = mfaGrant(mfaToken, mfa[1], Totp.code(mfa[2], CLOCK.instant()));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.body().get("user_id").asString()).isEqualTo(mfa[0]);
    }

    @Test
    void badInputPresenceAndPermissions() throws Exception {
        String email = "mfa-bad-" + new ObjectId() + "@example.com";
        ObjectId user = createUser(email, "Mfa-pass-1");
        String base = "/auth/v2/mfa/users/" + user.toHexString();
        String access = login(email, "Mfa-pass-1").body().get("access_token").asString();

        // anonymous
        assertExhError(send("GET", base, null, null), 401, 104, "USER_NOT_AUTHENTICATED_EXCEPTION");
        assertExhError(postJson("/auth/v2/confirmPresence", Map.of("password", "x")), 401, 104,
                "USER_NOT_AUTHENTICATED_EXCEPTION");
        // presence: wrong password, missing field, empty body
        assertExhError(postJson("/auth/v2/confirmPresence", Map.of("password", "wrong"), "Authorization",
                bearer(access)), 401, 106, "AUTHENTICATION_EXCEPTION");
        assertExhError(postJson("/auth/v2/confirmPresence", Map.of(), "Authorization", bearer(access)), 400, 14,
                "MISSING_REQUIRED_FIELDS_EXCEPTION");
        assertExhError(postJson("/auth/v2/confirmPresence", Map.of("password", 5), "Authorization", bearer(access)),
                400, 15, "FIELD_FORMAT_EXCEPTION");
        CLOCK.advance(Duration.ofSeconds(2));
        // presence token: unknown, another user's, expired
        assertExhError(postJson(base + "/enable", Map.of("presenceToken", "f".repeat(40)), "Authorization",
                bearer(access)), 400, 132, "INVALID_PRESENCE_TOKEN_EXCEPTION");
        assertExhError(postJson(base + "/enable", Map.of(), "Authorization", bearer(access)), 400, 14,
                "MISSING_REQUIRED_FIELDS_EXCEPTION");
        String adminPresence = presence(adminToken(), ADMIN_PASSWORD);
        assertExhError(postJson(base + "/enable", Map.of("presenceToken", adminPresence), "Authorization",
                bearer(access)), 400, 132, "INVALID_PRESENCE_TOKEN_EXCEPTION");
        String presence = presence(access, "Mfa-pass-1");
        assertExhError(postJson(base + "/methods", Map.of("presenceToken", presence, "type", "sms"),
                "Authorization", bearer(access)), 400, 15, "FIELD_FORMAT_EXCEPTION");
        assertExhError(postJson(base + "/methods/" + new ObjectId() + "/remove", Map.of("presenceToken", presence),
                "Authorization", bearer(access)), 404, 16, "RESOURCE_UNKNOWN_EXCEPTION");
        assertExhError(postJson(base + "/methods/nope/remove", Map.of("presenceToken", presence),
                "Authorization", bearer(access)), 400, 12, "ID_FORMAT_EXCEPTION");
        Response recovery = postJson(base + "/methods", Map.of("presenceToken", presence, "type", "recoveryCodes"),
                "Authorization", bearer(access));
        assertExhError(postJson(base + "/methods/" + recovery.body().get("id").asString() + "/verification/confirm",
                Map.of("presenceToken", presence, "code", "123456"), "Authorization", bearer(access)), 400, 26,
                "ILLEGAL_ARGUMENT_EXCEPTION");
        CLOCK.advance(Duration.ofMinutes(16));
        access = login(email, "Mfa-pass-1").body().get("access_token").asString();
        assertExhError(postJson(base + "/enable", Map.of("presenceToken", presence), "Authorization",
                bearer(access)), 400, 132, "INVALID_PRESENCE_TOKEN_EXCEPTION");

        // someone else's settings: 10 without the permission, readable with VIEW_USER_MFA_SETTINGS
        String otherEmail = "mfa-other-" + new ObjectId() + "@example.com";
        ObjectId other = createUser(otherEmail, "Mfa-pass-1");
        assertExhError(send("GET", "/auth/v2/mfa/users/" + other.toHexString(), null, null, "Authorization",
                bearer(access)), 401, 10, "NO_PERMISSION_EXCEPTION");
        assertExhError(send("GET", "/auth/v2/mfa/users/bad", null, null, "Authorization", bearer(access)), 400, 12,
                "ID_FORMAT_EXCEPTION");
        String viewerEmail = "mfa-viewer-" + new ObjectId() + "@example.com";
        createUser(viewerEmail, "Mfa-pass-1", "VIEW_USER_MFA_SETTINGS");
        String viewer = login(viewerEmail, "Mfa-pass-1").body().get("access_token").asString();
        assertThat(send("GET", base, null, null, "Authorization", bearer(viewer)).status()).isEqualTo(200);
        String viewerPresence = presence(viewer, "Mfa-pass-1");
        assertExhError(postJson(base + "/disable", Map.of("presenceToken", viewerPresence), "Authorization",
                bearer(viewer)), 401, 10, "NO_PERMISSION_EXCEPTION");
    }
}
