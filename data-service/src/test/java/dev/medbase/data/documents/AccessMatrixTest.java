package dev.medbase.data.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.medbase.data.testing.DataApiTest;
import dev.medbase.platform.testing.TestTokens;

/**
 * The access modes of §7.1 × the kinds of caller, table-driven. Each row is a mode and, per caller kind in the order
 * of {@link #KINDS}, whether the caller may (Y) or may not (N). Reads are checked on {@code eq(id,…)} and on the
 * list's {@code page.total}, which must not count documents the caller cannot see.
 */
class AccessMatrixTest extends DataApiTest {

    static final String G = "6100000000000000000000a1";
    static final String H = "6100000000000000000000a2";
    static final String[] KINDS = {"creator", "linkedUser", "staffOfGroup", "patientOfGroup", "stranger",
            "globalPermission", "scopedPermission", "groupRolePermission", "otherSchemaScope"};

    static Stream<Arguments> readModes() {
        return Stream.of(
                Arguments.of("\"allUsers\"", "Y Y Y Y Y Y Y Y Y"),
                Arguments.of("\"permissionRequired\"", "N N N N N Y Y Y N"),
                Arguments.of("[\"creator\"]", "Y N N N N Y Y Y N"),
                Arguments.of("[\"linkedUsers\"]", "N Y N N N Y Y Y N"),
                Arguments.of("[\"linkedGroupStaff\"]", "N N Y N N Y Y Y N"),
                Arguments.of("[\"linkedGroupPatients\"]", "N N N Y N Y Y Y N"),
                Arguments.of("[\"creator\",\"linkedGroupPatients\"]", "Y N N Y N Y Y Y N"),
                Arguments.of("\"default\"", "N Y Y N N Y Y Y N"),
                Arguments.of("\"enlistedInLinkedGroups\"", "N N Y Y N Y Y Y N"));
    }

    static Stream<Arguments> updateModes() {
        return Stream.of(
                Arguments.of("\"permissionRequired\"", "N N N N N Y Y Y N"),
                Arguments.of("[\"creator\"]", "Y N N N N Y Y Y N"),
                Arguments.of("[\"linkedUsers\"]", "N Y N N N Y Y Y N"),
                Arguments.of("[\"linkedGroupStaff\"]", "N N Y N N Y Y Y N"),
                Arguments.of("[\"linkedGroupPatients\"]", "N N N Y N Y Y Y N"),
                Arguments.of("\"default\"", "N Y Y N N Y Y Y N"),
                Arguments.of("\"creatorOnly\"", "Y N N N N Y Y Y N"),
                Arguments.of("\"linkedGroupsStaffOnly\"", "N N Y N N Y Y Y N"),
                Arguments.of("\"disabled\"", "N N N N N Y Y Y N"));
    }

    static Stream<Arguments> deleteModeRows() {
        return Stream.of(
                Arguments.of("\"permissionRequired\"", "N N N N N Y Y Y N"),
                Arguments.of("[\"creator\"]", "Y N N N N Y Y Y N"),
                Arguments.of("[\"linkedUsers\"]", "N Y N N N Y Y Y N"),
                Arguments.of("[\"linkedGroupStaff\",\"linkedGroupPatients\"]", "N N Y Y N Y Y Y N"),
                Arguments.of("\"linkedUsersOnly\"", "N Y Y N N Y Y Y N"));
    }

    /** One schema with a document D (creator, a linked user, group G) and a document D2 in group H. */
    private final class World {
        final String schema = uniqueName("acl");
        final TestTokens.Builder creator = TestTokens.user();
        final TestTokens.Builder linked = TestTokens.user();
        final String other = uniqueName("other");
        String d2;

        World(String modes) {
            createSchema("{\"name\":\"" + schema + "\"," + modes + "}");
            d2 = post("/data/v1/" + schema + "/documents", TestTokens.user().token(), "{}").expect(200)
                    .json().path("id").asString();
            post("/data/v1/" + schema + "/documents/" + d2 + "/linkGroups", ADMIN_TOKEN,
                    "{\"groupIds\":[\"" + H + "\"]}").expect(200);
        }

        String document() {
            String id = post("/data/v1/" + schema + "/documents", creator.token(), "{\"n\":1}").expect(200)
                    .json().path("id").asString();
            post("/data/v1/" + schema + "/documents/" + id + "/linkUsers", ADMIN_TOKEN,
                    "{\"userIds\":[\"" + linked.id() + "\"]}").expect(200);
            post("/data/v1/" + schema + "/documents/" + id + "/linkGroups", ADMIN_TOKEN,
                    "{\"groupIds\":[\"" + G + "\"]}").expect(200);
            return id;
        }

        Map<String, String> callers(String permission) {
            Map<String, String> c = new LinkedHashMap<>();
            c.put("creator", creator.token());
            c.put("linkedUser", linked.token());
            c.put("staffOfGroup", TestTokens.user().staffOf(G).token());
            c.put("patientOfGroup", TestTokens.user().patientOf(G).token());
            c.put("stranger", TestTokens.user().token());
            c.put("globalPermission", TestTokens.user().permissions(permission).token());
            c.put("scopedPermission", TestTokens.user().permissions(permission + ":" + schema).token());
            c.put("groupRolePermission", TestTokens.user().staffOf(G, permission + ":" + schema).token());
            c.put("otherSchemaScope", TestTokens.user().permissions(permission + ":" + other).token());
            return c;
        }
    }

    private static Map<String, Boolean> expected(String row) {
        String[] cells = row.split(" ");
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (int i = 0; i < KINDS.length; i++) {
            out.put(KINDS[i], cells[i].equals("Y"));
        }
        return out;
    }

