package dev.medbase.users.verification;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import dev.medbase.users.support.ApiTest;
import dev.medbase.platform.testing.TestTokens;

/** With {@code medbase.users.require-email-templates} on, request endpoints answer 27 until a template is set. */
@TestPropertySource(properties = "medbase.users.require-email-templates=true")
class RequiredTemplatesTest extends ApiTest {

    @Test
    void requestsWithoutATemplateAre27() {
        user("ada@example.com");
        user("new@example.com", d -> d.append("activation", false));
        get("/users/v1/forgot_password?email=ada%40example.com", null).expectError(400, 27);
        get("/users/v1/activation?email=new%40example.com", null).expectError(400, 27);

        put("/users/v1/email_templates",
                TestTokens.user(new ObjectId()).permissions("UPDATE_USER_SERVICE_EMAIL_TEMPLATES").token(),
                json("{'password_reset_email_template_id':'" + new ObjectId() + "'}")).expect(200);
        get("/users/v1/forgot_password?email=ada%40example.com", null).expect(200);
        // the PIN template is a separate setting
        put("/users/v1/settings/verification",
                TestTokens.user(new ObjectId()).permissions("UPDATE_USER_VERIFICATION_SETTINGS").token(),
                json("{'enable_pin_code_activation_requests':true}")).expect(200);
        get("/users/v1/activation?email=new%40example.com&mode=pin_code", null).expectError(400, 27);
    }
}
