package dev.medbase.data.history;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.medbase.data.testing.DataApiTest;
import dev.medbase.platform.testing.TestTokens;

/** The document history extension: who changed what, when, through which transition. */
class HistoryApiTest extends DataApiTest {

    @Test
    void everyChangeIsAVersionUnderTheDocumentsReadAccess() {
        String schema = uniqueName("hist");
        createSchema("{\"name\":\"" + schema + "\",\"statuses\":{\"new\":{},\"done\":{}},"
                + "\"properties\":{\"v\":{\"type\":\"number\"}},"
                + "\"creationTransition\":{\"type\":\"manual\",\"toStatus\":\"new\",\"actions\":[{\"type\":\"linkCreator\"}]},"
                + "\"transitions\":[{\"name\":\"finish\",\"fromStatuses\":[\"new\"],\"toStatus\":\"done\"}]}");
        TestTokens.Builder owner = TestTokens.user();
        String id = post("/data/v1/" + schema + "/documents", owner.token(), "{\"v\":1}").expect(200).json()
                .path("id").asString();
        String docPath = "/data/v1/" + schema + "/documents/" + id;
        put(docPath, owner.token(), "{\"v\":2}").expect(200);
        post(docPath + "/transition", owner.token(), "{\"name\":\"finish\",\"data\":{\"v\":3}}").expect(200);

        JsonNode history = get(docPath + "/history", owner.token()).expect(200).json();
        assertThat(history.path("page").path("total").asInt()).isEqualTo(3);
        JsonNode versions = history.path("data");
        assertThat(versions.get(0).path("operation").asString()).isEqualTo("create");
        assertThat(versions.get(0).path("userId").asString()).isEqualTo(owner.id());
        assertThat(versions.get(0).path("document").path("data")).isEqualTo(json("{\"v\":1}"));
        assertThat(versions.get(1).path("operation").asString()).isEqualTo("update");
        assertThat(versions.get(1).path("fields")).isEqualTo(json("[\"v\"]"));
        assertThat(versions.get(1).path("document").path("data")).isEqualTo(json("{\"v\":2}"));
        assertThat(versions.get(2).path("operation").asString()).isEqualTo("transition");
        assertThat(versions.get(2).path("transitions").get(0).path("name").asString()).isEqualTo("finish");
        assertThat(versions.get(2).path("transitions").get(0).path("fromStatus").asString()).isEqualTo("new");
        assertThat(versions.get(2).path("document").path("status").asString()).isEqualTo("done");
        assertThat(versions.get(2).path("creationTimestamp").asString()).endsWith("Z");

        JsonNode newestFirst = get(docPath + "/history?sort(-creationTimestamp)&limit(1)", owner.token()).json();
        assertThat(newestFirst.path("data").get(0).path("operation").asString()).isEqualTo("transition");
        assertThat(get(docPath + "/history?eq(operation,update)", owner.token()).json().path("page").path("total")
                .asInt()).isOne();

        get(docPath + "/history", TestTokens.user().token()).error(404, 16);
        get(docPath + "/history", null).error(401, 104);

        delete(docPath, ADMIN_TOKEN).expect(200);
        get(docPath + "/history", owner.token()).error(404, 16);
        JsonNode afterDelete = get(docPath + "/history", ADMIN_TOKEN).expect(200).json();
        assertThat(afterDelete.path("page").path("total").asInt()).isEqualTo(4);
        assertThat(afterDelete.path("data").get(3).path("operation").asString()).isEqualTo("delete");
    }
}
