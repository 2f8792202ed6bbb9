package dev.medbase.data.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.medbase.data.testing.DataApiTest;
import dev.medbase.platform.testing.TestTokens;

/** Schemas over HTTP: §7.1 defaults, §7.5 #1–6 and their errors. */
class SchemaApiTest extends DataApiTest {

    private static final String ISO = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    @Test
    void createAppliesTheDefaultsOfTheContract() {
        String name = uniqueName("bp");
        Response r = post("/data/v1/", ADMIN_TOKEN, "{\"name\":\"" + name + "\",\"description\":\"Blood pressure\"}")
                .expect(200);
        JsonNode s = r.json();
        assertThat(s.path("id").asString()).matches("[0-9a-f]{24}");
        assertThat(s.path("name").asString()).isEqualTo(name);
        assertThat(s.path("description").asString()).isEqualTo("Blood pressure");
        assertThat(s.path("properties")).isEqualTo(json("{}"));
        assertThat(s.path("statuses")).isEqualTo(json("{\"new\":{}}"));
        assertThat(s.path("creationTransition")).isEqualTo(json("{\"type\":\"manual\",\"toStatus\":\"new\"}"));
        assertThat(s.path("transitions")).isEqualTo(json("[]"));
        assertThat(s.path("indexes")).isEqualTo(json("[]"));
        assertThat(s.path("createMode").asString()).isEqualTo("allUsers");
        assertThat(s.path("readMode")).isEqualTo(json("[\"linkedUsers\",\"linkedGroupStaff\"]"));
        assertThat(s.path("updateMode")).isEqualTo(json("[\"linkedUsers\",\"linkedGroupStaff\"]"));
        assertThat(s.path("deleteMode").asString()).isEqualTo("permissionRequired");
        assertThat(s.path("groupSyncMode").asString()).isEqualTo("disabled");
        assertThat(s.path("defaultLimit").asInt()).isEqualTo(20);
        assertThat(s.path("maximumLimit").asInt()).isEqualTo(100);
        assertThat(s.path("creationTimestamp").asString()).matches(ISO);
        assertThat(s.path("updateTimestamp").asString()).matches(ISO);
        assertThat(s.has("version")).isFalse();
        assertThat(s.has("_id")).isFalse();
        assertThat(s.has("disabled")).isFalse();
        // the key order of the transcript (Appendix B)
        assertThat(List.copyOf(s.propertyNames())).containsExactly("id", "name", "description", "properties",
                "statuses", "creationTransition", "transitions", "indexes", "createMode", "readMode", "updateMode",
                "deleteMode", "groupSyncMode", "defaultLimit", "maximumLimit", "creationTimestamp",
                "updateTimestamp");
    }

    @Test
    void findByIdAndByNameAreRqlListQueries() {
        String name = uniqueName("find");
        String id = createSchema("{\"name\":\"" + name + "\",\"description\":\"d\"}").path("id").asString();
        String user = TestTokens.user().token();
        JsonNode byId = get("/data/v1/?eq(id," + id + ")", user).expect(200).json();
        assertThat(byId.path("page").path("total").asInt()).isEqualTo(1);
        assertThat(byId.path("data").get(0).path("name").asString()).isEqualTo(name);
        JsonNode byName = get("/data/v1?eq(name," + rqlValue(name) + ")&select(id,name)", user).expect(200).json();
        assertThat(byName.path("data").get(0)).isEqualTo(json("{\"id\":\"" + id + "\",\"name\":\"" + name + "\"}"));
        JsonNode none = get("/data/v1/?eq(name,nothing-like-this)", user).expect(200).json();
        assertThat(none.path("data")).isEqualTo(json("[]"));
        assertThat(none.path("page")).isEqualTo(json("{\"total\":0,\"offset\":0,\"limit\":20}"));
    }

    @Test
    void disabledSchemasAreHiddenWithoutDisableSchemas() {
        String name = uniqueName("dis");
        String id = createSchema("{\"name\":\"" + name + "\"}").path("id").asString();
        assertThat(send("POST", "/data/v1/" + id + "/disable", ADMIN_TOKEN, null,
                "application/x-www-form-urlencoded", null).expect(200).affected()).isEqualTo(1);
        String user = TestTokens.user().token();
        assertThat(get("/data/v1/?eq(id," + id + ")", user).expect(200).json().path("data").size()).isZero();
        JsonNode seen = get("/data/v1/?eq(id," + id + ")", ADMIN_TOKEN).expect(200).json().path("data").get(0);
        assertThat(seen.path("disabled").asBoolean()).isTrue();
        post("/data/v1/" + name + "/enable", ADMIN_TOKEN, null).expect(200);
        assertThat(get("/data/v1/?eq(id," + id + ")", user).expect(200).json().path("data").size()).isOne();
    }

