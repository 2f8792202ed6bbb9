package dev.medbase.data.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.medbase.data.DataProperties;
import dev.medbase.data.schemas.Schema;
import dev.medbase.data.schemas.SchemaStore;
import dev.medbase.data.testing.DataApiTest;
import dev.medbase.platform.testing.MutableClock;
import dev.medbase.platform.testing.TestTokens;

/**
 * The document lock as compare-and-set on {@code {_id, _lock}}: exactly one of concurrent takers wins, an abandoned
 * lock is taken over (on a hand-moved clock), a holder that lost its lock cannot commit, and the {@code {_id, _lock}}
 * index that makes all this an index lookup on the embedded server exists.
 */
class DocumentLockTest extends DataApiTest {

    private static final TestTokens.Builder ALICE = TestTokens.user();
    private static final String ALICE_TOKEN = ALICE.token();

    @Autowired
    private SchemaStore schemas;
    @Autowired
    private DataProperties properties;

    private String name;
    private Schema schema;
    private final MutableClock clock = new MutableClock();
    private DocumentStore store;

    @BeforeEach
    void schema() {
        name = uniqueName("lock");
        createSchema("""
                {"name":"%s","readMode":"allUsers","updateMode":["creator"],"deleteMode":["creator"],
                 "properties":{"n":{"type":"number"}}}""".formatted(name));
        schema = schemas.resolve(name).schema();
        // a second store on the same database with a clock the test moves: another "instance" of the service
        store = new DocumentStore(mongo, properties, clock);
    }

    private String create(int n) {
        return post("/data/v1/" + name + "/documents", ALICE_TOKEN, "{\"n\":" + n + "}").expect(200).json()
                .path("id").asString();
    }

    private Document stored(String id) {
        return store.findById(schema, new ObjectId(id));
    }

    private Response update(String id, int n) {
        return put("/data/v1/" + name + "/documents/" + id, ALICE_TOKEN, "{\"n\":" + n + "}");
    }

    @Test
    void theLockIndexExistsOnceADocumentIsWritten() {
        create(1);
        Document index = lockIndex();
        assertThat(index).as("index {_id, _lock} on " + schema.documentsCollection()).isNotNull();
        assertThat(index.get("key", Document.class)).isEqualTo(new Document("_id", 1).append("_lock", 1));
        assertThat(index.getBoolean("unique")).isTrue();
    }

    @Test
    void aCollectionWithoutTheLockIndexGetsItOnTheFirstWrite() {
        String id = create(1);
        // a schema from before the index: no index, and a document without any _lock field
        mongo.getCollection(schema.documentsCollection()).dropIndex(DocumentStore.LOCK_INDEX);
        mongo.getCollection(schema.documentsCollection()).updateOne(new Document("_id", new ObjectId(id)),
                new Document("$unset", new Document("_lock", "")));
        assertThat(lockIndex()).isNull();
        Document seen = stored(id);
        assertThat(seen.containsKey("_lock")).isFalse();
        // the CAS on "_lock: null" matches the missing field through the index it has just created
        assertThat(store.lock(schema, seen, "a")).isNotNull();
        assertThat(lockIndex()).isNotNull();
        assertThat(store.lock(schema, seen, "b")).as("the same read cannot lock twice").isNull();
        assertThat(stored(id).getString("_lock")).isEqualTo("a");
    }

    @Test
    void ofTwoModifiersThatReadTheSameStateExactlyOneLocks() {
        String id = create(1);
        Document seen = stored(id);
        Document first = store.lock(schema, seen, "a");
        Document second = store.lock(schema, seen, "b");
        assertThat(first).isNotNull();
        assertThat(first.getString("_lock")).isEqualTo("a");
        assertThat(second).isNull();
        // the loser now sees a fresh lock, which the API reports as 415; the holder commits
        assertThat(store.lockedNow(stored(id))).isTrue();
        update(id, 2).error(400, 415);
        Doc doc = Doc.fromBson(first);
        doc.data.put("n", 3);
        assertThat(store.commit(schema, doc, "a")).isTrue();
        Document after = stored(id);
        assertThat(after.containsKey("transitionLock")).isFalse();
        assertThat(after.getString("_lock")).as("a new token, so CAS on the old one fails").isNotEqualTo("a");
        assertThat(store.lock(schema, seen, "c")).as("a read from before the commit").isNull();
        update(id, 4).expect(200);
        assertThat(stored(id).get("data", Document.class).get("n")).isEqualTo(4);
    }

    @Test
    void anAbandonedLockIsTakenOverAndItsHolderCannotCommit() {
        String id = create(1);
        Document held = store.lock(schema, stored(id), "a");
        assertThat(store.lockedNow(stored(id))).isTrue();
        clock.advance(properties.lockTimeout().minusMillis(1));
        assertThat(store.lockedNow(stored(id))).isTrue();
        clock.advance(Duration.ofMillis(2));
        Document seen = stored(id);
        assertThat(store.lockedNow(seen)).isFalse();
        // two takers of the same abandoned lock: one wins
        Document taken = store.lock(schema, seen, "b");
        assertThat(taken).isNotNull();
        assertThat(store.lock(schema, seen, "c")).isNull();
        Doc late = Doc.fromBson(held);
        late.data.put("n", 99);
        assertThat(store.commit(schema, late, "a")).as("the abandoned holder's commit").isFalse();
        Doc doc = Doc.fromBson(taken);
        doc.data.put("n", 2);
        assertThat(store.commit(schema, doc, "b")).isTrue();
        assertThat(stored(id).get("data", Document.class).get("n")).isEqualTo(2);
    }

