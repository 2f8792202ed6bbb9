package dev.medbase.users.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.medbase.users.support.ApiTest;
import dev.medbase.platform.testing.TestTokens;

/**
 * Registration, activation and password reset, in hash and PIN mode, with expiries, intervals and limits driven by the
 * test clock. The hashes and PINs are read from the events, as the mail service would.
 */
class VerificationFlowTest extends ApiTest {

    private static final String REGISTRATION = json("{'first_name':'Ada','last_name':'Lovelace',"
            + "'email':'Ada@Example.com','password':'Secret-pass-1','phone_number':'+32 12 34 56 78',"
            + "'language':'EN','time_zone':'Europe/Brussels','birthday':'1815-12-10','gender':2,'country':'gb'}");

    private String admin() {
        return TestTokens.user(new ObjectId()).permissions("UPDATE_USER_VERIFICATION_SETTINGS",
                "VIEW_ACTIVATION_REQUESTS", "DELETE_ACTIVATION_REQUEST", "VIEW_FORGOT_PASSWORD_REQUESTS",
                "DELETE_FORGOT_PASSWORD_REQUEST").token();
    }

    private void enablePins() {
        put("/users/v1/settings/verification", admin(), json("{'enable_pin_code_activation_requests':true,"
                + "'enable_pin_code_forgot_password_requests':true}")).expect(200);
    }

    @Test
    void registerCreatesAnInactiveUserAndAnnouncesTheActivationHash() {
        JsonNode user = post("/users/v1/register", null, REGISTRATION).expect(200).json();
        String id = user.get("id").asString();
        assertThat(user.get("email").asString()).isEqualTo("ada@example.com");
        assertThat(user.get("activation").asBoolean()).isFalse();
        assertThat(user.get("roles")).isEmpty();
        assertThat(user.get("birthday").asString()).isEqualTo("1815-12-10");
        assertThat(user.get("gender").asInt()).isEqualTo(2);
        assertThat(user.get("country").asString()).isEqualTo("GB");
        assertThat(user.has("password_hash")).isFalse();

        assertThat(lastEvent("user_created").content().get("id").asString()).isEqualTo(id);
        JsonNode mail = lastEvent("activation_requested").content();
        assertThat(mail.get("user_id").asString()).isEqualTo(id);
        assertThat(mail.get("email").asString()).isEqualTo("ada@example.com");
        assertThat(mail.get("first_name").asString()).isEqualTo("Ada");
        assertThat(mail.get("language").asString()).isEqualTo("EN");
        assertThat(mail.get("mode").asString()).isEqualTo("hash");
        assertThat(mail.get("activation_hash").asString()).matches("[0-9a-f]{40}");
        assertThat(mail.get("expiry_timestamp").asLong())
                .isEqualTo(clock.instant().plus(Duration.ofMinutes(60)).toEpochMilli());
        // stored hashed only
        Document request = mongo.findOne(new org.springframework.data.mongodb.core.query.Query(), Document.class,
                "activation_requests");
        assertThat(request.toJson()).doesNotContain(mail.get("activation_hash").asString());

        post("/users/v1/register", null, REGISTRATION).expectError(400, 203);
        assertThat(get("/users/v1/email_available?email=ADA%40example.com", null).expect(200).json()
                .get("email_available").asBoolean()).isFalse();
        assertThat(get("/users/v1/email_available?email=someone%2Belse%40example.com", null).json()
                .get("email_available").asBoolean()).isTrue();
        get("/users/v1/email_available", null).expectError(400, 14);
        get("/users/v1/email_available?email=nope", null).expectError(400, 15);

        // activate with the hash from the event
        post("/users/v1/activation", null, json("{'hash':'" + mail.get("activation_hash").asString() + "'}"))
                .expect(200);
        assertThat(storedUser(new ObjectId(id)).getBoolean("activation")).isTrue();
        assertThat(lastEvent("user_activation_completed").content().get("user_id").asString()).isEqualTo(id);
        // a hash works once
        post("/users/v1/activation", null, json("{'hash':'" + mail.get("activation_hash").asString() + "'}"))
                .expectError(400, 205);
        get("/users/v1/activation?email=ada%40example.com", null).expectError(400, 206);
    }

