package dev.medbase.users.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.testing.TestTokens;
import dev.medbase.users.support.ApiTest;

/**
 * The user side of OpenID Connect linking over the internal seam ({@code package-info.java}): a link removes the
 * password and any open reset request; an unlink starts the password reset whose event is the OIDC-unlink mail (hash
 * or PIN mode by the verification settings, the oidc_unlink templates, no initiation limits).
 */
class OidcAccountsTest extends ApiTest {

    private final String admin = TestTokens.user(new ObjectId()).permissions("UPDATE_USER_VERIFICATION_SETTINGS",
            "UPDATE_USER_SERVICE_EMAIL_TEMPLATES").token();

    @Test
    void linkRemovesThePasswordAndUnlinkMailsAResetHashOrPin() {
        ObjectId ada = user("ada@example.com");
        get("/users/v1/forgot_password?email=ada%40example.com", null).expect(200);
        String staleHash = lastEvent("password_reset_requested").content().get("reset_hash").asString();

        JsonNode linked = post("/internal/users/" + ada + "/oidc/link", null, null).expect(200).json();
        assertThat(linked.get("userId").asString()).isEqualTo(ada.toHexString());
        assertThat(storedUser(ada).get("password_hash")).isNull();
        assertThat(storedUser(ada).getBoolean("oidc_linked")).isTrue();
        assertThat(lastEvent("user_oidc_linked").content().get("user_id").asString()).isEqualTo(ada.toHexString());
        // a reset hash from before the link cannot bring the password back
        post("/users/v1/forgot_password", null, json("{'hash':'" + staleHash + "','new_password':'New-pass-123'}"))
                .expectError(400, 207);

        // unlink: hash mode by default, right after another request (no initiation limits), with the template
        put("/users/v1/email_templates", admin, json("{'oidc_unlink_email_template_name':'unlinked'}")).expect(200);
        post("/internal/users/" + ada + "/oidc/unlink", null, null).expect(200);
        assertThat(storedUser(ada).getBoolean("oidc_linked")).isFalse();
        assertThat(lastEvent("user_oidc_unlinked").content().get("user_id").asString()).isEqualTo(ada.toHexString());
        JsonNode mail = lastEvent("password_reset_requested").content();
        assertThat(mail.get("oidc_unlink").asBoolean()).isTrue();
        assertThat(mail.get("mode").asString()).isEqualTo("hash");
        assertThat(mail.get("email").asString()).isEqualTo("ada@example.com");
        assertThat(mail.get("template_name").asString()).isEqualTo("unlinked");
        post("/users/v1/forgot_password", null, json("{'hash':'" + mail.get("reset_hash").asString()
                + "','new_password':'New-pass-123'}")).expect(200);
        assertThat(storedUser(ada).getString("password_hash")).isNotNull();
        // not linked any more
        post("/internal/users/" + ada + "/oidc/unlink", null, null).expectError(400, 27);

        // PIN mode when PIN codes are enabled for password resets
        put("/users/v1/settings/verification", admin, json("{'enable_pin_code_forgot_password_requests':true}"))
                .expect(200);
        post("/internal/users/" + ada + "/oidc/link", null, null).expect(200);
        post("/internal/users/" + ada + "/oidc/unlink", null, null).expect(200);
        JsonNode pin = lastEvent("password_reset_requested").content();
        assertThat(pin.get("mode").asString()).isEqualTo("pin_code");
        assertThat(pin.get("pin_code").asString()).matches("\\d{8}");
        assertThat(pin.get("oidc_unlink").asBoolean()).isTrue();
        assertThat(pin.has("template_name")).isFalse(); // only oidc_unlink_pin_email_template would apply
    }

    @Test
    void passwordOperationsOfALinkedUserAre215() {
        ObjectId cy = user("cy@example.com");
        String token = TestTokens.user(cy).token();
        // a reset requested just before the link, whose removal of open requests it raced (the flag set directly)
        get("/users/v1/forgot_password?email=cy%40example.com", null).expect(200);
        String raced = lastEvent("password_reset_requested").content().get("reset_hash").asString();
        mongo.updateFirst(Query.query(Criteria.where("_id").is(cy)), Update.update("oidc_linked", true), "users");
        post("/users/v1/forgot_password", null, json("{'hash':'" + raced + "','new_password':'New-pass-123'}"))
                .expectError(403, 215);
        // the same through the link itself
        post("/internal/users/" + cy + "/oidc/link", null, null).expect(200);
        get("/users/v1/forgot_password?email=cy%40example.com", null).expectError(403, 215);
        put("/users/v1/password", token, json("{'old_password':'" + PASSWORD + "','new_password':'New-pass-123'}"))
                .expectError(403, 215);
        assertThat(storedUser(cy).get("password_hash")).isNull();
        assertThat(events("password_reset_completed")).isEmpty();
        assertThat(events("password_update_completed")).isEmpty();
        // unlinked: the password operations are back
        post("/internal/users/" + cy + "/oidc/unlink", null, null).expect(200);
        String hash = lastEvent("password_reset_requested").content().get("reset_hash").asString();
        post("/users/v1/forgot_password", null, json("{'hash':'" + hash + "','new_password':'New-pass-123'}"))
                .expect(200);
        put("/users/v1/password", token, json("{'old_password':'New-pass-123','new_password':'Newer-pass-123'}"))
                .expect(200);
    }

    @Test
    void unknownAndMalformedUsers() {
        post("/internal/users/" + new ObjectId() + "/oidc/link", null, null).expectError(404, 16);
        post("/internal/users/" + new ObjectId() + "/oidc/unlink", null, null).expectError(404, 16);
        post("/internal/users/nope/oidc/link", null, null).expectError(400, 12);
        post("/internal/users/nope/oidc/unlink", null, null).expectError(400, 12);
        ObjectId bob = user("bob@example.com");
        post("/internal/users/" + bob + "/oidc/unlink", null, null).expectError(400, 27);
        assertThat(events("password_reset_requested")).isEmpty();
    }
}
