package dev.medbase.data.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.medbase.data.testing.DataApiTest;
import dev.medbase.platform.testing.TestTokens;

/** Properties, statuses, creation transition, transitions and indexes of a schema (§7.5 #7–18). */
class SchemaPartsApiTest extends DataApiTest {

    private String name;
    private String id;

    @BeforeEach
    void schema() {
        name = uniqueName("parts");
        id = createSchema("{\"name\":\"" + name + "\",\"readMode\":\"allUsers\"}").path("id").asString();
    }

    private JsonNode current() {
        return get("/data/v1/?eq(id," + id + ")", ADMIN_TOKEN).expect(200).json().path("data").get(0);
    }

    @Test
    void propertiesByDotPath() {
        String base = "/data/v1/" + name + "/properties";
        assertThat(post(base, ADMIN_TOKEN, "{\"name\":\"address\",\"configuration\":{\"type\":\"object\","
                + "\"required\":[\"street\"]}}").expect(200).json()).isEqualTo(json("{\"affectedRecords\":1}"));
        post(base, ADMIN_TOKEN, "{\"name\":\"address.street\",\"configuration\":{\"type\":\"string\"}}").expect(200);
        post(base, ADMIN_TOKEN, "{\"name\":\"readings\",\"configuration\":{\"type\":\"array\",\"items\":"
                + "{\"type\":\"object\"}}}").expect(200);
        post(base, ADMIN_TOKEN, "{\"name\":\"readings.value\",\"configuration\":{\"type\":\"number\"}}").expect(200);
        assertThat(current().path("properties")).isEqualTo(json("""
                {"address":{"type":"object","required":["street"],"properties":{"street":{"type":"string"}}},
                 "readings":{"type":"array","items":{"type":"object","properties":{"value":{"type":"number"}}}}}"""));
        post(base, ADMIN_TOKEN, "{\"name\":\"address.street\",\"configuration\":{\"type\":\"string\"}}")
                .error(400, 17);
        post(base, ADMIN_TOKEN, "{\"name\":\"nowhere.street\",\"configuration\":{\"type\":\"string\"}}")
                .error(404, 16);
        post(base, ADMIN_TOKEN, "{\"name\":\"x\"}").error(400, 14);
        post(base, ADMIN_TOKEN, "{\"name\":\"x\",\"configuration\":{\"type\":\"integer\"}}").error(400, 26);
        post(base, ADMIN_TOKEN, "{\"name\":\"x\",\"configuration\":{\"type\":\"array\"}}").error(400, 26);
        post(base, ADMIN_TOKEN, "{\"name\":\"x\",\"configuration\":{\"type\":\"string\",\"pattern\":\"([a-\"}}")
                .error(400, 26);
        post(base, ADMIN_TOKEN, "{\"name\":\"x\",\"configuration\":{\"type\":\"string\",\"minimum\":1}}")
                .error(400, 26);
        post(base, ADMIN_TOKEN, "{\"name\":\"x\",\"configuration\":{\"type\":\"string\",\"format\":\"email\"}}")
                .error(400, 26);
        post(base, ADMIN_TOKEN, "{\"name\":\"$x\",\"configuration\":{\"type\":\"string\"}}").error(400, 26);

        // the new definition applies at once: documents are validated against it
        post("/data/v1/" + name + "/documents", ADMIN_TOKEN, "{\"address\":{}}").error(400, 26);
        post("/data/v1/" + name + "/documents", ADMIN_TOKEN, "{\"address\":{\"street\":\"Main\"}}").expect(200);

        put(base + "/address.street", ADMIN_TOKEN, "{\"type\":\"number\"}").expect(200);
        assertThat(current().path("properties").path("address").path("properties").path("street"))
                .isEqualTo(json("{\"type\":\"number\"}"));
        put(base + "/address.nothing", ADMIN_TOKEN, "{\"type\":\"number\"}").error(404, 16);
        put(base + "/address.street", ADMIN_TOKEN, "{\"type\":\"nope\"}").error(400, 26);
        delete(base + "/address.street", ADMIN_TOKEN).expect(200);
        assertThat(current().path("properties").path("address"))
                .isEqualTo(json("{\"type\":\"object\",\"required\":[],\"properties\":{}}"));
        delete(base + "/address.street", ADMIN_TOKEN).error(404, 16);
        put(base + "/address", TestTokens.user().token(), "{\"type\":\"number\"}").error(401, 10);
    }

