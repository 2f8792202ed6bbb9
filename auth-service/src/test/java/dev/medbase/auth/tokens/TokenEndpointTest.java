package dev.medbase.auth.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import dev.medbase.auth.AuthIntegrationTest;
import tools.jackson.databind.JsonNode;

/** {@code POST /auth/v2/oauth2/tokens}: the password grant, client authentication and every §3.2 error. */
class TokenEndpointTest extends AuthIntegrationTest {

    @Test
    void passwordGrantAnswersTheSnakeCaseTokenResponseWithAnRs256Jwt() throws Exception {
        ObjectId user = createUser("shape@example.com", "Shape-pass-1", "VIEW_DOCUMENTS", "CREATE_APPLICATIONS");
        ObjectId group = new ObjectId();
        ObjectId staffGroup = new ObjectId();
        ObjectId groupRole = new ObjectId();
        usersDb().insert(new Document("_id", groupRole).append("group_id", staffGroup).append("name", "nurse")
                .append("permissions", List.of("VIEW_PATIENTS")), "group_roles");
        usersDb().getCollection("users").updateOne(new Document("_id", user), new Document("$set", new Document()
                .append("patient_enlistments", List.of(new Document("group_id", group)))
                .append("staff_enlistments", List.of(new Document("group_id", staffGroup)
                        .append("roles", List.of(groupRole))))));

        Response r = login("Shape@Example.com", "Shape-pass-1");

        JsonNode body = r.body();
        assertThat(body.properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("access_token",
                "token_type", "expires_in", "refresh_token", "user_id", "application_id");
        assertThat(body.get("token_type").asString()).isEqualTo("bearer");
        assertThat(body.get("expires_in").isNumber()).isTrue();
        assertThat(body.get("expires_in").asLong()).isEqualTo(300);
        assertThat(body.get("refresh_token").asString()).matches("[0-9a-f]{64}");
        assertThat(body.get("user_id").asString()).isEqualTo(user.toHexString());
        String appId = mongo.findOne(new org.springframework.data.mongodb.core.query.Query(
                org.springframework.data.mongodb.core.query.Criteria.where("versions").elemMatch(
                        org.springframework.data.mongodb.core.query.Criteria.where("clientId").is(CLIENT_ID))),
                Document.class, "applications").get("_id").toString();
        assertThat(body.get("application_id").asString()).isEqualTo(appId);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.headers().firstValue("Pragma")).hasValue("no-cache");

        String jwt = body.get("access_token").asString();
        assertThat(header(jwt).get("alg").asString()).isEqualTo("RS256");
        assertThat(header(jwt).get("kid").asString()).isNotBlank();
        JsonNode claims = claims(jwt);
        assertThat(claims.get("iss").asString()).isEqualTo("medbase");
        assertThat(claims.get("sub").asString()).isEqualTo(user.toHexString());
        assertThat(claims.get("aid").asString()).isEqualTo(appId);
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(300);
        assertThat(claims.get("iat").asLong()).isEqualTo(CLOCK.instant().getEpochSecond());
        assertThat(claims.get("jti").asString()).isNotBlank();
        assertThat(JSON.writeValueAsString(claims.get("permissions")))
                .isEqualTo("[\"VIEW_DOCUMENTS\",\"CREATE_APPLICATIONS\"]");
        assertThat(JSON.writeValueAsString(claims.get("patient_groups")))
                .isEqualTo("[\"" + group.toHexString() + "\"]");
        assertThat(JSON.writeValueAsString(claims.get("staff_groups")))
                .isEqualTo("{\"" + staffGroup.toHexString() + "\":[\"VIEW_PATIENTS\"]}");
    }

