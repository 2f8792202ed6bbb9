package dev.medbase.data.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.medbase.data.testing.DataApiTest;

/**
 * Property-style robustness with a seeded {@link Random} (reproducible: the seed is in the assertion message): random
 * RQL on the documents list and random bodies on every writing endpoint always answer in the ExH error format with a
 * 4xx, or succeed — never 500.
 */
class BadInputFuzzTest extends DataApiTest {

    private static final long SEED = 0x5eed_da7aL;
    private static final String[] RQL_PIECES = {"eq(", "ne(", "gt(", "lt(", "in(", "out(", "like(", "and(", "or(",
            "contains(", "excludes(", "select(", "sort(", "limit(", "skipCount()", ")", ",", "&", "|", "data.",
            "data.systolic", "id", "status", "userIds", "creationTimestamp", "data.at", "-", "+", "%25", "%2525", "'",
            "\"", "string:", "number:", "date:", "re:", "glob:", "*", "1", "-1", "1e400", "true", "null",
            "5e9fff9d90135a2a9a718e2f", "(", "((((", "%00", "%FF", "$where", "__proto__", "a b", "\\", "%252D"};
    private static final String[] JSON_PIECES = {"{", "}", "[", "]", ",", ":", "\"a\"", "\"systolic\"", "1", "-0.5",
            "1e999", "true", "null", "\"\\u0000\"", "\"$x\"", "\"a.b\"", "\"\"", " ", "\"fields\"", "\"userIds\"",
            "\"text\"", "\"name\"", "\"id\"", "\"data\"", "{\"a\":", "[[[[", "\"5e9fff9d90135a2a9a718e2f\""};

    private String schema;
    private String doc;

    @BeforeEach
    void schema() {
        schema = uniqueName("fuzz");
        createSchema("{\"name\":\"" + schema + "\",\"readMode\":\"allUsers\",\"properties\":{"
                + "\"systolic\":{\"type\":\"number\"},\"at\":{\"type\":\"string\",\"format\":\"date-time\"},"
                + "\"list\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}},"
                + "\"statuses\":{\"new\":{},\"done\":{}},\"transitions\":[{\"name\":\"t\",\"fromStatuses\":[\"new\"],"
                + "\"toStatus\":\"done\",\"conditions\":[{\"type\":\"input\",\"configuration\":{\"type\":\"object\"}}]}]}");
        doc = post("/data/v1/" + schema + "/documents", ADMIN_TOKEN, "{\"systolic\":1}").expect(200).json()
                .path("id").asString();
    }

    @Test
    void randomRqlNeverFailsTheServer() {
        Random random = new Random(SEED);
        for (int i = 0; i < 300; i++) {
            StringBuilder q = new StringBuilder();
            int n = 1 + random.nextInt(12);
            for (int j = 0; j < n; j++) {
                q.append(RQL_PIECES[random.nextInt(RQL_PIECES.length)]);
            }
            String query = q.toString().replace(" ", "%20").replace("\"", "%22").replace("\\", "%5C")
                    .replace("|", "%7C");
            Response r = get("/data/v1/" + schema + "/documents?" + query, ADMIN_TOKEN);
            assertWellFormed(r, "seed " + SEED + " #" + i + " ?" + query);
        }
    }