    @Test
    void registrationEnforcesThePasswordPolicyWithAClearMessage() {
        put("/users/v1/password_policy", TestTokens.user(new ObjectId()).permissions("UPDATE_PASSWORD_POLICY").token(),
                json("{'minimum_length':10,'symbol_required':true,'number_required':true}")).expect(200);
        Response r = post("/users/v1/register", null, REGISTRATION.replace("Secret-pass-1", "short"))
                .expectError(400, 208);
        assertThat(r.json().get("message").asString()).contains("at least 10 characters", "a number", "a symbol");
        assertThat(mongo.count(new org.springframework.data.mongodb.core.query.Query(), "users")).isZero();
    }

    @Test
    void manualActivationSendsNothingAndPinModeNeedsPinsEnabled() {
        post("/users/v1/register", null, REGISTRATION.replace("}", json(",'activation_mode':'manual'}"))).expect(200);
        assertThat(events("activation_requested")).isEmpty();
        post("/users/v1/register", null, REGISTRATION.replace("Ada@", "Bob@")
                .replace("}", json(",'activation_mode':'pin_code'}"))).expectError(403, 218);
        post("/users/v1/register", null, REGISTRATION.replace("Ada@", "Bob@")
                .replace("}", json(",'activation_mode':'sms'}"))).expectError(400, 15);
    }

    @Test
    void hashActivationRequestsAreRateLimitedAndExpire() {
        post("/users/v1/register", null, REGISTRATION).expect(200);
        String first = lastEvent("activation_requested").content().get("activation_hash").asString();

        get("/users/v1/activation?email=nobody%40example.com", null).expectError(400, 202);
        get("/users/v1/activation?email=ada%40example.com", null).expectError(403, 223); // < 5 min after register
        for (int i = 2; i <= 5; i++) {
            clock.advance(Duration.ofMinutes(5));
            get("/users/v1/activation?email=ada%40example.com", null).expect(200);
        }
        clock.advance(Duration.ofMinutes(5));
        get("/users/v1/activation?email=ada%40example.com", null).expectError(403, 222); // 6th initiation
        String latest = lastEvent("activation_requested").content().get("activation_hash").asString();
        // a new initiation replaces the previous hash
        post("/users/v1/activation", null, json("{'hash':'" + first + "'}")).expectError(400, 205);

        JsonNode requests = get("/users/v1/activation_requests/", admin()).expect(200).json();
        JsonNode request = requests.get("data").get(0);
        assertThat(request.get("request_count").asInt()).isEqualTo(5);
        assertThat(request.get("mode").asString()).isEqualTo("hash");
        assertThat(request.has("digest")).isFalse();
        assertThat(request.toString()).doesNotContain(latest);

        // the hash lives 60 minutes
        clock.advance(Duration.ofMinutes(56));
        post("/users/v1/activation", null, json("{'hash':'" + latest + "'}")).expectError(400, 205);

        // deleting the request resets the limits
        delete("/users/v1/activation_requests/" + request.get("id").asString(), admin()).expect(200);
        get("/users/v1/activation?email=ada%40example.com", null).expect(200);
        String fresh = lastEvent("activation_requested").content().get("activation_hash").asString();
        post("/users/v1/activation", null, json("{'hash':'" + fresh + "'}")).expect(200);
    }

    @Test
    void withoutHashLimitingHashesNeverExpireAndRequestsAreNotLimited() {
        put("/users/v1/settings/verification", admin(), json("{'limit_hash_activation_requests':false}"))
                .expect(200);
        post("/users/v1/register", null, REGISTRATION).expect(200);
        for (int i = 0; i < 7; i++) {
            get("/users/v1/activation?email=ada%40example.com", null).expect(200);
        }
        JsonNode mail = lastEvent("activation_requested").content();
        assertThat(mail.has("expiry_timestamp")).isFalse();
        clock.advance(Duration.ofDays(30));
        post("/users/v1/activation", null, json("{'hash':'" + mail.get("activation_hash").asString() + "'}"))
                .expect(200);
    }