    @Test
    void updateRenamesAndChangesModesAndLimits() {
        String name = uniqueName("upd");
        String renamed = uniqueName("renamed");
        String id = createSchema("{\"name\":\"" + name + "\"}").path("id").asString();
        Response r = put("/data/v1/" + name, ADMIN_TOKEN, "{\"name\":\"" + renamed + "\",\"description\":\"x\","
                + "\"readMode\":\"allUsers\",\"updateMode\":\"creatorOnly\",\"deleteMode\":[\"creator\"],"
                + "\"defaultLimit\":5,\"maximumLimit\":10}").expect(200);
        assertThat(r.json()).isEqualTo(json("{\"affectedRecords\":1}"));
        JsonNode s = get("/data/v1/?eq(id," + id + ")", ADMIN_TOKEN).json().path("data").get(0);
        assertThat(s.path("name").asString()).isEqualTo(renamed);
        assertThat(s.path("readMode").asString()).isEqualTo("allUsers");
        assertThat(s.path("updateMode").asString()).isEqualTo("creatorOnly");
        assertThat(s.path("deleteMode")).isEqualTo(json("[\"creator\"]"));
        assertThat(s.path("defaultLimit").asInt()).isEqualTo(5);
        put("/data/v1/" + id, ADMIN_TOKEN, "{\"defaultLimit\":11}").error(400, 15);
        put("/data/v1/" + id, ADMIN_TOKEN, "{\"readMode\":\"everybody\"}").error(400, 15);
        put("/data/v1/" + id, ADMIN_TOKEN, "{\"updateMode\":\"allUsers\"}").error(400, 15);
    }

    @Test
    void documentRequestsSeeSchemaChangesMadeThroughThisServiceAtOnce() {
        String name = uniqueName("seen");
        String renamed = uniqueName("seen-renamed");
        String id = createSchema("{\"name\":\"" + name + "\"}").path("id").asString();
        String user = TestTokens.user().token();
        // both paths are resolved (and their checks kept for medbase.data.schema-recheck) before each change
        post("/data/v1/" + name + "/documents", user, "{}").expect(200);
        post("/data/v1/" + id + "/documents", user, "{}").expect(200);
        post("/data/v1/" + name + "/disable", ADMIN_TOKEN, null).expect(200);
        post("/data/v1/" + name + "/documents", user, "{}").error(400, 27);
        post("/data/v1/" + id + "/documents", user, "{}").error(400, 27);
        post("/data/v1/" + id + "/enable", ADMIN_TOKEN, null).expect(200);
        post("/data/v1/" + name + "/documents", user, "{}").expect(200);
        put("/data/v1/" + id, ADMIN_TOKEN, "{\"name\":\"" + renamed + "\"}").expect(200);
        post("/data/v1/" + name + "/documents", user, "{}").error(404, 16);
        post("/data/v1/" + renamed + "/documents", user, "{}").expect(200);
        post("/data/v1/" + id + "/disable", ADMIN_TOKEN, null).expect(200);
        delete("/data/v1/" + id, ADMIN_TOKEN).expect(200);
        get("/data/v1/" + id + "/documents", user).error(404, 16);
        get("/data/v1/" + renamed + "/documents", user).error(404, 16);
    }

    @Test
    void deleteOnlyADisabledSchema() {
        String name = uniqueName("del");
        createSchema("{\"name\":\"" + name + "\"}");
        delete("/data/v1/" + name, ADMIN_TOKEN).error(400, 27);
        post("/data/v1/" + name + "/disable", ADMIN_TOKEN, null).expect(200);
        assertThat(delete("/data/v1/" + name, ADMIN_TOKEN).expect(200).affected()).isEqualTo(1);
        delete("/data/v1/" + name, ADMIN_TOKEN).error(404, 16);
    }

    @Test
    void errors() {
        String name = uniqueName("err");
        createSchema("{\"name\":\"" + name + "\"}");
        post("/data/v1/", ADMIN_TOKEN, "{\"name\":\"" + name + "\"}").error(400, 17);
        post("/data/v1/", ADMIN_TOKEN, "{\"description\":\"no name\"}").error(400, 14);
        post("/data/v1/", ADMIN_TOKEN, "{\"name\":\"ab\"}").error(400, 15);
        post("/data/v1/", ADMIN_TOKEN, "{\"name\":12345}").error(400, 15);
        post("/data/v1/", ADMIN_TOKEN, "{\"name\":").error(400, 22);
        post("/data/v1/", ADMIN_TOKEN, "[1,2]").error(400, 22);
        post("/data/v1/", ADMIN_TOKEN, null).error(400, 13);
        post("/data/v1/", null, "{\"name\":\"anonymous\"}").error(401, 104);
        post("/data/v1/", TestTokens.user().token(), "{\"name\":\"nobody-may\"}").error(401, 10);
        put("/data/v1/" + name, TestTokens.user().token(), "{}").error(401, 10);
        put("/data/v1/no%20such", ADMIN_TOKEN, "{}").error(400, 416);
        put("/data/v1/no.such", ADMIN_TOKEN, "{}").error(400, 416);
        put("/data/v1/unknown-schema-x", ADMIN_TOKEN, "{}").error(404, 16);
        put("/data/v1/5e9fff9d90135a2a9a718e2f", ADMIN_TOKEN, "{}").error(404, 16);
        get("/data/v1/?eq(name", ADMIN_TOKEN).error(400, 19);
        get("/data/v1/?eq(password,x)", ADMIN_TOKEN).error(400, 19);
        get("/data/v1/", null).error(401, 104);
        post("/data/v1/", ADMIN_TOKEN, "{\"name\":\"" + uniqueName("m") + "\",\"maximumLimit\":0}").error(400, 15);
    }
}