    @Test
    void overTheApiAnAbandonedLockIsTakenOverByUpdatesLinksAndDeletes() {
        String id = create(1);
        Document held = store.lock(schema, stored(id), "a");
        age(id);
        update(id, 2).expect(200);
        Doc late = Doc.fromBson(held);
        late.data.put("n", 99);
        assertThat(store.commit(schema, late, "a")).isFalse();
        assertThat(stored(id).get("data", Document.class).get("n")).isEqualTo(2);

        // a link clears an abandoned lock, so its holder cannot overwrite the new userIds
        held = store.lock(schema, stored(id), "b");
        age(id);
        post("/data/v1/" + name + "/documents/" + id + "/linkUsers", ADMIN_TOKEN,
                "{\"userIds\":[\"" + new ObjectId().toHexString() + "\"]}").expect(200);
        assertThat(stored(id).containsKey("transitionLock")).isFalse();
        assertThat(store.commit(schema, Doc.fromBson(held), "b")).isFalse();
        assertThat(stored(id).getList("userIds", String.class)).hasSize(1);

        // a delete ignores even a fresh lock (§7.3); the holder's commit then finds nothing
        held = store.lock(schema, stored(id), "c");
        delete("/data/v1/" + name + "/documents/" + id, ALICE_TOKEN).expect(200);
        assertThat(store.commit(schema, Doc.fromBson(held), "c")).isFalse();
        assertThat(stored(id)).isNull();
    }

    @Test
    void accessAndPreconditionsKeepTheirErrors() {
        String id = create(1);
        String bob = TestTokens.user().token();
        put("/data/v1/" + name + "/documents/" + id, bob, "{\"n\":2}").error(401, 10);
        delete("/data/v1/" + name + "/documents/" + id, bob).error(401, 10);
        put("/data/v1/" + name + "/documents/" + new ObjectId().toHexString(), ALICE_TOKEN, "{\"n\":2}")
                .error(404, 16);
        // a precondition that does not hold: 0 affected, even on a locked document, and nothing stays locked
        assertThat(put("/data/v1/" + name + "/documents/" + id + "?eq(data.n,5)", ALICE_TOKEN, "{\"n\":2}")
                .expect(200).affected()).isZero();
        assertThat(stored(id).containsKey("transitionLock")).isFalse();
        assertThat(put("/data/v1/" + name + "/documents/" + id + "?eq(data.n,1)", ALICE_TOKEN, "{\"n\":2}")
                .expect(200).affected()).isEqualTo(1);
        Document held = store.lock(schema, stored(id), "a");
        assertThat(put("/data/v1/" + name + "/documents/" + id + "?eq(data.n,5)", ALICE_TOKEN, "{\"n\":3}")
                .expect(200).affected()).isZero();
        put("/data/v1/" + name + "/documents/" + id + "?eq(data.n,2)", ALICE_TOKEN, "{\"n\":3}").error(400, 415);
        store.release(schema, held.getObjectId("_id"), "a");
        assertThat(stored(id).containsKey("transitionLock")).isFalse();
    }

    @Test
    void concurrentUpdatesEachWinOrGet415AndNoneIsLost() throws Exception {
        String id = create(0);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> calls = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                int n = i;
                Callable<Response> call = () -> {
                    start.await();
                    return update(id, n);
                };
                calls.add(pool.submit(call));
            }
            start.countDown();
            List<Integer> won = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                Response r = calls.get(i).get();
                if (r.status() == 200) {
                    won.add(i + 1);
                } else {
                    assertThat(r.json().path("code").asInt()).as(r.body()).isEqualTo(415);
                }
            }
            assertThat(won).isNotEmpty();
            // every winner committed once, and the last commit is one of theirs
            assertThat(events(id, "document_updated")).hasSize(won.size());
            assertThat(stored(id).get("data", Document.class).getInteger("n")).isIn(won);
            assertThat(stored(id).containsKey("transitionLock")).isFalse();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Makes the document's lock older than the lock timeout, for the service's (real) clock. */
    private void age(String id) {
        mongo.getCollection(schema.documentsCollection()).updateOne(new Document("_id", new ObjectId(id)),
                new Document("$set", new Document("transitionLock.timestamp",
                        new Date(System.currentTimeMillis() - properties.lockTimeout().toMillis() - 60_000))));
    }

    private Document lockIndex() {
        for (Document index : mongo.getCollection(schema.documentsCollection()).listIndexes()) {
            if (DocumentStore.LOCK_INDEX.equals(index.getString("name"))) {
                return index;
            }
        }
        return null;
    }
}