    @Test
    void pinActivationCountsWrongAttempts() {
        enablePins();
        String id = post("/users/v1/register", null, REGISTRATION.replace("}", json(",'activation_mode':'pin_code'}")))
                .expect(200).json().get("id").asString();
        JsonNode mail = lastEvent("activation_requested").content();
        String pin = mail.get("pin_code").asString();
        assertThat(pin).matches("[0-9]{8}");
        assertThat(mail.get("expiry_timestamp").asLong())
                .isEqualTo(clock.instant().plus(Duration.ofMinutes(15)).toEpochMilli());
        String wrong = pin.equals("00000000") ? "11111111" : "00000000";

        post("/users/v1/activation", null, json("{'email':'ada@example.com','pin_code':'" + wrong + "'}"))
                .expectError(400, 224);
        post("/users/v1/activation", null, json("{'email':'ada@example.com','pin_code':'" + wrong + "'}"))
                .expectError(400, 224);
        post("/users/v1/activation", null, json("{'email':'ada@example.com','pin_code':'" + wrong + "'}"))
                .expectError(400, 224);
        // attempts used up: even the right PIN is refused now
        post("/users/v1/activation", null, json("{'email':'ada@example.com','pin_code':'" + pin + "'}"))
                .expectError(401, 213);
        post("/users/v1/activation", null, json("{'email':'nobody@example.com','pin_code':'" + pin + "'}"))
                .expectError(400, 205);

        clock.advance(Duration.ofMinutes(5));
        get("/users/v1/activation?email=ada%40example.com&mode=pin_code", null).expect(200);
        String second = lastEvent("activation_requested").content().get("pin_code").asString();
        clock.advance(Duration.ofMinutes(15)); // expired
        post("/users/v1/activation", null, json("{'email':'ada@example.com','pin_code':'" + second + "'}"))
                .expectError(400, 205);
        get("/users/v1/activation?email=ada%40example.com&mode=pin_code", null).expect(200);
        String third = lastEvent("activation_requested").content().get("pin_code").asString();
        clock.advance(Duration.ofMinutes(5));
        get("/users/v1/activation?email=ada%40example.com&mode=pin_code", null).expectError(403, 222); // 3 max
        post("/users/v1/activation", null, json("{'email':'ADA@example.com','pinCode':'" + third + "'}"))
                .expect(200);
        assertThat(storedUser(new ObjectId(id)).getBoolean("activation")).isTrue();
    }

    @Test
    void pinRequestsNeedPinsEnabledAndAValidMode() {
        user("ada@example.com", d -> d.append("activation", false));
        get("/users/v1/activation?email=ada%40example.com&mode=pin_code", null).expectError(403, 218);
        get("/users/v1/forgot_password?email=ada%40example.com&mode=pin_code", null).expectError(403, 218);
        get("/users/v1/activation?email=ada%40example.com&mode=carrier_pigeon", null).expectError(400, 15);
        get("/users/v1/activation", null).expectError(400, 14);
        post("/users/v1/activation", null, "{}").expectError(400, 14);
        post("/users/v1/activation", null, json("{'email':'ada@example.com'}")).expectError(400, 14);
    }

