package dev.medbase.users.passwords;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.medbase.users.support.ApiTest;
import dev.medbase.platform.testing.TestTokens;

/** Password change, confirmation, authentication with the lockout rule, and the password policy. */
class PasswordApiTest extends ApiTest {

    @Test
    void changePasswordChecksTheOldOneAndThePolicy() {
        ObjectId me = user("me@example.com", d -> d.append("failed_count", 3));
        String token = TestTokens.user(me).token();

        put("/users/v1/password", token, json("{'old_password':'wrong','new_password':'Another-pass-1'}"))
                .expectError(400, 208);
        Response weak = put("/users/v1/password", token,
                json("{'old_password':'" + PASSWORD + "','new_password':'abc'}")).expectError(400, 208);
        assertThat(weak.json().get("message").asString()).contains("new_password", "at least 8 characters");
        JsonNode user = put("/users/v1/password", token,
                json("{'old_password':'" + PASSWORD + "','new_password':'Another-pass-1'}")).expect(200).json();
        assertThat(user.get("id").asString()).isEqualTo(me.toHexString());
        assertThat(user.get("failed_count").asInt()).isZero();
        assertThat(encoder.matches("Another-pass-1", storedUser(me).getString("password_hash"))).isTrue();
        assertThat(lastEvent("password_update_completed").content().get("user_id").asString())
                .isEqualTo(me.toHexString());
        put("/users/v1/password", null, json("{'old_password':'a','new_password':'b'}")).expectError(401, 104);
    }

    @Test
    void passwordsLongerThanBcryptsLimitWork() {
        ObjectId me = user("me@example.com");
        String longPassword = "Long-password-".repeat(7); // 98 characters, more than bcrypt's 72 bytes
        put("/users/v1/password", TestTokens.user(me).token(),
                json("{'old_password':'" + PASSWORD + "','new_password':'" + longPassword + "'}")).expect(200);
        assertThat(storedUser(me).getString("password_hash")).startsWith("{pbkdf2");
        post("/users/v1/authenticate", null, json("{'email':'me@example.com','password':'" + longPassword + "'}"))
                .expect(200);
        post("/users/v1/authenticate", null,
                json("{'email':'me@example.com','password':'" + longPassword.substring(0, 80) + "'}"))
                .expectError(401, 106);
    }

    @Test
    void confirmPasswordChecksTheCallersOwnPassword() {
        ObjectId me = user("me@example.com");
        String token = TestTokens.user(me).token();
        Response ok = post("/users/v1/confirm_password", token, json("{'password':'" + PASSWORD + "'}")).expect(200);
        assertThat(ok.raw()).isEmpty();
        post("/users/v1/confirm_password", token, json("{'password':'wrong'}")).expectError(401, 106);
        post("/users/v1/confirm_password", token, json("{'password':'wrong'}")).expectError(401, 211);
        post("/users/v1/confirm_password", null, json("{'password':'x'}")).expectError(401, 104);
    }

    @Test
    void authenticateAppliesTheLockout() {
        ObjectId me = user("me@example.com");
        String wrong = json("{'email':'me@example.com','password':'wrong'}");
        JsonNode user = post("/users/v1/authenticate", null,
                json("{'email':'ME@example.com','password':'" + PASSWORD + "'}")).expect(200).json();
        assertThat(user.get("id").asString()).isEqualTo(me.toHexString());
        post("/users/v1/authenticate", null, json("{'email':'nobody@example.com','password':'x'}"))
                .expectError(401, 106);

        post("/users/v1/authenticate", null, wrong).expectError(401, 106);
        post("/users/v1/authenticate", null, wrong).expectError(401, 211); // less than 1 s later
        for (int i = 2; i <= 10; i++) {
            clock.advance(Duration.ofSeconds(2));
            post("/users/v1/authenticate", null, wrong).expectError(401, 106);
        }
        clock.advance(Duration.ofSeconds(2));
        post("/users/v1/authenticate", null, wrong).expectError(401, 212); // frozen after the 10th failure
        clock.advance(Duration.ofSeconds(61));
        post("/users/v1/authenticate", null, json("{'email':'me@example.com','password':'" + PASSWORD + "'}"))
                .expect(200);
        assertThat(storedUser(me).getInteger("failed_count")).isZero();

        mongo.updateFirst(org.springframework.data.mongodb.core.query.Query.query(
                org.springframework.data.mongodb.core.query.Criteria.where("_id").is(me)),
                new org.springframework.data.mongodb.core.query.Update().set("failed_count", 50), "users");
        clock.advance(Duration.ofHours(1));
        post("/users/v1/authenticate", null, json("{'email':'me@example.com','password':'" + PASSWORD + "'}"))
                .expectError(401, 213);
    }

    @Test
    void thePolicyIsReadableByAnyoneAndUpdatedPartially() {
        JsonNode policy = get("/users/v1/password_policy", null).expect(200).json();
        assertThat(policy.get("minimum_length").asInt()).isEqualTo(8);
        assertThat(policy.get("maximum_length").asInt()).isEqualTo(128);
        assertThat(policy.get("upper_case_required").asBoolean()).isFalse();
        assertThat(policy.get("symbol_required").asBoolean()).isFalse();

        String admin = TestTokens.user(new ObjectId()).permissions("UPDATE_PASSWORD_POLICY").token();
        JsonNode updated = put("/users/v1/password_policy", admin, json("{'upper_case_required':true}"))
                .expect(200).json();
        assertThat(updated.get("upper_case_required").asBoolean()).isTrue();
        assertThat(updated.get("minimum_length").asInt()).isEqualTo(8);
        // the SDK's client-side extras are ignored
        put("/users/v1/password_policy", admin, json("{'minimumLength':9,'pattern':'x','messageFormat':'y'}"))
                .expect(200);
        assertThat(get("/users/v1/password_policy", null).json().get("minimum_length").asInt()).isEqualTo(9);
        assertThat(lastEvent("password_policy_updated").content().get("minimum_length").asInt()).isEqualTo(9);

        put("/users/v1/password_policy", admin, json("{'minimum_length':200}")).expectError(400, 15);
        put("/users/v1/password_policy", admin, json("{'minimum_length':0}")).expectError(400, 15);
        put("/users/v1/password_policy", admin, json("{'maximum_length':5000}")).expectError(400, 15);
        put("/users/v1/password_policy", admin, json("{'minimum_length':'9'}")).expectError(400, 15);
        put("/users/v1/password_policy", TestTokens.user(new ObjectId()).token(), "{}").expectError(401, 10);
    }
}
