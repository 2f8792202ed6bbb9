package dev.medbase.devstack.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;

import de.bwaldvogel.mongo.backend.KeyValue;

class EmbeddedMongoTest {

    @TempDir
    Path dir;

    @Test
    void indexKeysCompareAsH2ComparesThem() {
        Random random = new Random(42);
        List<KeyValue> keys = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            keys.add(switch (i % 3) {
                case 0 -> new KeyValue(new ObjectId());
                case 1 -> new KeyValue(new ObjectId(), random.nextBoolean() ? "new" : "inProgress", "owner-" + i);
                default -> new KeyValue("name-" + random.nextInt(50), (long) random.nextInt(1000));
            });
        }
        ObjectDataType h2 = new ObjectDataType();
        CachedKeyH2Backend.IndexKeyType cached = new CachedKeyH2Backend.IndexKeyType();
        for (KeyValue a : keys) {
            for (KeyValue b : keys) {
                assertThat(Integer.signum(cached.compare(a, b))).isEqualTo(Integer.signum(h2.compare(a, b)));
            }
            KeyValue copy = new KeyValue(a.stream().toList());
            assertThat(cached.compare(a, copy)).isZero();
            assertThat(written(cached, a)).as("written as H2 writes it").isEqualTo(written(h2, a));
        }
    }

    private static byte[] written(ObjectDataType type, Object value) {
        org.h2.mvstore.WriteBuffer buff = new org.h2.mvstore.WriteBuffer();
        type.write(buff, value);
        java.nio.ByteBuffer bytes = buff.getBuffer().flip();
        byte[] out = new byte[bytes.remaining()];
        bytes.get(out);
        return out;
    }

    @Test
    void indexMapsWrittenWithH2sOwnKeyTypeAreReadWithTheCachedOneAndBack() {
        String file = dir.resolve("keys.mv.db").toString();
        List<KeyValue> keys = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            keys.add(new KeyValue(new ObjectId(), "status-" + (i % 7)));
        }
        try (MVStore store = MVStore.open(file)) {
            MVMap<KeyValue, Object> map = store.openMap("db.c._index_plain");
            keys.forEach(k -> map.put(k, keys.indexOf(k)));
        }
        try (MVStore store = MVStore.open(file)) {
            MVMap<KeyValue, Object> map = store.openMap("db.c._index_plain",
                    new MVMap.Builder<KeyValue, Object>().keyType(new CachedKeyH2Backend.IndexKeyType()));
            for (int i = 0; i < keys.size(); i++) {
                assertThat(map.get(new KeyValue(keys.get(i).stream().toList()))).isEqualTo(i);
            }
            MVMap<KeyValue, Object> written = store.openMap("db.c._index_cached",
                    new MVMap.Builder<KeyValue, Object>().keyType(new CachedKeyH2Backend.IndexKeyType()));
            for (int i = 0; i < keys.size(); i++) {
                written.put(keys.get(i), i);
            }
        }
        try (MVStore store = MVStore.open(file)) {
            MVMap<KeyValue, Object> map = store.openMap("db.c._index_cached");
            for (int i = 0; i < keys.size(); i++) {
                assertThat(map.get(new KeyValue(keys.get(i).stream().toList()))).isEqualTo(i);
            }
        }
    }

    @Test
    void documentsOfEveryBsonTypeSurviveARestartExactly() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path data = dir.resolve("mongo/types.mv.db");
        List<org.bson.BsonDocument> before;
        try (EmbeddedMongo mongo = new EmbeddedMongo(port, data).start();
             MongoClient client = MongoClients.create(mongo.uri("test"))) {
            MongoCollection<org.bson.BsonDocument> docs = client.getDatabase("test")
                    .getCollection("types", org.bson.BsonDocument.class);
            for (int i = 0; i < 300; i++) {
                docs.insertOne(everyType(i));
            }
            docs.updateOne(new Document("n", 7), new Document("$set", new Document("nested.added", "later"))
                    .append("$currentDate", new Document("touched", true)));
            before = docs.find().into(new ArrayList<>());
        }
        try (MVStore store = MVStore.open(data.toString())) { // stored as BSON: H2's own type cannot read them
            MVMap<Object, Object> raw = store.openMap("databases.test.types");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> raw.get(raw.firstKey()))
                    .hasMessageContaining("Unknown tag 127");
        }
        try (EmbeddedMongo mongo = new EmbeddedMongo(port, data).start();
             MongoClient client = MongoClients.create(mongo.uri("test"))) {
            List<org.bson.BsonDocument> after = client.getDatabase("test")
                    .getCollection("types", org.bson.BsonDocument.class).find().into(new ArrayList<>());
            assertThat(after).isEqualTo(before);
        }
    }

    private static org.bson.BsonDocument everyType(int i) {
        org.bson.BsonDocument d = new org.bson.BsonDocument("_id", new org.bson.BsonObjectId(new ObjectId()));
        d.append("n", new org.bson.BsonInt32(i))
                .append("long", new org.bson.BsonInt64(Long.MAX_VALUE - i))
                .append("double", new org.bson.BsonDouble(i % 3 == 0 ? Double.NaN : i % 3 == 1 ? -0.0 : i / 7.0))
                .append("text", new org.bson.BsonString("héllo \uD83D\uDE00 " + i))
                .append("empty", new org.bson.BsonString(""))
                .append("yes", org.bson.BsonBoolean.valueOf(i % 2 == 0))
                .append("nothing", org.bson.BsonNull.VALUE)
                .append("when", new org.bson.BsonDateTime(1_700_000_000_123L + i))
                .append("blob", new org.bson.BsonBinary(new byte[] {1, 2, (byte) i}))
                .append("uuid", new org.bson.BsonBinary(java.util.UUID.randomUUID()))
                .append("decimal", new org.bson.BsonDecimal128(org.bson.types.Decimal128.parse("12345.6789")))
                .append("ts", new org.bson.BsonTimestamp(1_700_000_000, i))
                .append("regex", new org.bson.BsonRegularExpression("^a.*b$", "i"))
                .append("max", new org.bson.BsonMaxKey())
                .append("min", new org.bson.BsonMinKey())
                .append("code", new org.bson.BsonJavaScript("function() { return 1; }"))
                .append("nested", new org.bson.BsonDocument("a", new org.bson.BsonInt32(1))
                        .append("deeper", new org.bson.BsonDocument("b", new org.bson.BsonArray())))
                .append("list", new org.bson.BsonArray(List.of(new org.bson.BsonInt32(1),
                        new org.bson.BsonString("two"), new org.bson.BsonDocument("three", org.bson.BsonNull.VALUE),
                        new org.bson.BsonArray(List.of(new org.bson.BsonInt64(4))))));
        return d;
    }

    @Test
    void documentsAreStoredAsBsonUnlessBsonCannotHoldThemExactly() {
        BsonDocumentType type = new BsonDocumentType();
        de.bwaldvogel.mongo.bson.Document plain = new de.bwaldvogel.mongo.bson.Document("_id",
                new de.bwaldvogel.mongo.bson.ObjectId()).append("at", java.time.Instant.ofEpochMilli(1234))
                .append("list", new ArrayList<>(List.of(1, 2L, "three")));
        assertThat(roundTrip(type, plain)).isEqualTo(plain);
        assertThat(firstByte(type, plain)).isEqualTo(BsonDocumentType.TAG);
        // H2 budgets its page cache by this estimate: small documents must not count as H2's default 10 kB
        assertThat(type.getMemory(plain)).isLessThan(1000);

        List<de.bwaldvogel.mongo.bson.Document> inexact = List.of(
                new de.bwaldvogel.mongo.bson.Document("at", java.time.Instant.ofEpochSecond(1, 1_500)),
                new de.bwaldvogel.mongo.bson.Document("set", new java.util.TreeSet<>(List.of(1, 2))),
                new de.bwaldvogel.mongo.bson.Document("float", 1.5f),
                new de.bwaldvogel.mongo.bson.Document("lone", "a\uD83Db"),
                new de.bwaldvogel.mongo.bson.Document("nul\0key", 1),
                new de.bwaldvogel.mongo.bson.Document("deep", new de.bwaldvogel.mongo.bson.Document("x",
                        new java.util.Date(5))));
        for (de.bwaldvogel.mongo.bson.Document d : inexact) {
            Object back = roundTrip(type, d);
            assertThat(back).isEqualTo(d);
            assertThat(firstByte(type, d)).isNotEqualTo(BsonDocumentType.TAG);
        }
        assertThat(roundTrip(type, 42L)).isEqualTo(42L);
    }

    private static Object roundTrip(BsonDocumentType type, Object value) {
        org.h2.mvstore.WriteBuffer buff = new org.h2.mvstore.WriteBuffer();
        type.write(buff, value);
        return type.read(buff.getBuffer().flip());
    }

    private static byte firstByte(BsonDocumentType type, Object value) {
        org.h2.mvstore.WriteBuffer buff = new org.h2.mvstore.WriteBuffer();
        type.write(buff, value);
        return buff.getBuffer().get(0);
    }

    @Test
    void documentMapsWrittenByJavaSerializationAreReadAndExtendedWithBson() {
        String file = dir.resolve("documents.mv.db").toString();
        try (MVStore store = MVStore.open(file)) {
            MVMap<Object, Object> map = store.openMap("databases.db.c");
            for (long i = 0; i < 3000; i++) {
                map.put(i, new de.bwaldvogel.mongo.bson.Document("n", i).append("old", true));
            }
        }
        try (MVStore store = MVStore.open(file)) {
            MVMap<Object, Object> map = store.openMap("databases.db.c",
                    new MVMap.Builder<Object, Object>().valueType(new BsonDocumentType()));
            assertThat(map.get(1234L)).isEqualTo(new de.bwaldvogel.mongo.bson.Document("n", 1234L).append("old", true));
            for (long i = 0; i < 3000; i += 2) {
                map.put(i, new de.bwaldvogel.mongo.bson.Document("n", i).append("old", false));
            }
            for (long i = 3000; i < 4000; i++) {
                map.put(i, new de.bwaldvogel.mongo.bson.Document("n", i).append("old", false));
            }
        }
        try (MVStore store = MVStore.open(file)) {
            MVMap<Object, Object> map = store.openMap("databases.db.c",
                    new MVMap.Builder<Object, Object>().valueType(new BsonDocumentType()));
            assertThat(map.size()).isEqualTo(4000);
            for (long i = 0; i < 4000; i++) {
                assertThat(map.get(i)).isEqualTo(new de.bwaldvogel.mongo.bson.Document("n", i)
                        .append("old", i < 3000 && i % 2 == 1));
            }
        }
    }

    @Test
    void uniqueIndexesHoldAcrossARestartOfTheServer() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path data = dir.resolve("mongo/medbase.mv.db");
        List<ObjectId> ids = new ArrayList<>();
        try (EmbeddedMongo mongo = new EmbeddedMongo(port, data).start();
             MongoClient client = MongoClients.create(mongo.uri("test"))) {
            MongoCollection<Document> tasks = client.getDatabase("test").getCollection("tasks");
            tasks.createIndex(Indexes.ascending("_id", "status"), new IndexOptions().unique(true).name("owned"));
            for (int i = 0; i < 2000; i++) {
                ObjectId id = new ObjectId();
                ids.add(id);
                tasks.insertOne(new Document("_id", id).append("status", "new").append("n", i));
            }
        }
        try (EmbeddedMongo mongo = new EmbeddedMongo(port, data).start();
             MongoClient client = MongoClients.create(mongo.uri("test"))) {
            MongoCollection<Document> tasks = client.getDatabase("test").getCollection("tasks");
            for (int i = 0; i < ids.size(); i += 97) {
                Document byKeys = tasks.findOneAndUpdate(new Document("_id", ids.get(i)).append("status", "new"),
                        new Document("$set", new Document("status", "inProgress")));
                assertThat(byKeys.getInteger("n")).isEqualTo(i);
                assertThat(tasks.find(new Document("_id", ids.get(i))).first().getString("status"))
                        .isEqualTo("inProgress");
            }
            assertThat(tasks.countDocuments()).isEqualTo(2000);
            assertThat(tasks.find(new Document("_id", ids.get(0)).append("status", "new")).first()).isNull();

            // the scan report (on in this module's tests) names the query no index served, and only that one
            CachedKeyH2Backend.scanReport().summaryAndReset();
            assertThat(tasks.find(new Document("_id", ids.get(1)).append("status", "new")).first()).isNotNull();
            assertThat(tasks.find(new Document("n", new Document("$gte", 1990))).into(new ArrayList<>())).hasSize(10);
            assertThat(CachedKeyH2Backend.scanReport().summaryAndReset())
                    .contains("test.tasks {n: {$gte}}: 1, 2000, ").doesNotContain("_id");
        }
    }
}