    @Test
    void passwordResetByHash() {
        ObjectId id = user("ada@example.com", d -> d.append("failed_count", 50));
        ObjectId inactive = user("new@example.com", d -> d.append("activation", false));

        get("/users/v1/forgot_password?email=nobody%40example.com", null).expectError(400, 202);
        get("/users/v1/forgot_password?email=new%40example.com", null).expectError(400, 204);
        get("/users/v1/forgot_password?email=ada%40example.com", null).expect(200);
        JsonNode mail = lastEvent("password_reset_requested").content();
        String hash = mail.get("reset_hash").asString();
        assertThat(mail.get("user_id").asString()).isEqualTo(id.toHexString());
        assertThat(mail.get("first_name").asString()).isEqualTo("First ada@example.com");
        get("/users/v1/forgot_password?email=ada%40example.com", null).expectError(403, 221);

        post("/users/v1/forgot_password", null, json("{'hash':'" + "0".repeat(40) + "','new_password':'New-pass-12'}"))
                .expectError(400, 207);
        post("/users/v1/forgot_password", null, json("{'hash':'" + hash + "'}")).expectError(400, 14);
        // a password the policy refuses does not use up the hash
        post("/users/v1/forgot_password", null, json("{'hash':'" + hash + "','new_password':'short'}"))
                .expectError(400, 208);
        post("/users/v1/forgot_password", null, json("{'hash':'" + hash + "','new_password':'New-pass-12'}"))
                .expect(200);
        Document stored = storedUser(id);
        assertThat(encoder.matches("New-pass-12", stored.getString("password_hash"))).isTrue();
        assertThat(stored.getInteger("failed_count")).isZero();
        assertThat(lastEvent("password_reset_completed").content().get("user_id").asString())
                .isEqualTo(id.toHexString());
        post("/users/v1/forgot_password", null, json("{'hash':'" + hash + "','new_password':'New-pass-13'}"))
                .expectError(400, 207);
        assertThat(storedUser(inactive).getBoolean("activation")).isFalse();
    }

    @Test
    void passwordResetByPin() {
        enablePins();
        ObjectId id = user("ada@example.com");
        get("/users/v1/forgot_password?email=ada%40example.com&mode=pin_code", null).expect(200);
        String pin = lastEvent("password_reset_requested").content().get("pin_code").asString();
        String wrong = pin.equals("00000000") ? "11111111" : "00000000";

        post("/users/v1/forgot_password", null,
                json("{'email':'ada@example.com','pin_code':'" + wrong + "','new_password':'New-pass-12'}"))
                .expectError(400, 224);
        post("/users/v1/forgot_password", null,
                json("{'email':'nobody@example.com','pin_code':'" + pin + "','new_password':'New-pass-12'}"))
                .expectError(400, 219);
        post("/users/v1/forgot_password", null,
                json("{'email':'ada@example.com','pin_code':'" + pin + "','new_password':'New-pass-12'}"))
                .expect(200);
        assertThat(encoder.matches("New-pass-12", storedUser(id).getString("password_hash"))).isTrue();
        post("/users/v1/forgot_password", null,
                json("{'email':'ada@example.com','pin_code':'" + pin + "','new_password':'New-pass-12'}"))
                .expectError(400, 219);
    }

    @Test
    void forgotPasswordRequestsAreLimitedAndAdministered() {
        user("ada@example.com");
        for (int i = 0; i < 5; i++) {
            get("/users/v1/forgot_password?email=ada%40example.com", null).expect(200);
            clock.advance(Duration.ofMinutes(5));
        }
        get("/users/v1/forgot_password?email=ada%40example.com", null).expectError(403, 220);
        JsonNode page = get("/users/v1/forgot_password_requests?eq(request_count,5)", admin()).expect(200).json();
        assertThat(page.get("page").get("total").asInt()).isEqualTo(1);
        String requestId = page.get("data").get(0).get("id").asString();
        delete("/users/v1/forgot_password_requests/" + new ObjectId(), admin()).expectError(404, 16);
        delete("/users/v1/forgot_password_requests/nope", admin()).expectError(400, 12);
        assertThat(delete("/users/v1/forgot_password_requests/" + requestId, admin()).expect(200).json()
                .get("records_affected").asInt()).isEqualTo(1);
        assertThat(lastEvent("forgot_password_request_removed").content().get("id").asString())
                .isEqualTo(requestId);
        get("/users/v1/forgot_password?email=ada%40example.com", null).expect(200);
    }
}
