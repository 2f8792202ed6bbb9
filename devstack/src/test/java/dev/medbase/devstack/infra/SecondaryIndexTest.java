package dev.medbase.devstack.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;

import de.bwaldvogel.mongo.backend.IndexKey;

/**
 * The embedded server's non-unique indexes, on the wire: every query gives what a scan of the same documents gives
 * (a collection without the indexes, same data), and the queries an index serves are no scans.
 */
class SecondaryIndexTest {

    @TempDir
    Path dir;

    private int port;
    private EmbeddedMongo mongo;
    private MongoClient client;

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        open();
    }

    private void open() {
        mongo = new EmbeddedMongo(port, dir.resolve("mongo/medbase.mv.db")).start();
        client = MongoClients.create(mongo.uri("test"));
    }

    @AfterEach
    void stop() {
        client.close();
        mongo.close();
    }

    private MongoCollection<Document> collection(String name) {
        return client.getDatabase("test").getCollection(name);
    }

    /** Measurements as the data service stores them, with arrays, nulls, missing fields and mixed types. */
    private static List<Document> measurements(int n, long seed) {
        Random random = new Random(seed);
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Document data = new Document("deviceId", "device-" + random.nextInt(20))
                    .append("takenAt", Instant.ofEpochSecond(1_700_000_000L + i * 7L).toString());
            switch (random.nextInt(6)) {
                case 0 -> data.append("value", random.nextInt(100));
                case 1 -> data.append("value", random.nextDouble() * 100);
                case 2 -> data.append("value", null);
                case 3 -> data.append("value", "v" + random.nextInt(10));
                case 4 -> { } // no value
                default -> data.append("value", (long) random.nextInt(100));
            }
            Document doc = new Document("data", data).append("n", i)
                    .append("status", random.nextBoolean() ? "active" : "closed")
                    .append("due", new Date(1_700_000_000_000L + random.nextInt(1_000_000)))
                    .append("userIds", List.of("u" + random.nextInt(5), "u" + random.nextInt(5)));
            docs.add(doc);
        }
        return docs;
    }

    private MongoCollection<Document> indexed() {
        MongoCollection<Document> docs = collection("indexed");
        docs.createIndex(Indexes.compoundIndex(Indexes.ascending("data.deviceId"), Indexes.descending("data.takenAt")),
                new IndexOptions().name("device_taken"));
        docs.createIndex(Indexes.ascending("data.value"), new IndexOptions().name("value"));
        docs.createIndex(Indexes.ascending("status", "due"), new IndexOptions().name("status_due"));
        docs.createIndex(Indexes.ascending("userIds"), new IndexOptions().name("users"));
        docs.createIndex(Indexes.ascending("n"), new IndexOptions().name("n"));
        return docs;
    }

    private static final List<Bson> FILTERS = List.of(
            Filters.eq("data.deviceId", "device-3"),
            Filters.and(Filters.eq("data.deviceId", "device-3"), Filters.gte("data.takenAt", "2023-11-15T00:00:00Z")),
            Filters.and(Filters.eq("data.deviceId", "device-4"), Filters.lt("data.takenAt", "2023-11-15")),
            Filters.in("data.deviceId", "device-1", "device-7", "nobody"),
            Filters.eq("data.value", 42),
            Filters.eq("data.value", 42.0),
            Filters.eq("data.value", null),
            Filters.eq("data.value", "v3"),
            Filters.gt("data.value", 50),
            Filters.and(Filters.gt("data.value", 20), Filters.lte("data.value", 30L)),
            Filters.and(Filters.gt("data.value", 30), Filters.lt("data.value", 20)),
            Filters.lt("data.value", "v5"),
            Filters.exists("data.value", false),
            Filters.and(Filters.eq("status", "active"), Filters.gt("due", new Date(1_700_000_500_000L))),
            Filters.eq("status", "closed"),
            Filters.eq("userIds", "u2"),
            Filters.and(Filters.gt("userIds", "u3"), Filters.lt("userIds", "u2")),
            Filters.and(Filters.eq("userIds", "u1"), Filters.eq("userIds", "u4")),
            Filters.eq("userIds", List.of("u1", "u1")),
            Filters.and(Filters.eq("data.deviceId", "device-2"),
                    Filters.or(Filters.eq("status", "active"), Filters.eq("data.value", null))),
            Filters.and(Filters.and(Filters.eq("n", 17)), Filters.eq("status", "closed")),
            Filters.ne("data.deviceId", "device-3"),
            Filters.empty());

    private static final List<Bson> SORTS = List.of(
            Sorts.descending("data.takenAt"), Sorts.ascending("data.takenAt"), Sorts.ascending("n"),
            Sorts.descending("n"), Sorts.orderBy(Sorts.ascending("data.deviceId"), Sorts.descending("data.takenAt")),
            Sorts.orderBy(Sorts.descending("data.deviceId"), Sorts.ascending("data.takenAt")));

    @Test
    void queriesThroughTheIndexesFindWhatAScanFinds() {
        List<Document> data = measurements(600, 7);
        MongoCollection<Document> indexed = indexed();
        MongoCollection<Document> plain = collection("plain");
        indexed.insertMany(copies(data));
        plain.insertMany(copies(data));
        // changes after the insert: the indexes follow updates, replacements and deletes
        for (MongoCollection<Document> c : List.of(indexed, plain)) {
            c.updateMany(Filters.eq("data.deviceId", "device-5"), Updates.set("data.deviceId", "device-3"));
            c.updateMany(Filters.lt("n", 40), Updates.set("data.value", List.of(1, 99)));
            c.replaceOne(Filters.eq("n", 300), new Document("n", 300).append("data", new Document("value", 42)));
            c.deleteMany(Filters.in("n", 5, 50, 500));
            c.deleteMany(Filters.eq("data.deviceId", "device-9"));
        }
        assertSameAnswers(indexed, plain);
    }

    @Test
    void theIndexesAreRebuiltFromTheDocumentsWhenTheServerStartsAgain() {
        List<Document> data = measurements(300, 11);
        indexed().insertMany(copies(data));
        collection("plain").insertMany(copies(data));
        stop();
        open();
        assertSameAnswers(collection("indexed"), collection("plain"));
        assertThat(collection("indexed").listIndexes().into(new ArrayList<>()))
                .extracting(i -> i.getString("name")).contains("device_taken", "value", "users");
    }

    private void assertSameAnswers(MongoCollection<Document> indexed, MongoCollection<Document> plain) {
        for (Bson filter : FILTERS) {
            assertThat(ids(indexed.find(filter))).as("%s", filter).containsExactlyInAnyOrderElementsOf(ids(plain.find(filter)));
            assertThat(indexed.countDocuments(filter)).as("count %s", filter).isEqualTo(plain.countDocuments(filter));
            CountOptions counted = new CountOptions().skip(3).limit(10);
            assertThat(indexed.countDocuments(filter, counted)).as("count %s", filter)
                    .isEqualTo(plain.countDocuments(filter, counted));
            for (Bson sort : SORTS) {
                for (int[] page : new int[][] {{0, 0}, {0, 20}, {7, 5}, {0, 1}}) {
                    Function<MongoCollection<Document>, FindIterable<Document>> find =
                            c -> c.find(filter).sort(sort).skip(page[0]).limit(page[1]);
                    // takenAt and n are unique, so these sorts fix the order; deviceId sorts end in takenAt
                    assertThat(ids(find.apply(indexed))).as("%s %s %s", filter, sort, page[1])
                            .containsExactlyElementsOf(ids(find.apply(plain)));
                }
            }
        }
    }

    @Test
    void servedQueriesAreNoScansAndALimitEndsTheWalk() {
        MongoCollection<Document> docs = indexed();
        docs.insertMany(copies(measurements(2000, 3)));
        ScanReport scans = CachedKeyH2Backend.scanReport();
        scans.summaryAndReset();
        List<Document> page = docs.find(Filters.eq("data.deviceId", "device-3"))
                .sort(Sorts.descending("data.takenAt")).limit(20).into(new ArrayList<>());
        assertThat(page).hasSize(20).isSortedAccordingTo(Comparator.comparing(
                (Document d) -> d.get("data", Document.class).getString("takenAt")).reversed());
        docs.countDocuments(Filters.and(Filters.eq("data.deviceId", "device-3"), Filters.eq("status", "active")));
        docs.find(Filters.and(Filters.eq("status", "active"), Filters.lt("due", new Date()))).first();
        docs.find().sort(Sorts.ascending("n")).limit(1).first();
        docs.find(Filters.eq("userIds", "u1")).into(new ArrayList<>());
        Document one = docs.find(Filters.eq("n", 1234)).first();
        // the _id index finds the document when the query fixes _id beside other conditions
        assertThat(docs.find(Filters.and(Filters.eq("_id", one.get("_id")), Filters.eq("status", one.get("status"))))
                .first()).isEqualTo(one);
        assertThat(docs.find(Filters.and(Filters.eq("_id", one.get("_id")), Filters.ne("status", one.get("status"))))
                .first()).isNull();
        assertThat(String.valueOf(scans.summaryAndReset())).doesNotContain("test.indexed");

        docs.find(Filters.eq("status", "active")).sort(Sorts.ascending("n")).limit(3).into(new ArrayList<>());
        docs.find(Filters.regex("data.deviceId", "^device-1")).into(new ArrayList<>());
        assertThat(scans.summaryAndReset())
                .as("narrowed by status, sorted after; a pattern is no range, so a scan")
                .doesNotContain("{status}").contains("test.indexed {data.deviceId}: 1, 2000");
    }

    @Test
    void plansNarrowToTheLeadingKeysAndServeTheSortTheIndexHas() {
        SecondaryIndex index = new SecondaryIndex("device_taken",
                List.of(new IndexKey("data.deviceId", true), new IndexKey("data.takenAt", false)), false);
        de.bwaldvogel.mongo.bson.Document query = new de.bwaldvogel.mongo.bson.Document("data.deviceId", "d1");

        IndexPlan byDevice = IndexPlan.of(index, query, sort("data.takenAt", -1), 20);
        assertThat(byDevice.score()).isEqualTo(5);
        assertThat(byDevice.ordered()).isTrue();
        assertThat(byDevice.reverse()).isFalse();
        assertThat(byDevice.from()).containsExactly("d1", SecondaryIndex.HIGH);
        assertThat(byDevice.to()).containsExactly("d1", SecondaryIndex.LOW);

        assertThat(IndexPlan.of(index, query, sort("data.takenAt", 1), 20).reverse()).isTrue();
        assertThat(IndexPlan.of(index, query, sort("n", 1), 20).ordered()).isFalse();
        assertThat(IndexPlan.of(index, new de.bwaldvogel.mongo.bson.Document("data.takenAt", "x"), null, 0))
                .as("no condition on the first key, no sort").isNull();
        assertThat(IndexPlan.of(index, new de.bwaldvogel.mongo.bson.Document(), sort("data.deviceId", -1), 1).reverse())
                .as("a sort alone, cut by a limit").isTrue();
        assertThat(IndexPlan.of(index, new de.bwaldvogel.mongo.bson.Document(), sort("data.deviceId", -1), 0))
                .as("a sort alone without a limit").isNull();

        de.bwaldvogel.mongo.bson.Document range = new de.bwaldvogel.mongo.bson.Document("$and", List.of(
                query, new de.bwaldvogel.mongo.bson.Document("data.takenAt",
                        new de.bwaldvogel.mongo.bson.Document("$gte", "2024").append("$lt", "2025"))));
        assertThat(byDevice.exact()).as("the range is the matches: a count reads no document").isTrue();
        assertThat(IndexPlan.of(index, new de.bwaldvogel.mongo.bson.Document("data.deviceId", "d1").append("n", 1),
                null, 0).exact()).isFalse();
        IndexPlan both = IndexPlan.of(index, range, null, 0);
        assertThat(both.exact()).isFalse();
        assertThat(both.score()).isEqualTo(6);
        assertThat(both.from()).containsExactly("d1", "2025");
        assertThat(both.to()).containsExactly("d1", "2024");
    }

    private static de.bwaldvogel.mongo.bson.Document sort(String key, int direction) {
        return new de.bwaldvogel.mongo.bson.Document(key, direction);
    }

    private static List<Document> copies(List<Document> docs) {
        return docs.stream().map(d -> Document.parse(d.toJson())).toList();
    }

    private static List<Integer> ids(FindIterable<Document> found) {
        return found.map(d -> d.getInteger("n")).into(new ArrayList<>());
    }
}