    @Test
    void statusesInBothUpdateForms() {
        String base = "/data/v1/" + name + "/statuses";
        post(base, ADMIN_TOKEN, "{\"name\":\"done\",\"data\":{\"label\":\"Done\"}}").expect(200);
        post(base, ADMIN_TOKEN, "{\"name\":\"done\"}").error(400, 17);
        put(base + "/done", ADMIN_TOKEN, "{\"label\":\"Finished\"}").expect(200);
        assertThat(current().path("statuses").path("done")).isEqualTo(json("{\"label\":\"Finished\"}"));
        put(base + "/done", ADMIN_TOKEN, "{\"data\":{\"label\":\"Closed\",\"colour\":\"grey\"}}").expect(200);
        assertThat(current().path("statuses").path("done"))
                .isEqualTo(json("{\"label\":\"Closed\",\"colour\":\"grey\"}"));
        put(base + "/done", ADMIN_TOKEN, "{\"label\":5}").error(400, 15);
        put(base + "/unknown", ADMIN_TOKEN, "{}").error(404, 16);
        delete(base + "/new", ADMIN_TOKEN).error(400, 414); // the creation transition goes there
        assertThat(delete(base + "/done", ADMIN_TOKEN).expect(200).affected()).isOne();
        delete(base + "/done", ADMIN_TOKEN).error(404, 16);
    }

    @Test
    void transitionsCreateReturnsTheTransitionWithItsId() {
        post("/data/v1/" + name + "/statuses", ADMIN_TOKEN, "{\"name\":\"done\"}").expect(200);
        JsonNode t = post("/data/v1/" + name + "/transitions", ADMIN_TOKEN,
                "{\"name\":\"finish\",\"type\":\"manual\",\"fromStatuses\":[\"new\"],\"toStatus\":\"done\","
                        + "\"actions\":[{\"type\":\"set\",\"field\":\"finished\",\"value\":true}]}").expect(200).json();
        String tid = t.path("id").asString();
        assertThat(tid).matches("[0-9a-f]{24}");
        assertThat(t).isEqualTo(json("{\"id\":\"" + tid + "\",\"name\":\"finish\",\"type\":\"manual\","
                + "\"fromStatuses\":[\"new\"],\"toStatus\":\"done\","
                + "\"actions\":[{\"type\":\"set\",\"field\":\"finished\",\"value\":true}]}"));
        assertThat(current().path("transitions").get(0)).isEqualTo(t);
        delete("/data/v1/" + name + "/statuses/done", ADMIN_TOKEN).error(400, 414);

        put("/data/v1/" + name + "/transitions/" + tid, ADMIN_TOKEN,
                "{\"name\":\"close\",\"type\":\"manual\",\"fromStatuses\":[\"new\"],\"toStatus\":\"done\"}")
                .expect(200);
        assertThat(current().path("transitions").get(0).path("name").asString()).isEqualTo("close");
        assertThat(current().path("transitions").get(0).path("id").asString()).isEqualTo(tid);
        put("/data/v1/" + name + "/transitions/5e9fff9d90135a2a9a718e2f", ADMIN_TOKEN,
                "{\"fromStatuses\":[\"new\"],\"toStatus\":\"done\"}").error(404, 16);

        put("/data/v1/" + name + "/creationTransition", ADMIN_TOKEN,
                "{\"type\":\"manual\",\"toStatus\":\"done\",\"actions\":[{\"type\":\"linkCreator\"}]}").expect(200);
        assertThat(current().path("creationTransition")).isEqualTo(json(
                "{\"type\":\"manual\",\"toStatus\":\"done\",\"actions\":[{\"type\":\"linkCreator\"}]}"));
        JsonNode doc = post("/data/v1/" + name + "/documents", ADMIN_TOKEN, "{}").expect(200).json();
        assertThat(doc.path("status").asString()).isEqualTo("done");
        assertThat(doc.path("userIds").size()).isOne();

        assertThat(delete("/data/v1/" + name + "/transitions/" + tid, ADMIN_TOKEN).expect(200).affected()).isOne();
        delete("/data/v1/" + name + "/transitions/" + tid, ADMIN_TOKEN).error(404, 16);
        assertThat(current().path("transitions")).isEqualTo(json("[]"));
    }