    @ParameterizedTest(name = "readMode {0}")
    @MethodSource("readModes")
    void read(String mode, String row) {
        World w = new World("\"readMode\":" + mode);
        String d = w.document();
        Map<String, Boolean> allowed = expected(row);
        w.callers("VIEW_DOCUMENTS").forEach((kind, token) -> {
            boolean may = allowed.get(kind);
            JsonNode one = get("/data/v1/" + w.schema + "/documents?eq(id," + d + ")", token).expect(200).json();
            assertThat(one.path("data").size()).as(kind + " reads D").isEqualTo(may ? 1 : 0);
            assertThat(one.path("page").path("total").asInt()).as(kind + " counts D").isEqualTo(may ? 1 : 0);
            boolean seesAll = mode.equals("\"allUsers\"") || kind.equals("globalPermission")
                    || kind.equals("scopedPermission");
            JsonNode all = get("/data/v1/" + w.schema + "/documents?limit(1)", token).expect(200).json();
            assertThat(all.path("page").path("total").asInt()).as(kind + " total")
                    .isEqualTo((may ? 1 : 0) + (seesAll ? 1 : 0));
        });
    }

    @ParameterizedTest(name = "updateMode {0}")
    @MethodSource("updateModes")
    void update(String mode, String row) {
        World w = new World("\"readMode\":\"allUsers\",\"updateMode\":" + mode);
        String d = w.document();
        Map<String, Boolean> allowed = expected(row);
        w.callers("UPDATE_DOCUMENTS").forEach((kind, token) -> {
            Response r = put("/data/v1/" + w.schema + "/documents/" + d, token, "{\"by\":\"" + kind + "\"}");
            if (allowed.get(kind)) {
                assertThat(r.status()).as(kind + ": " + r.body()).isEqualTo(200);
            } else {
                r.error(401, 10); // it can read the document (readMode allUsers), so 10 rather than 16
            }
        });
    }

    @ParameterizedTest(name = "updateMode {0} hides unreadable documents")
    @MethodSource("updateModes")
    void updateOfAnUnreadableDocumentIs16(String mode, String row) {
        World w = new World("\"readMode\":\"permissionRequired\",\"updateMode\":" + mode);
        String d = w.document();
        put("/data/v1/" + w.schema + "/documents/" + d, TestTokens.user().token(), "{}").error(404, 16);
    }

    @ParameterizedTest(name = "deleteMode {0}")
    @MethodSource("deleteModeRows")
    void deleteModes(String mode, String row) {
        World w = new World("\"readMode\":\"allUsers\",\"deleteMode\":" + mode);
        Map<String, Boolean> allowed = expected(row);
        w.callers("DELETE_DOCUMENTS").forEach((kind, token) -> {
            String d = w.document();
            Response r = delete("/data/v1/" + w.schema + "/documents/" + d, token);
            if (allowed.get(kind)) {
                assertThat(r.status()).as(kind + ": " + r.body()).isEqualTo(200);
                assertThat(r.affected()).isOne();
            } else {
                r.error(401, 10);
            }
        });
    }

    @Test
    void createMode() {
        String open = uniqueName("open");
        createSchema("{\"name\":\"" + open + "\",\"createMode\":\"default\"}");
        post("/data/v1/" + open + "/documents", TestTokens.user().token(), "{}").expect(200);
        String closed = uniqueName("closed");
        createSchema("{\"name\":\"" + closed + "\",\"createMode\":\"permissionRequired\"}");
        post("/data/v1/" + closed + "/documents", TestTokens.user().token(), "{}").error(401, 10);
        post("/data/v1/" + closed + "/documents", TestTokens.user().staffOf(G, "CREATE_DOCUMENTS").token(), "{}")
                .error(401, 10);
        post("/data/v1/" + closed + "/documents", TestTokens.user().permissions("CREATE_DOCUMENTS:" + open).token(),
                "{}").error(401, 10);
        post("/data/v1/" + closed + "/documents", TestTokens.user().permissions("CREATE_DOCUMENTS:" + closed).token(),
                "{}").expect(200);
        post("/data/v1/" + closed + "/documents", TestTokens.user().permissions("CREATE_DOCUMENTS").token(), "{}")
                .expect(200);
    }

    @Test
    void accessLinksNeedUpdateAccessToDocument() {
        World w = new World("\"readMode\":\"allUsers\"");
        String d = w.document();
        String path = "/data/v1/" + w.schema + "/documents/" + d + "/linkUsers";
        String body = "{\"userIds\":[\"" + H + "\"]}";
        post(path, w.creator.token(), body).error(401, 10);
        post(path, TestTokens.user().staffOf(G, "UPDATE_ACCESS_TO_DOCUMENT").token(), body).error(401, 10);
        post(path, TestTokens.user().permissions("UPDATE_ACCESS_TO_DOCUMENT:" + w.other).token(), body)
                .error(401, 10);
        post(path, TestTokens.user().permissions("UPDATE_ACCESS_TO_DOCUMENT:" + w.schema).token(), body).expect(200);
    }

    @Test
    void anonymousCallersAre104() {
        World w = new World("\"readMode\":\"allUsers\"");
        String d = w.document();
        get("/data/v1/" + w.schema + "/documents", null).error(401, 104);
        put("/data/v1/" + w.schema + "/documents/" + d, null, "{}").error(401, 104);
        delete("/data/v1/" + w.schema + "/documents/" + d, null).error(401, 104);
        post("/data/v1/" + w.schema + "/documents/" + d + "/transition", null, "{\"name\":\"x\"}").error(401, 104);
        get("/data/v1/" + w.schema + "/documents", "not-a-token").error(401, 117);
        get("/data/v1/" + w.schema + "/documents",
                TestTokens.user().expiresAt(java.time.Instant.now().minusSeconds(60)).token()).error(401, 118);
    }
}