    @Test
    void clientAuthenticationByBasicByBodyOrBoth() throws Exception {
        Map<String, String> grant = map("grant_type", "password", "username", ADMIN_EMAIL, "password", ADMIN_PASSWORD);
        // HTTP Basic only
        assertThat(token(grant, "Authorization", basic(CLIENT_ID, CLIENT_SECRET)).status()).isEqualTo(200);
        // body only
        Map<String, String> body = map("grant_type", "password", "username", ADMIN_EMAIL, "password", ADMIN_PASSWORD,
                "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET);
        assertThat(token(body).status()).isEqualTo(200);
        // both, as the SDK sends them
        assertThat(token(body, "Authorization", basic(CLIENT_ID, CLIENT_SECRET)).status()).isEqualTo(200);
        // both, disagreeing
        assertOAuthError(token(body, "Authorization", basic(CLIENT_ID, "other")), 401, "invalid_client", 124,
                "OAUTH2_CLIENT_SECRET_EXCEPTION");
        assertOAuthError(token(grant, "Authorization", "Basic !!!"), 401, "invalid_client", 126,
                "OAUTH2_MISSING_CLIENT_CREDENTIALS_EXCEPTION");
    }

    @Test
    void clientErrorsAreInvalidClient401() throws Exception {
        Map<String, String> noSecret = map("grant_type", "password", "client_id", CLIENT_ID, "username", ADMIN_EMAIL,
                "password", ADMIN_PASSWORD);
        assertOAuthError(token(noSecret), 401, "invalid_client", 126, "OAUTH2_MISSING_CLIENT_CREDENTIALS_EXCEPTION");
        Map<String, String> wrongSecret = map("grant_type", "password", "client_id", CLIENT_ID, "client_secret", "nope",
                "username", ADMIN_EMAIL, "password", ADMIN_PASSWORD);
        assertOAuthError(token(wrongSecret), 401, "invalid_client", 124, "OAUTH2_CLIENT_SECRET_EXCEPTION");
        Map<String, String> unknown = map("grant_type", "password", "client_id", "unknown-client", "username",
                ADMIN_EMAIL, "password", ADMIN_PASSWORD);
        assertOAuthError(token(unknown), 401, "invalid_client", 123, "OAUTH2_CLIENT_ID_EXCEPTION");
    }

    @Test
    void aPublicApplicationNeedsNoSecretButAGivenSecretMustBeRight() throws Exception {
        String[] app = createClient(false, List.of());
        Response ok = token(map("grant_type", "password", "client_id", app[1], "username", ADMIN_EMAIL, "password",
                ADMIN_PASSWORD));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.body().get("application_id").asString()).isEqualTo(app[0]);
        assertOAuthError(token(map("grant_type", "password", "client_id", app[1], "client_secret", "wrong",
                "username", ADMIN_EMAIL, "password", ADMIN_PASSWORD)), 401, "invalid_client", 124,
                "OAUTH2_CLIENT_SECRET_EXCEPTION");
        // a generated secret works, from Basic too
        assertThat(token(map("grant_type", "password", "username", ADMIN_EMAIL, "password", ADMIN_PASSWORD),
                "Authorization", basic(app[1], app[2])).status()).isEqualTo(200);
    }

    @Test
    void wrongPasswordAndUnknownEmailAreTheSameInvalidGrant() throws Exception {
        createUser("wrongpw@example.com", "Right-pass-1");
        Response wrong = token(map("grant_type", "password", "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET,
                "username", "wrongpw@example.com", "password", "nope"));
        Response unknown = token(map("grant_type", "password", "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET,
                "username", "nobody-" + new ObjectId() + "@example.com", "password", "nope"));
        assertOAuthError(wrong, 400, "invalid_grant", 106, "AUTHENTICATION_EXCEPTION");
        assertThat(unknown.status()).isEqualTo(wrong.status());
        assertThat(unknown.raw()).isEqualTo(wrong.raw());
    }

