package dev.medbase.data.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.medbase.data.testing.DataApiTest;
import dev.medbase.platform.testing.TestTokens;

/** Documents over HTTP: §7.4 wire shape, §7.5 #19–31, RQL on data.*, limits, gzip. */
class DocumentApiTest extends DataApiTest {

    private static final String ISO = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";
    private static final TestTokens.Builder ALICE = TestTokens.user();
    private static final String ALICE_TOKEN = ALICE.token();

    private String schema;

    @BeforeEach
    void schema() {
        schema = uniqueName("bp");
        createSchema("""
                {"name":"%s","description":"Blood pressure","readMode":"allUsers","updateMode":["creator"],
                 "properties":{
                   "systolic":{"type":"number","minimum":0,"maximum":300},
                   "diastolic":{"type":"number"},
                   "deviceId":{"type":"string"},
                   "timestamp":{"type":"string","format":"date-time"},
                   "tags":{"type":"array","items":{"type":"string"}},
                   "readings":{"type":"array","items":{"type":"object","properties":{
                      "value":{"type":"number"},"at":{"type":"string","format":"date-time"}}}},
                   "location":{"type":"object","properties":{"latitude":{"type":"number"},
                      "longitude":{"type":"number"}}}
                 }}""".formatted(schema));
    }

    private JsonNode create(String token, String body) {
        return post("/data/v1/" + schema + "/documents", token, body).expect(200).json();
    }

    @Test
    void createReturnsTheDocumentOnTheWire() {
        JsonNode doc = create(ALICE_TOKEN,
                "{\"systolic\":120,\"diastolic\":80,\"timestamp\":\"2012-08-22T14:16:05.677+02:00\",\"x\":{\"y\":1}}");
        assertThat(List.copyOf(doc.propertyNames())).containsExactly("id", "userIds", "groupIds", "creatorId",
                "status", "statusChangedTimestamp", "data", "creationTimestamp", "updateTimestamp");
        assertThat(doc.path("id").asString()).matches("[0-9a-f]{24}");
        assertThat(doc.path("creatorId").asString()).isEqualTo(ALICE.id());
        assertThat(doc.path("userIds")).isEqualTo(json("[]"));
        assertThat(doc.path("groupIds")).isEqualTo(json("[]"));
        assertThat(doc.path("status").asString()).isEqualTo("new");
        assertThat(doc.path("statusChangedTimestamp").asString()).matches(ISO);
        assertThat(doc.path("creationTimestamp").asString()).matches(ISO);
        assertThat(doc.path("data")).isEqualTo(json(
                "{\"systolic\":120,\"diastolic\":80,\"timestamp\":\"2012-08-22T12:16:05.677Z\",\"x\":{\"y\":1}}"));
        JsonNode found = get("/data/v1/" + schema + "/documents?eq(id," + doc.path("id").asString() + ")", ALICE_TOKEN)
                .expect(200).json();
        assertThat(found.path("data").get(0)).isEqualTo(doc);
    }

    @Test
    void dateTimesAcceptAnyIsoInputAndAreStoredInUtc() {
        assertThat(create(ALICE_TOKEN, "{\"timestamp\":\"2012\"}").path("data").path("timestamp").asString())
                .isEqualTo("2012-01-01T00:00:00.000Z");
        assertThat(create(ALICE_TOKEN, "{\"readings\":[{\"value\":1,\"at\":\"2020-02-03T04:05:06-01:00\"}]}")
                .path("data").path("readings").get(0).path("at").asString()).isEqualTo("2020-02-03T05:05:06.000Z");
        JsonNode e = post("/data/v1/" + schema + "/documents", ALICE_TOKEN, "{\"timestamp\":\"yesterday\"}")
                .error(400, 26).json();
        assertThat(e.path("message").asString()).contains("data.timestamp");
    }