    @Test
    void indexesAreRealAndUniqueViolationsAre17() {
        JsonNode index = post("/data/v1/" + name + "/indexes", ADMIN_TOKEN,
                "{\"fields\":[{\"name\":\"data.serial\",\"type\":\"asc\"}],\"options\":{\"unique\":true}}")
                .expect(200).json();
        String indexId = index.path("id").asString();
        assertThat(index).isEqualTo(json("{\"id\":\"" + indexId + "\",\"name\":\"data.serial_1\",\"fields\":"
                + "[{\"name\":\"data.serial\",\"type\":\"asc\"}],\"options\":{\"unique\":true},\"system\":false}"));
        assertThat(current().path("indexes").get(0)).isEqualTo(index);
        post("/data/v1/" + name + "/indexes", ADMIN_TOKEN,
                "{\"fields\":[{\"name\":\"data.serial\",\"type\":\"asc\"}]}").error(400, 17);
        assertThat(mongo.getCollection("documents_" + id).listIndexes().into(new java.util.ArrayList<>()).stream()
                .map(i -> i.getString("name"))).contains("data.serial_1");

        post("/data/v1/" + name + "/documents", ADMIN_TOKEN, "{\"serial\":\"A1\"}").expect(200);
        post("/data/v1/" + name + "/documents", ADMIN_TOKEN, "{\"serial\":\"A1\"}").error(400, 17);
        String second = post("/data/v1/" + name + "/documents", ADMIN_TOKEN, "{\"serial\":\"B2\"}").expect(200)
                .json().path("id").asString();
        put("/data/v1/" + name + "/documents/" + second, ADMIN_TOKEN, "{\"serial\":\"A1\"}").error(400, 17);
        // the failed update released its lock
        put("/data/v1/" + name + "/documents/" + second, ADMIN_TOKEN, "{\"serial\":\"C3\"}").expect(200);

        post("/data/v1/" + name + "/indexes", ADMIN_TOKEN, "{\"fields\":[]}").error(400, 26);
        post("/data/v1/" + name + "/indexes", ADMIN_TOKEN, "{\"fields\":[{\"name\":\"x\",\"type\":\"up\"}]}")
                .error(400, 26);
        post("/data/v1/" + name + "/indexes", ADMIN_TOKEN, "{}").error(400, 14);
        post("/data/v1/" + name + "/indexes", ADMIN_TOKEN, "{\"fields\":[{\"name\":\"notes\",\"type\":\"text\"}]}")
                .expect(200);
        post("/data/v1/" + name + "/indexes", ADMIN_TOKEN, "{\"fields\":[{\"name\":\"body\",\"type\":\"text\"}]}")
                .error(400, 27);

        assertThat(delete("/data/v1/" + name + "/indexes/" + indexId, ADMIN_TOKEN).expect(200).affected()).isOne();
        delete("/data/v1/" + name + "/indexes/" + indexId, ADMIN_TOKEN).error(404, 16);
        post("/data/v1/" + name + "/documents", ADMIN_TOKEN, "{\"serial\":\"A1\"}").expect(200);
    }

    @Test
    void concurrentChangesAreAllKept() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            java.util.List<java.util.concurrent.Future<Response>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int n = i;
                calls.add(pool.submit(() -> post("/data/v1/" + name + "/properties", ADMIN_TOKEN,
                        "{\"name\":\"p" + n + "\",\"configuration\":{\"type\":\"number\"}}")));
            }
            for (java.util.concurrent.Future<Response> call : calls) {
                call.get().expect(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(current().path("properties").propertyNames()).containsExactlyInAnyOrder("p0", "p1", "p2", "p3",
                "p4", "p5");
    }

    @Test
    void schemaEventsAreOutboxed() {
        assertThat(events(id, "schema_created")).singleElement()
                .isEqualTo(json("{\"id\":\"" + id + "\",\"name\":\"" + name + "\"}"));
        post("/data/v1/" + name + "/statuses", ADMIN_TOKEN, "{\"name\":\"x\"}").expect(200);
        assertThat(events(id, "schema_updated")).singleElement().isEqualTo(
                json("{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"change\":\"statuses\"}"));
        post("/data/v1/" + name + "/disable", ADMIN_TOKEN, null).expect(200);
        assertThat(events(id, "schema_disabled")).hasSize(1);
        // a disabled schema takes no documents
        post("/data/v1/" + name + "/documents", ADMIN_TOKEN, "{}").error(400, 27);
        delete("/data/v1/" + name, ADMIN_TOKEN).expect(200);
        assertThat(events(id, "schema_deleted")).hasSize(1);
    }
}
