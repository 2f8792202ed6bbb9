package dev.medbase.users.settings;

import static org.assertj.core.api.Assertions.assertThat;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.medbase.users.support.ApiTest;
import dev.medbase.platform.testing.TestTokens;

/** Verification settings and e-mail template settings; templates travel in the request events. */
class SettingsApiTest extends ApiTest {

    private final String admin = TestTokens.user(new ObjectId()).permissions("VIEW_USER_VERIFICATION_SETTINGS",
            "UPDATE_USER_VERIFICATION_SETTINGS", "VIEW_USER_SERVICE_EMAIL_TEMPLATES",
            "UPDATE_USER_SERVICE_EMAIL_TEMPLATES").token();

    @Test
    void verificationSettingsHaveDefaultsAndPartialUpdates() {
        JsonNode defaults = get("/users/v1/settings/verification", admin).expect(200).json();
        assertThat(defaults.get("enable_pin_code_activation_requests").asBoolean()).isFalse();
        assertThat(defaults.get("enable_pin_code_forgot_password_requests").asBoolean()).isFalse();
        assertThat(defaults.get("limit_hash_activation_requests").asBoolean()).isTrue();
        assertThat(defaults.get("limit_hash_forgot_password_requests").asBoolean()).isTrue();

        JsonNode updated = put("/users/v1/settings/verification", admin,
                json("{'enable_pin_code_activation_requests':true}")).expect(200).json();
        assertThat(updated.get("enable_pin_code_activation_requests").asBoolean()).isTrue();
        assertThat(updated.get("limit_hash_activation_requests").asBoolean()).isTrue();
        assertThat(get("/users/v1/settings/verification/", admin).json()
                .get("enable_pin_code_activation_requests").asBoolean()).isTrue();
        assertThat(lastEvent("verification_settings_updated").content()
                .get("enable_pin_code_activation_requests").asBoolean()).isTrue();
        put("/users/v1/settings/verification", admin, json("{'limit_hash_activation_requests':'no'}"))
                .expectError(400, 15);
        put("/users/v1/settings/verification", admin, json("{'limit_hash_activation_requests':1}"))
                .expectError(400, 15);
    }

    @Test
    void emailTemplatesAreIdsOrNamesAndReachTheMailEvents() {
        assertThat(get("/users/v1/email_templates", admin).expect(200).raw()).isEqualTo("{}");
        ObjectId template = new ObjectId();
        JsonNode set = put("/users/v1/email_templates", admin,
                json("{'activation_email_template_id':'" + template + "',"
                        + "'password_reset_email_template_name':'reset-mail'}")).expect(200).json();
        assertThat(set.get("activation_email_template_id").asString()).isEqualTo(template.toHexString());
        assertThat(set.get("password_reset_email_template_name").asString()).isEqualTo("reset-mail");
        // the SDK's camelCase form works too; setting a name clears the id of the same template
        JsonNode renamed = put("/users/v1/email_templates", admin,
                json("{'activationEmailTemplateName':'welcome'}")).expect(200).json();
        assertThat(renamed.has("activation_email_template_id")).isFalse();
        assertThat(renamed.get("activation_email_template_name").asString()).isEqualTo("welcome");
        // null clears
        assertThat(put("/users/v1/email_templates", admin, json("{'activation_email_template_name':null}"))
                .expect(200).json().has("activation_email_template_name")).isFalse();

        put("/users/v1/email_templates", admin, json("{'activation_email_template_id':'x'}")).expectError(400, 12);
        put("/users/v1/email_templates", admin, json("{'unknown_template_id':'" + template + "'}"))
                .expectError(400, 15);
        put("/users/v1/email_templates", admin, json("{'activation_email_template_id':'" + template + "',"
                + "'activation_email_template_name':'both'}")).expectError(400, 15);
        put("/users/v1/email_templates", admin, json("{'activation_email_template_name':5}")).expectError(400, 15);

        user("ada@example.com");
        get("/users/v1/forgot_password?email=ada%40example.com", null).expect(200);
        assertThat(lastEvent("password_reset_requested").content().get("template_name").asString())
                .isEqualTo("reset-mail");
    }
}