    @Test
    void lockoutErrorsComeBackAsInvalidGrantWithTheirExhError() throws Exception {
        ObjectId user = createUser("locked@example.com", "Locked-pass-1");
        Map<String, String> wrong = map("grant_type", "password", "client_id", CLIENT_ID, "client_secret",
                CLIENT_SECRET, "username", "locked@example.com", "password", "wrong");
        assertOAuthError(token(wrong), 400, "invalid_grant", 106, "AUTHENTICATION_EXCEPTION");
        assertOAuthError(token(wrong), 400, "invalid_grant", 211, "LOGIN_TIMEOUT_EXCEPTION");
        for (int i = 2; i <= 10; i++) {
            CLOCK.advance(Duration.ofSeconds(1));
            assertOAuthError(token(wrong), 400, "invalid_grant", 106, "AUTHENTICATION_EXCEPTION");
        }
        CLOCK.advance(Duration.ofSeconds(1));
        assertOAuthError(token(wrong), 400, "invalid_grant", 212, "LOGIN_FREEZE_EXCEPTION");
        usersDb().getCollection("users").updateOne(new Document("_id", user),
                new Document("$set", new Document("failed_count", 50)));
        CLOCK.advance(Duration.ofMinutes(2));
        assertOAuthError(token(wrong), 400, "invalid_grant", 213, "TOO_MANY_FAILED_ATTEMPTS_EXCEPTION");
        // another account is not affected
        assertThat(login(ADMIN_EMAIL, ADMIN_PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void malformedEmptyAndWronglyTypedBodiesAreInvalidRequest() throws Exception {
        String path = "/auth/v2/oauth2/tokens";
        assertOAuthError(send("POST", path, "application/json", "{\"grant_type\": \"password\""), 400,
                "invalid_request", 22, "BODY_FORMAT_EXCEPTION");
        assertOAuthError(send("POST", path, "application/json", "[1,2]"), 400, "invalid_request", 22,
                "BODY_FORMAT_EXCEPTION");
        assertOAuthError(send("POST", path, "application/json", ""), 400, "invalid_request", 13,
                "EMPTY_BODY_EXCEPTION");
        assertOAuthError(send("POST", path, null, null), 400, "invalid_request", 13, "EMPTY_BODY_EXCEPTION");
        // axios' empty POST: form content type, no body
        assertOAuthError(send("POST", path, "application/x-www-form-urlencoded", ""), 400, "invalid_request", 13,
                "EMPTY_BODY_EXCEPTION");
        assertOAuthError(send("POST", path, "text/plain", "{\"grant_type\":\"password\"}"), 400, "invalid_request",
                22, "BODY_FORMAT_EXCEPTION");
        assertOAuthError(send("POST", path, "application/xml", "<grant/>"), 400, "invalid_request", 22,
                "BODY_FORMAT_EXCEPTION");
        assertOAuthError(postJson(path, "{\"grant_type\": 5, \"client_id\": \"x\"}"), 400, "invalid_request", 15,
                "FIELD_FORMAT_EXCEPTION");
        assertOAuthError(postJson(path, "{\"grant_type\": \"password\", \"username\": {\"$ne\": 1}}"), 400,
                "invalid_request", 15, "FIELD_FORMAT_EXCEPTION");
    }

    @Test
    void aHugePasswordIsAClear400() throws Exception {
        Response r = token(map("grant_type", "password", "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET,
                "username", ADMIN_EMAIL, "password", "p".repeat(1_000_000)));
        assertOAuthError(r, 400, "invalid_request", 15, "FIELD_FORMAT_EXCEPTION");
        assertThat(r.raw()).hasSizeLessThan(1000);
    }

    @Test
    void missingFieldsAreInvalidRequest14() throws Exception {
        assertOAuthError(token(map("client_id", CLIENT_ID, "client_secret", CLIENT_SECRET)), 400, "invalid_request",
                14, "MISSING_REQUIRED_FIELDS_EXCEPTION");
        assertOAuthError(token(map("grant_type", "password", "username", ADMIN_EMAIL, "password", ADMIN_PASSWORD)),
                400, "invalid_request", 14, "MISSING_REQUIRED_FIELDS_EXCEPTION");
        assertOAuthError(token(map("grant_type", "password", "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET,
                "username", ADMIN_EMAIL)), 400, "invalid_request", 14, "MISSING_REQUIRED_FIELDS_EXCEPTION");
        assertOAuthError(token(map("grant_type", "refresh_token", "client_id", CLIENT_ID, "client_secret",
                CLIENT_SECRET)), 400, "invalid_request", 14, "MISSING_REQUIRED_FIELDS_EXCEPTION");
        assertOAuthError(token(map("grant_type", "authorization_code", "client_id", CLIENT_ID, "client_secret",
                CLIENT_SECRET, "code", "")), 400, "invalid_request", 14, "MISSING_REQUIRED_FIELDS_EXCEPTION");
    }

    @Test
    void unsupportedGrantTypes() throws Exception {
        // ("mfa" is a grant now: MfaTest)
        for (String grant : List.of("client_credentials", "implicit", "urn:ietf:params:oauth:grant-type:device_code")) {
            assertOAuthError(token(map("grant_type", grant, "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET)),
                    400, "unsupported_grant_type", 121, "UNSUPPORTED_GRANT_EXCEPTION");
        }
    }

    @Test
    void formEncodedRequestsWorkToo() throws Exception {
        String form = "grant_type=password&client_id=" + CLIENT_ID + "&client_secret=" + CLIENT_SECRET
                + "&username=" + java.net.URLEncoder.encode(ADMIN_EMAIL, "UTF-8") + "&password=" + ADMIN_PASSWORD;
        Response r = send("POST", "/auth/v2/oauth2/tokens", "application/x-www-form-urlencoded;charset=UTF-8", form);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body().get("token_type").asString()).isEqualTo("bearer");
        assertOAuthError(send("POST", "/auth/v2/oauth2/tokens", "application/x-www-form-urlencoded",
                form + "&grant_type=password"), 400, "invalid_request", 22, "BODY_FORMAT_EXCEPTION");
    }
}
