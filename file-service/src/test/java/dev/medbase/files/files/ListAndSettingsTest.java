package dev.medbase.files.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.medbase.files.FilesTestBase;
import dev.medbase.platform.testing.TestTokens;
import tools.jackson.databind.JsonNode;

/** {@code GET /files/v1/{rql}} under VIEW_FILES, and the settings endpoints with their permissions. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ListAndSettingsTest extends FilesTestBase {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        infra(registry, "files-list-settings");
    }

    @Test
    void listIsRqlWithPagingAndTokens() throws Exception {
        String tag = "tag" + new ObjectId().toHexString();
        JsonNode a = uploadOk("alpha.txt", "text/plain", "a".getBytes(StandardCharsets.UTF_8), tag);
        uploadOk("beta.txt", "text/plain", "bb".getBytes(StandardCharsets.UTF_8), tag, "second");
        uploadOk("gamma.txt", "text/plain", "ccc".getBytes(StandardCharsets.UTF_8), tag);

        HttpResponse<String> r = send("GET", "/files/v1/?eq(tags," + tag + ")&sort(-size)&limit(2)", admin(), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode page = JSON.readTree(r.body());
        assertThat(page.propertyNames()).containsExactly("page", "data");
        assertThat(page.get("page").toString()).isEqualTo("{\"total\":3,\"offset\":0,\"limit\":2}");
        assertThat(page.get("data")).hasSize(2);
        assertThat(page.get("data").get(0).get("name").asString()).isEqualTo("gamma.txt");
        assertThat(page.get("data").get(0).get("tokens").get(0).get("accessLevel").asString()).isEqualTo("full");

        JsonNode byName = JSON.readTree(send("GET", "/files/v1?eq(name,alpha.txt)&eq(tags," + tag + ")", admin(),
                null).body());
        assertThat(byName.get("data")).hasSize(1);
        assertThat(byName.get("data").get(0)).isEqualTo(a);

        JsonNode second = JSON.readTree(send("GET", "/files/v1/?eq(tags,second)&select(name,size)", admin(), null)
                .body());
        assertThat(second.get("data").get(0).toString()).isEqualTo("{\"name\":\"beta.txt\",\"size\":2}");

        JsonNode mine = JSON.readTree(send("GET", "/files/v1/?eq(creatorId," + USER + ")&eq(tags," + tag
                + ")&skipCount()", admin(), null).body());
        assertThat(mine.get("data")).hasSize(3);
        assertThat(mine.get("page").has("total")).isFalse();

        JsonNode none = JSON.readTree(send("GET", "/files/v1/?eq(name,nothing-like-this)", admin(), null).body());
        assertThat(none.get("data")).isEmpty();
        assertThat(none.get("page").get("total").asLong()).isZero();

        String since = a.get("creationTimestamp").asString();
        JsonNode recent = JSON.readTree(send("GET", "/files/v1/?ge(creationTimestamp," + since + ")&eq(tags," + tag
                + ")", admin(), null).body());
        assertThat(recent.get("page").get("total").asLong()).isEqualTo(3);
    }

    @Test
    void listNeedsViewFiles() throws Exception {
        assertError(send("GET", "/files/v1/", null, null), 401, 104, "USER_NOT_AUTHENTICATED_EXCEPTION");
        assertError(send("GET", "/files/v1/", user(), null), 401, 10, "NO_PERMISSION_EXCEPTION");
        assertError(send("GET", "/files/v1/?eq(password,x)", admin(), null), 400, 19, "INVALID_RQL_EXCEPTION");
        assertError(send("GET", "/files/v1/?eq(name", admin(), null), 400, 19, "INVALID_RQL_EXCEPTION");
    }

    @Test
    void settingsNeedTheirPermissionsAndValidateTheirBody() throws Exception {
        String viewer = TestTokens.user(USER).permissions("VIEW_FILE_SERVICE_SETTINGS").token();
        String updater = TestTokens.user(USER).permissions("UPDATE_FILE_SERVICE_SETTINGS").token();
        assertError(send("GET", "/files/v1/settings", null, null), 401, 104, "USER_NOT_AUTHENTICATED_EXCEPTION");
        assertError(send("GET", "/files/v1/settings", user(), null), 401, 10, "NO_PERMISSION_EXCEPTION");
        assertError(send("PUT", "/files/v1/settings", viewer, "{\"disableForceDownloadForMimeTypes\":[]}"), 401, 10,
                "NO_PERMISSION_EXCEPTION");

        Instant before = Instant.now().minusMillis(5);
        HttpResponse<String> put = send("PUT", "/files/v1/settings", updater,
                "{\"disableForceDownloadForMimeTypes\":[\"image/png\",\"Application/PDF\",\"*/*\"]}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(put.body()).isEqualTo("{\"affectedRecords\":1}");

        HttpResponse<String> get = send("GET", "/files/v1/settings/", viewer, null);
        assertThat(get.statusCode()).isEqualTo(200);
        JsonNode settings = JSON.readTree(get.body());
        assertThat(settings.propertyNames()).containsExactly("disableForceDownloadForMimeTypes", "updateTimestamp");
        assertThat(settings.get("disableForceDownloadForMimeTypes").toString())
                .isEqualTo("[\"image/png\",\"application/pdf\",\"*/*\"]");
        assertThat(Instant.parse(settings.get("updateTimestamp").asString())).isAfter(before);

        assertError(send("PUT", "/files/v1/settings", updater, "{\"disableForceDownloadForMimeTypes\":[\"not a type\"]}"),
                400, 15, "FIELD_FORMAT_EXCEPTION");
        assertError(send("PUT", "/files/v1/settings", updater, "{\"disableForceDownloadForMimeTypes\":\"image/png\"}"),
                400, 15, "FIELD_FORMAT_EXCEPTION");
        assertError(send("PUT", "/files/v1/settings", updater, "{\"disableForceDownloadForMimeTypes\":[1]}"),
                400, 15, "FIELD_FORMAT_EXCEPTION");
        assertError(send("PUT", "/files/v1/settings", updater, "{}"), 400, 14, "MISSING_REQUIRED_FIELDS_EXCEPTION");
        assertError(send("PUT", "/files/v1/settings", updater, "{\"disableForce"), 400, 22, "BODY_FORMAT_EXCEPTION");
        send("PUT", "/files/v1/settings", updater, "{\"disableForceDownloadForMimeTypes\":[]}");
    }
}
