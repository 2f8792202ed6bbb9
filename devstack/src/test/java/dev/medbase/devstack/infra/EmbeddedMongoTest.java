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
        }
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