    @Test
    void invalidDataIs26NamingThePath() {
        String m = post("/data/v1/" + schema + "/documents", ALICE_TOKEN, "{\"systolic\":\"high\"}").error(400, 26)
                .json().path("message").asString();
        assertThat(m).contains("data.systolic");
        m = post("/data/v1/" + schema + "/documents", ALICE_TOKEN, "{\"location\":{\"latitude\":\"n\"}}")
                .error(400, 26).json().path("message").asString();
        assertThat(m).contains("data.location.latitude");
        post("/data/v1/" + schema + "/documents", ALICE_TOKEN, "{\"systolic\":301}").error(400, 26);
        post("/data/v1/" + schema + "/documents", ALICE_TOKEN, "{\"a.b\":1}").error(400, 26);
        post("/data/v1/" + schema + "/documents", ALICE_TOKEN, "{\"$where\":1}").error(400, 26);
        post("/data/v1/" + schema + "/documents", ALICE_TOKEN, "[1]").error(400, 22);
        post("/data/v1/" + schema + "/documents", ALICE_TOKEN, "{\"a\":").error(400, 22);
        post("/data/v1/" + schema + "/documents", ALICE_TOKEN, "").error(400, 13);
        post("/data/v1/" + schema + "/documents", null, "{}").error(401, 104);
        String deep = "{\"a\":".repeat(80) + "1" + "}".repeat(80);
        post("/data/v1/" + schema + "/documents", ALICE_TOKEN, deep).error(400, 26);
    }

    @Test
    void rqlOnDataFieldsWithDoubleEncodedValues() {
        create(ALICE_TOKEN, "{\"deviceId\":\"dev-1\",\"systolic\":120,\"timestamp\":\"2023-01-01T00:00:00Z\"}");
        create(ALICE_TOKEN, "{\"deviceId\":\"dev-2\",\"systolic\":140,\"timestamp\":\"2023-06-01T00:00:00Z\"}");
        create(ALICE_TOKEN, "{\"deviceId\":\"dev 3\",\"systolic\":160,\"tags\":[\"a\",\"b\"]}");
        String base = "/data/v1/" + schema + "/documents?";
        JsonNode r = get(base + "eq(data.deviceId," + rqlValue("dev-1") + ")", ALICE_TOKEN).expect(200).json();
        assertThat(r.path("page").path("total").asInt()).isEqualTo(1);
        assertThat(r.path("data").get(0).path("data").path("deviceId").asString()).isEqualTo("dev-1");
        assertThat(get(base + "eq(data.deviceId," + rqlValue("dev 3") + ")", ALICE_TOKEN).json()
                .path("page").path("total").asInt()).isEqualTo(1);
        assertThat(get(base + "gt(data.systolic,130)&sort(-data.systolic)", ALICE_TOKEN).json().path("data")
                .get(0).path("data").path("systolic").asInt()).isEqualTo(160);
        // date-time properties compare as dates, whatever ISO form the query uses
        assertThat(get(base + "gt(data.timestamp," + rqlValue("2023-03-01") + ")", ALICE_TOKEN).json()
                .path("page").path("total").asInt()).isEqualTo(1);
        assertThat(get(base + "eq(data.tags,a)", ALICE_TOKEN).json().path("page").path("total").asInt()).isEqualTo(1);
        JsonNode selected = get(base + "select(id,data.systolic)&sort(data.systolic)&limit(1,1)", ALICE_TOKEN).json();
        assertThat(selected.path("page")).isEqualTo(json("{\"total\":3,\"offset\":1,\"limit\":1}"));
        assertThat(List.copyOf(selected.path("data").get(0).propertyNames())).containsExactly("id", "data");
        assertThat(selected.path("data").get(0).path("data")).isEqualTo(json("{\"systolic\":140}"));
        JsonNode noCount = get(base + "skipCount()&limit(2)", ALICE_TOKEN).json();
        assertThat(noCount.path("page").has("total")).isFalse();
        assertThat(noCount.path("data").size()).isEqualTo(2);
        get(base + "eq(unknownField,1)", ALICE_TOKEN).error(400, 19);
        get(base + "eq(data.x", ALICE_TOKEN).error(400, 19);
    }

    @Test
    void limitsComeFromTheSchema() {
        put("/data/v1/" + schema, ADMIN_TOKEN, "{\"defaultLimit\":2,\"maximumLimit\":3}").expect(200);
        for (int i = 0; i < 4; i++) {
            create(ALICE_TOKEN, "{\"systolic\":" + (100 + i) + "}");
        }
        JsonNode page = get("/data/v1/" + schema + "/documents", ALICE_TOKEN).json().path("page");
        assertThat(page).isEqualTo(json("{\"total\":4,\"offset\":0,\"limit\":2}"));
        page = get("/data/v1/" + schema + "/documents?limit(50)", ALICE_TOKEN).json().path("page");
        assertThat(page).isEqualTo(json("{\"total\":4,\"offset\":0,\"limit\":3}"));
    }

