package dev.medbase.auth.applications;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import dev.medbase.auth.AuthIntegrationTest;
import tools.jackson.databind.JsonNode;

/** {@code /auth/v2/applications}: permissions, wire shapes, versions and bad input. */
class ApplicationsApiTest extends AuthIntegrationTest {

    static final String PATH = "/auth/v2/applications";

    Map<String, Object> oauth2(String name) {
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("type", "oauth2");
        app.put("name", name);
        app.put("description", "An app");
        app.put("logo", "https://example.com/logo.png");
        app.put("redirectUris", List.of("https://example.com/cb"));
        app.put("confidential", true);
        return app;
    }

    @Test
    void permissionChecks() throws Exception {
        assertExhError(postJson(PATH, oauth2("x")), 401, 104, "USER_NOT_AUTHENTICATED_EXCEPTION");
        assertExhError(postJson(PATH, oauth2("x"), "Authorization", "Bearer garbage"), 401, 117,
                "ACCESS_TOKEN_UNKNOWN_EXCEPTION");
        createUser("noperm@example.com", "Noperm-pass-1", "VIEW_EVENTS");
        String noPermission = login("noperm@example.com", "Noperm-pass-1").body().get("access_token").asString();
        assertExhError(postJson(PATH, oauth2("x"), "Authorization", bearer(noPermission)), 401, 10,
                "NO_PERMISSION_EXCEPTION");
        assertExhError(send("PUT", PATH + "/" + new ObjectId(), "application/json", "{\"type\":\"oauth2\"}",
                "Authorization", bearer(noPermission)), 401, 10, "NO_PERMISSION_EXCEPTION");
        assertExhError(send("DELETE", PATH + "/" + new ObjectId(), null, null, "Authorization",
                bearer(noPermission)), 401, 10, "NO_PERMISSION_EXCEPTION");
        assertExhError(postJson(PATH + "/" + new ObjectId() + "/versions", Map.of("name", "v"), "Authorization",
                bearer(noPermission)), 401, 10, "NO_PERMISSION_EXCEPTION");

        createUser("creator@example.com", "Creator-pass-1", "CREATE_APPLICATIONS");
        String creator = login("creator@example.com", "Creator-pass-1").body().get("access_token").asString();
        assertThat(postJson(PATH, oauth2("allowed"), "Authorization", bearer(creator)).status()).isEqualTo(200);

        // without VIEW_APPLICATIONS the listing only shows name, description, logo, type
        Response summary = send("GET", PATH + "?eq(name,allowed)", null, null, "Authorization", bearer(creator));
        assertThat(summary.status()).isEqualTo(200);
        assertThat(summary.body().get("data").get(0).properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("name", "description", "logo", "type");
        assertExhError(send("GET", PATH, null, null), 401, 104, "USER_NOT_AUTHENTICATED_EXCEPTION");

        // an expired token (5 min, plus the platform's 5 s clock skew) is 118, which makes the SDK refresh
        CLOCK.advance(Duration.ofMinutes(5).plusSeconds(6));
        assertExhError(postJson(PATH, oauth2("late"), "Authorization", bearer(creator)), 401, 118,
                "ACCESS_TOKEN_EXPIRED_EXCEPTION");
    }

    @Test
    void createListUpdateDeleteWithWireShapes() throws Exception {
        String admin = adminToken();
        String name = "crud-" + new ObjectId();
        Response created = postJson(PATH, oauth2(name), "Authorization", bearer(admin));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        JsonNode app = created.body();
        String id = app.get("id").asString();
        assertThat(id).matches("[0-9a-f]{24}");
        assertThat(app.get("type").asString()).isEqualTo("oauth2");
        assertThat(app.get("name").asString()).isEqualTo(name);
        assertThat(app.get("redirectUris").toString()).isEqualTo("[\"https://example.com/cb\"]");
        assertThat(app.get("confidential").asBoolean()).isTrue();
        assertThat(app.get("versions").size()).isZero();
        assertThat(app.get("creationTimestamp").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

        Response byId = send("GET", PATH + "?eq(id," + id + ")", null, null, "Authorization", bearer(admin));
        assertThat(byId.body().get("page").toString()).isEqualTo("{\"total\":1,\"offset\":0,\"limit\":20}");
        assertThat(byId.body().get("data").get(0).get("name").asString()).isEqualTo(name);
        Response byName = send("GET", PATH + "?eq(name," + name + ")&limit(5)", null, null, "Authorization",
                bearer(admin));
        assertThat(byName.body().get("data").get(0).get("id").asString()).isEqualTo(id);
        assertThat(byName.body().get("page").get("limit").asInt()).isEqualTo(5);
        Response none = send("GET", PATH + "?eq(id," + new ObjectId() + ")", null, null, "Authorization",
                bearer(admin));
        assertThat(none.body().get("data").size()).isZero();
        assertThat(none.body().get("page").get("total").asInt()).isZero();

        Response updated = send("PUT", PATH + "/" + id, "application/json",
                "{\"type\":\"oauth2\",\"name\":\"renamed\",\"redirectUris\":[]}", "Authorization", bearer(admin));
        assertThat(updated.raw()).isEqualTo("{\"affectedRecords\":1}");
        assertThat(send("GET", PATH + "?eq(id," + id + ")", null, null, "Authorization", bearer(admin)).body()
                .get("data").get(0).get("name").asString()).isEqualTo("renamed");
        // the type must match
        assertExhError(send("PUT", PATH + "/" + id, "application/json", "{\"type\":\"oauth1\",\"name\":\"x\"}",
                "Authorization", bearer(admin)), 404, 16, "RESOURCE_UNKNOWN_EXCEPTION");

        assertThat(send("DELETE", PATH + "/" + id, null, null, "Authorization", bearer(admin)).raw())
                .isEqualTo("{\"affectedRecords\":1}");
        assertExhError(send("DELETE", PATH + "/" + id, null, null, "Authorization", bearer(admin)), 404, 16,
                "RESOURCE_UNKNOWN_EXCEPTION");
    }

    @Test
    void listingsTakeRqlLikeSortLimitAndSelect() throws Exception {
        String admin = bearer(adminToken());
        String tag = "rql-" + new ObjectId();
        for (String suffix : List.of("b", "a", "c")) {
            Map<String, Object> app = oauth2(tag + "-" + suffix);
            app.put("description", suffix.equals("c") ? "the third" : "one of the first");
            assertThat(postJson(PATH, app, "Authorization", admin).status()).isEqualTo(200);
        }
        // like: case-insensitive substring; sort descending; limit(2, 1) skips the first
        Response page = send("GET", PATH + "?like(name," + tag.toUpperCase() + ")&sort(-name)&limit(2,1)", null,
                null, "Authorization", admin);
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        assertThat(page.body().get("page").toString()).isEqualTo("{\"total\":3,\"offset\":1,\"limit\":2}");
        assertThat(names(page)).containsExactly(tag + "-b", tag + "-a");

        Response sorted = send("GET", PATH + "?like(name," + tag + ")&sort(+name)", null, null, "Authorization",
                admin);
        assertThat(names(sorted)).containsExactly(tag + "-a", tag + "-b", tag + "-c");
        Response filtered = send("GET", PATH + "?and(like(name," + tag + "),like(description,third))", null, null,
                "Authorization", admin);
        assertThat(names(filtered)).containsExactly(tag + "-c");

        // limits above 100 are capped; skipCount() leaves the total out; select() returns only what was asked
        Response capped = send("GET", PATH + "?like(name," + tag + ")&limit(1000)&skipCount()&select(name)", null,
                null, "Authorization", admin);
        assertThat(capped.body().get("page").toString()).isEqualTo("{\"offset\":0,\"limit\":100}");
        assertThat(capped.body().get("data").get(0).has("description")).isFalse();
        assertThat(names(capped)).hasSize(3);
    }

    static List<String> names(Response r) {
        List<String> names = new java.util.ArrayList<>();
        r.body().get("data").forEach(app -> names.add(app.get("name").asString()));
        return names;
    }

    @Test
    void versionsShowTheSecretOnceAndStoreItHashed() throws Exception {
        String admin = adminToken();
        String id = postJson(PATH, oauth2("versions-" + new ObjectId()), "Authorization", bearer(admin)).body()
                .get("id").asString();
        Response v = postJson(PATH + "/" + id + "/versions", Map.of("name", "1.0"), "Authorization", bearer(admin));
        assertThat(v.status()).as(v.toString()).isEqualTo(200);
        String clientId = v.body().get("clientId").asString();
        String secret = v.body().get("clientSecret").asString();
        assertThat(clientId).matches("[0-9a-f]{40}");
        assertThat(secret).matches("[0-9a-f]{64}");
        assertThat(v.body().get("name").asString()).isEqualTo("1.0");
        assertThat(mongo.findAll(org.bson.Document.class, "applications").toString()).doesNotContain(secret);

        JsonNode listed = send("GET", PATH + "?eq(id," + id + ")", null, null, "Authorization", bearer(admin))
                .body().get("data").get(0).get("versions").get(0);
        assertThat(listed.get("clientId").asString()).isEqualTo(clientId);
        assertThat(listed.has("clientSecret")).isFalse();

        // the new version authenticates at the token endpoint
        assertThat(token(map("grant_type", "password", "client_id", clientId, "client_secret", secret, "username",
                ADMIN_EMAIL, "password", ADMIN_PASSWORD)).status()).isEqualTo(200);

        assertExhError(postJson(PATH + "/" + id + "/versions", Map.of("name", "1.0"), "Authorization",
                bearer(admin)), 400, 17, "RESOURCE_ALREADY_EXISTS_EXCEPTION");
        assertExhError(postJson(PATH + "/" + new ObjectId() + "/versions", Map.of("name", "1.0"), "Authorization",
                bearer(admin)), 404, 16, "RESOURCE_UNKNOWN_EXCEPTION");

        String versionId = v.body().get("id").asString();
        assertThat(send("DELETE", PATH + "/" + id + "/versions/" + versionId, null, null, "Authorization",
                bearer(admin)).raw()).isEqualTo("{\"affectedRecords\":1}");
        assertOAuthError(token(map("grant_type", "password", "client_id", clientId, "client_secret", secret,
                "username", ADMIN_EMAIL, "password", ADMIN_PASSWORD)), 401, "invalid_client", 123,
                "OAUTH2_CLIENT_ID_EXCEPTION");
    }

    @Test
    void oauth1ApplicationsGetConsumerKeys() throws Exception {
        String admin = adminToken();
        Response created = postJson(PATH, Map.of("type", "oauth1", "name", "cli-" + new ObjectId(),
                "description", "CLI"), "Authorization", bearer(admin));
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.body().has("redirectUris")).isFalse();
        assertThat(created.body().has("confidential")).isFalse();
        Response v = postJson(PATH + "/" + created.body().get("id").asString() + "/versions", Map.of("name", "v1"),
                "Authorization", bearer(admin));
        assertThat(v.body().get("consumerKey").asString()).matches("[0-9a-f]{40}");
        assertThat(v.body().get("consumerSecret").asString()).matches("[0-9a-f]{40}");
        assertThat(v.body().has("clientSecret")).isFalse();
    }

    @Test
    void badInput() throws Exception {
        String auth = bearer(adminToken());
        assertExhError(send("POST", PATH, "application/json", "{\"type\":", "Authorization", auth), 400, 22,
                "BODY_FORMAT_EXCEPTION");
        assertExhError(send("POST", PATH, "application/json", "", "Authorization", auth), 400, 13,
                "EMPTY_BODY_EXCEPTION");
        assertExhError(postJson(PATH, "{\"type\":\"oauth2\",\"name\":{\"a\":1}}", "Authorization", auth), 400, 15,
                "FIELD_FORMAT_EXCEPTION");
        assertExhError(postJson(PATH, "{\"type\":\"oauth2\",\"name\":\"n\",\"redirectUris\":\"https://x\"}",
                "Authorization", auth), 400, 15, "FIELD_FORMAT_EXCEPTION");
        assertExhError(postJson(PATH, "{\"type\":\"oauth2\",\"name\":\"n\",\"confidential\":\"maybe\"}",
                "Authorization", auth), 400, 15, "FIELD_FORMAT_EXCEPTION");
        assertExhError(postJson(PATH, "{\"type\":\"oauth2\",\"description\":\"no name\"}", "Authorization", auth), 400,
                14, "MISSING_REQUIRED_FIELDS_EXCEPTION");
        assertExhError(postJson(PATH, "{\"name\":\"no type\"}", "Authorization", auth), 400, 14,
                "MISSING_REQUIRED_FIELDS_EXCEPTION");
        assertExhError(postJson(PATH, "{\"type\":\"oauth3\",\"name\":\"n\"}", "Authorization", auth), 400, 15,
                "FIELD_FORMAT_EXCEPTION");
        assertExhError(postJson(PATH, Map.of("type", "oauth2", "name", "n".repeat(101)), "Authorization", auth), 400,
                15, "FIELD_FORMAT_EXCEPTION");
        assertExhError(postJson(PATH, Map.of("type", "oauth2", "name", "n", "description", "d".repeat(1_000_000)),
                "Authorization", auth), 400, 15, "FIELD_FORMAT_EXCEPTION");
        assertExhError(postJson(PATH, Map.of("type", "oauth2", "name", "n", "redirectUris", List.of("not a uri")),
                "Authorization", auth), 400, 15, "FIELD_FORMAT_EXCEPTION");
        assertExhError(send("PUT", PATH + "/not-an-id", "application/json", "{\"type\":\"oauth2\"}", "Authorization",
                auth), 400, 12, "ID_FORMAT_EXCEPTION");
        assertExhError(send("DELETE", PATH + "/zzz", null, null, "Authorization", auth), 400, 12,
                "ID_FORMAT_EXCEPTION");
        assertExhError(send("PUT", PATH + "/" + new ObjectId(), "application/json", "{\"type\":\"oauth2\"}",
                "Authorization", auth), 404, 16, "RESOURCE_UNKNOWN_EXCEPTION");
        assertExhError(send("GET", PATH + "?eq(name", null, null, "Authorization", auth), 400, 19,
                "INVALID_RQL_EXCEPTION");
        assertExhError(send("GET", PATH + "?eq(secret,x)", null, null, "Authorization", auth), 400, 19,
                "INVALID_RQL_EXCEPTION");
        assertExhError(send("GET", PATH + "?sort(versions.clientSecretHash)", null, null, "Authorization", auth),
                400, 19, "INVALID_RQL_EXCEPTION");
        assertExhError(postJson(PATH + "/" + new ObjectId() + "/versions", "{}", "Authorization", auth), 400, 14,
                "MISSING_REQUIRED_FIELDS_EXCEPTION");
    }
}