    @Test
    void randomBodiesNeverFailTheServer() {
        Random random = new Random(SEED + 1);
        String d = "/data/v1/" + schema + "/documents/" + doc;
        List<String[]> endpoints = List.of(
                new String[] {"POST", "/data/v1/"},
                new String[] {"PUT", "/data/v1/" + schema},
                new String[] {"POST", "/data/v1/" + schema + "/properties"},
                new String[] {"PUT", "/data/v1/" + schema + "/properties/systolic"},
                new String[] {"POST", "/data/v1/" + schema + "/statuses"},
                new String[] {"PUT", "/data/v1/" + schema + "/statuses/done"},
                new String[] {"PUT", "/data/v1/" + schema + "/creationTransition"},
                new String[] {"POST", "/data/v1/" + schema + "/transitions"},
                new String[] {"POST", "/data/v1/" + schema + "/indexes"},
                new String[] {"POST", "/data/v1/" + schema + "/documents"},
                new String[] {"PUT", d},
                new String[] {"POST", d + "/transition"},
                new String[] {"POST", d + "/deleteFields"},
                new String[] {"POST", d + "/linkUsers"},
                new String[] {"POST", d + "/unlinkGroups"},
                new String[] {"POST", d + "/list/"},
                new String[] {"POST", d + "/comments"});
        for (int i = 0; i < 400; i++) {
            String[] endpoint = endpoints.get(random.nextInt(endpoints.size()));
            StringBuilder body = new StringBuilder();
            int n = random.nextInt(10);
            for (int j = 0; j < n; j++) {
                body.append(JSON_PIECES[random.nextInt(JSON_PIECES.length)]);
            }
            Response r = send(endpoint[0], endpoint[1], ADMIN_TOKEN, body.toString(), "application/json", null);
            assertWellFormed(r, "seed " + (SEED + 1) + " #" + i + " " + endpoint[0] + " " + endpoint[1] + " " + body);
        }
    }

    @Test
    void wrongTypesForEveryKnownField() {
        String d = "/data/v1/" + schema + "/documents/" + doc;
        for (String value : List.of("1", "\"x\"", "true", "null", "[]", "{}", "[1]", "{\"a\":1}")) {
            for (String[] call : List.of(
                    new String[] {"POST", "/data/v1/", "{\"name\":" + value + "}"},
                    new String[] {"PUT", "/data/v1/" + schema, "{\"readMode\":" + value + "}"},
                    new String[] {"PUT", "/data/v1/" + schema, "{\"defaultLimit\":" + value + "}"},
                    new String[] {"POST", "/data/v1/" + schema + "/statuses", "{\"name\":" + value + "}"},
                    new String[] {"POST", "/data/v1/" + schema + "/transitions", "{\"fromStatuses\":" + value
                            + ",\"toStatus\":\"done\"}"},
                    new String[] {"POST", "/data/v1/" + schema + "/properties", "{\"name\":\"p\",\"configuration\":"
                            + value + "}"},
                    new String[] {"POST", "/data/v1/" + schema + "/indexes", "{\"fields\":" + value + "}"},
                    new String[] {"POST", d + "/transition", "{\"name\":" + value + "}"},
                    new String[] {"POST", d + "/transition", "{\"name\":\"t\",\"data\":" + value + "}"},
                    new String[] {"POST", d + "/deleteFields", "{\"fields\":" + value + "}"},
                    new String[] {"POST", d + "/linkUsers", "{\"userIds\":" + value + "}"},
                    new String[] {"POST", d + "/comments", "{\"text\":" + value + "}"})) {
                Response r = send(call[0], call[1], ADMIN_TOKEN, call[2], "application/json", null);
                assertWellFormed(r, call[0] + " " + call[1] + " " + call[2]);
            }
        }
    }

    @Test
    void hugeDocumentsAreRefused() {
        // over the 10 MB body limit
        String big = "{\"s\":\"" + "x".repeat(11 * 1024 * 1024) + "\"}";
        send("POST", "/data/v1/" + schema + "/documents", ADMIN_TOKEN, big, "application/json", null).error(413, 22);
        // under the body limit but over MongoDB's 16 MB once stored: many tiny array items
        StringBuilder items = new StringBuilder("{\"a\":[");
        for (int i = 0; i < 1_600_000; i++) {
            items.append(i == 0 ? "" : ",").append('0');
        }
        items.append("]}");
        send("POST", "/data/v1/" + schema + "/documents", ADMIN_TOKEN, items.toString(), "application/json", null)
                .error(400, 26);
    }

    private static void assertWellFormed(Response r, String what) {
        assertThat(r.status()).as(what + " -> " + r.body()).isLessThan(500);
        if (r.status() >= 400) {
            assertThat(r.json().path("code").isInt()).as(what + " -> " + r.body()).isTrue();
            assertThat(r.json().path("name").isString()).as(what).isTrue();
        }
    }
}