    @Test
    void updateMergesTopLevelFieldsWithAPrecondition() {
        String id = create(ALICE_TOKEN, "{\"systolic\":120,\"deviceId\":\"d\"}").path("id").asString();
        String path = "/data/v1/" + schema + "/documents/" + id;
        assertThat(put(path, ALICE_TOKEN, "{\"systolic\":125,\"deviceId\":null}").expect(200).json())
                .isEqualTo(json("{\"affectedRecords\":1}"));
        JsonNode doc = get("/data/v1/" + schema + "/documents?eq(id," + id + ")", ALICE_TOKEN).json().path("data").get(0);
        assertThat(doc.path("data")).isEqualTo(json("{\"systolic\":125}"));
        assertThat(put(path + "?eq(data.systolic,1)", ALICE_TOKEN, "{\"systolic\":130}").expect(200).affected()).isZero();
        assertThat(put(path + "?eq(data.systolic,125)", ALICE_TOKEN, "{\"systolic\":130}").expect(200).affected())
                .isOne();
        put(path, ALICE_TOKEN, "{\"systolic\":\"x\"}").error(400, 26);
        put("/data/v1/" + schema + "/documents/5e9fff9d90135a2a9a718e2f", ALICE_TOKEN, "{}").error(404, 16);
        put("/data/v1/" + schema + "/documents/not-an-id", ALICE_TOKEN, "{}").error(400, 12);
        put(path, ALICE_TOKEN, null).error(400, 13);
    }

    @Test
    void deleteFieldsAndDelete() {
        String id = create(ALICE_TOKEN, "{\"systolic\":120,\"location\":{\"latitude\":1,\"longitude\":2}}")
                .path("id").asString();
        String path = "/data/v1/" + schema + "/documents/" + id;
        assertThat(post(path + "/deleteFields", ALICE_TOKEN, "{\"fields\":[\"location.latitude\",\"nothing\"]}")
                .expect(200).affected()).isOne();
        JsonNode doc = get("/data/v1/" + schema + "/documents?eq(id," + id + ")", ALICE_TOKEN).json().path("data").get(0);
        assertThat(doc.path("data")).isEqualTo(json("{\"systolic\":120,\"location\":{\"longitude\":2}}"));
        post(path + "/deleteFields", ALICE_TOKEN, "{}").error(400, 14);
        post(path + "/deleteFields", ALICE_TOKEN, "{\"fields\":\"x\"}").error(400, 15);
        // deleteMode permissionRequired: Alice may not, the admin may
        delete(path, ALICE_TOKEN).error(401, 10);
        assertThat(delete(path, ADMIN_TOKEN).expect(200).affected()).isOne();
        delete(path, ADMIN_TOKEN).error(404, 16);
    }

    @Test
    void gzipBodies() {
        byte[] raw = "{\"systolic\":111}".getBytes(StandardCharsets.UTF_8);
        Response ok = send("POST", "/data/v1/" + schema + "/documents", ALICE_TOKEN, gzip(raw), "application/json",
                "gzip").expect(200);
        assertThat(ok.json().path("data")).isEqualTo(json("{\"systolic\":111}"));
        byte[] corrupt = gzip(raw);
        corrupt[corrupt.length / 2] ^= 0x5a;
        corrupt[corrupt.length - 3] ^= 0x33;
        send("POST", "/data/v1/" + schema + "/documents", ALICE_TOKEN, corrupt, "application/json", "gzip")
                .error(400, 22);
        send("POST", "/data/v1/" + schema + "/documents", ALICE_TOKEN, raw, "application/json", "br")
                .error(400, 22);
        // 64 MB of spaces compress to ~64 KB: refused after the decompressed limit, not read into memory
        byte[] bomb = new byte[64 * 1024 * 1024];
        java.util.Arrays.fill(bomb, (byte) ' ');
        bomb[0] = '{';
        bomb[bomb.length - 1] = '}';
        byte[] compressed = gzip(bomb);
        bomb = null;
        assertThat(compressed.length).isLessThan(1024 * 1024);
        send("POST", "/data/v1/" + schema + "/documents", ALICE_TOKEN, compressed, "application/json", "gzip")
                .error(413, 22);
    }

    @Test
    void linkAndUnlinkFollowTheAbsentVersusEmptyRule() {
        String id = create(ALICE_TOKEN, "{}").path("id").asString();
        String path = "/data/v1/" + schema + "/documents/" + id;
        String u1 = "5e9fff9d90135a2a9a718e21";
        String u2 = "5e9fff9d90135a2a9a718e22";
        post(path + "/linkUsers", ALICE_TOKEN, "{\"userIds\":[\"" + u1 + "\"]}").error(401, 10);
        assertThat(post(path + "/linkUsers", ADMIN_TOKEN, "{\"userIds\":[\"" + u1 + "\",\"" + u2 + "\"]}")
                .expect(200).affected()).isOne();
        assertThat(users(id)).isEqualTo(json("[\"" + u1 + "\",\"" + u2 + "\"]"));
        assertThat(post(path + "/unlinkUsers", ADMIN_TOKEN, "{\"userIds\":[]}").expect(200).affected()).isZero();
        assertThat(users(id)).isEqualTo(json("[\"" + u1 + "\",\"" + u2 + "\"]"));
        post(path + "/unlinkUsers", ADMIN_TOKEN, "{\"userIds\":[\"" + u1 + "\"]}").expect(200);
        assertThat(users(id)).isEqualTo(json("[\"" + u2 + "\"]"));
        post(path + "/unlinkUsers", ADMIN_TOKEN, "{}").expect(200);
        assertThat(users(id)).isEqualTo(json("[]"));
        post(path + "/linkGroups", ADMIN_TOKEN, "{\"groupIds\":[\"" + u1 + "\"]}").expect(200);
        post(path + "/unlinkGroups", ADMIN_TOKEN, "{}").expect(200);
        post(path + "/linkUsers", ADMIN_TOKEN, "{\"userIds\":[\"nope\"]}").error(400, 15);
        post(path + "/linkUsers", ADMIN_TOKEN, "{}").error(400, 14);
        post("/data/v1/" + schema + "/documents/5e9fff9d90135a2a9a718e2f/linkUsers", ADMIN_TOKEN,
                "{\"userIds\":[]}").error(404, 16);
    }

    private JsonNode users(String id) {
        return get("/data/v1/" + schema + "/documents?eq(id," + id + ")", ADMIN_TOKEN).json().path("data").get(0)
                .path("userIds");
    }

    @Test
    void arrayObjects() {
        String id = create(ALICE_TOKEN, "{}").path("id").asString();
        String path = "/data/v1/" + schema + "/documents/" + id + "/readings";
        JsonNode added = post(path + "/", ALICE_TOKEN, "{\"value\":5,\"at\":\"2020\"}").expect(200).json();
        String objectId = added.path("id").asString();
        assertThat(objectId).matches("[0-9a-f]{24}");
        assertThat(added).isEqualTo(json("{\"id\":\"" + objectId + "\",\"value\":5,\"at\":\"2020-01-01T00:00:00.000Z\"}"));
        assertThat(put(path + "/" + objectId, ALICE_TOKEN, "{\"value\":6}").expect(200).affected()).isOne();
        JsonNode readings = get("/data/v1/" + schema + "/documents?eq(id," + id + ")", ALICE_TOKEN).json()
                .path("data").get(0).path("data").path("readings");
        assertThat(readings.get(0).path("value").asInt()).isEqualTo(6);
        put(path + "/5e9fff9d90135a2a9a718e2f", ALICE_TOKEN, "{\"value\":6}").error(404, 16);
        post(path + "/", ALICE_TOKEN, "{\"value\":\"x\"}").error(400, 26);
        assertThat(delete(path + "/" + objectId, ALICE_TOKEN).expect(200).affected()).isOne();
        delete(path + "/" + objectId, ALICE_TOKEN).error(404, 16);
    }
}
