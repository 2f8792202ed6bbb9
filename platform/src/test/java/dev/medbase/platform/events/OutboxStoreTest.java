package dev.medbase.platform.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Claim/lease semantics against a real MongoDB-wire server (mongo-java-server, in memory). */
class OutboxStoreTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    static TestMongo mongo;
    OutboxStore store;

    @BeforeAll
    static void startMongo() {
        mongo = TestMongo.start("outbox-test");
    }

    @AfterAll
    static void stopMongo() {
        mongo.close();
    }

    @BeforeEach
    void emptyOutbox() {
        mongo.template.remove(new org.springframework.data.mongodb.core.query.Query(), OutboxStore.COLLECTION);
        store = new OutboxStore(mongo.template);
        store.ensureIndexes();
    }

    @Test
    void anEventReadsBackExactlyAsItWasStored() {
        OutboxRecord waiting = new OutboxRecord("e1", "medbase.users", "user_created", "users", T0.plusMillis(7),
                "a", "{\"id\":\"a\"}", T0.plusMillis(7), null, 0, null);
        OutboxRecord taken = new OutboxRecord("e2", "medbase.users", "user_updated", "users", T0.plusMillis(8),
                "a", "{}", T0.plusSeconds(30), "relay-x/taken", 1, "earlier failure");

        assertThat(store.add(waiting)).isTrue();
        assertThat(store.add(taken)).isTrue();

        assertThat(store.find("e1")).contains(waiting);
        assertThat(store.find("e2")).contains(taken);
        assertThat(mongo.template.findById("e1", org.bson.Document.class, OutboxStore.COLLECTION))
                .doesNotContainKeys("owner", "lastError");
    }

    @Test
    void claimsOldestFirstAndEachEventOnce() {
        add("e2", "a", T0.plusMillis(2));
        add("e1", "b", T0.plusMillis(1));
        add("e3", "a", T0.plusMillis(2)); // same millisecond as e2: the id breaks the tie

        assertThat(claim("relay-1/1", T0.plusSeconds(1))).isEqualTo("e1");
        assertThat(claim("relay-2/1", T0.plusSeconds(1))).isEqualTo("e2");
        assertThat(claim("relay-1/2", T0.plusSeconds(1))).isEqualTo("e3");
        assertThat(store.claim("relay-2/2", T0.plusSeconds(1), LEASE, 10)).isEmpty();
    }

    @Test
    void claimsABatchOldestFirst() {
        add("e2", "a", T0.plusMillis(2));
        add("e1", "b", T0.plusMillis(1));
        add("e3", "a", T0.plusMillis(2));
        add("e4", "a", T0.plusMillis(3));

        assertThat(store.claim("relay-1/1", T0.plusSeconds(1), LEASE, 3)).extracting(OutboxRecord::id)
                .containsExactly("e1", "e2", "e3");
        assertThat(store.claim("relay-2/1", T0.plusSeconds(1), LEASE, 3)).extracting(OutboxRecord::id)
                .containsExactly("e4");
    }

    @Test
    void aClaimRecordsOwnerLeaseAndAttempt() {
        add("e1", "a", T0);

        OutboxRecord claimed = store.claim("relay-1", T0.plusSeconds(1), LEASE, 1).get(0);

        assertThat(claimed.owner()).isEqualTo("relay-1");
        assertThat(claimed.availableAt()).isEqualTo(T0.plusSeconds(1).plus(LEASE));
        assertThat(claimed.attempts()).isEqualTo(1);
        assertThat(claimed.content()).isEqualTo("{\"n\":1}");
    }

    @Test
    void anEventIsNotClaimableBeforeItsTime() {
        add("e1", "a", T0);

        assertThat(store.claim("relay-1", T0.minusMillis(1), LEASE, 1)).isEmpty();
    }

    @Test
    void aLeaseThatRanOutLetsAnotherRelayClaimTheEventAgain() {
        add("e1", "a", T0);
        claim("relay-1", T0);

        assertThat(store.claim("relay-2", T0.plus(LEASE).minusMillis(1), LEASE, 1)).isEmpty();
        OutboxRecord again = store.claim("relay-2", T0.plus(LEASE), LEASE, 1).get(0);

        assertThat(again.id()).isEqualTo("e1");
        assertThat(again.owner()).isEqualTo("relay-2");
        assertThat(again.attempts()).isEqualTo(2);
    }

    @Test
    void onlyTheCurrentOwnerCanReleaseAClaim() {
        add("e1", "a", T0);
        claim("relay-1", T0);
        claim("relay-2", T0.plus(LEASE)); // relay-1's lease ran out

        store.release(List.of("e1"), "relay-1", T0, "stale"); // too late: relay-2 holds it now
        assertThat(store.claim("relay-3", T0.plus(LEASE), LEASE, 1)).isEmpty();

        store.release(List.of("e1"), "relay-2", T0.plus(LEASE), "broker down");
        OutboxRecord released = store.find("e1").orElseThrow();
        assertThat(released.owner()).isNull();
        assertThat(released.lastError()).isEqualTo("broker down");
        assertThat(claim("relay-3/2", T0.plus(LEASE))).isEqualTo("e1");
    }

    @Test
    void theSameEventIsStoredOnce() {
        assertThat(add("e1", "a", T0)).isTrue();
        assertThat(add("e1", "a", T0)).isFalse();
        assertThat(store.count()).isEqualTo(1);
    }

    @Test
    void deleteForgetsEvents() {
        add("e1", "a", T0);
        add("e2", "a", T0);
        add("e3", "a", T0);
        store.delete(List.of("e1", "e3"));
        assertThat(store.count()).isEqualTo(1);
        store.delete(List.of("e1")); // deleting twice is fine: two relays may both have sent it
        assertThat(store.find("e2")).isPresent();
    }

    @Test
    void findsTheEarliestEventOfEachAggregateWaitingOutsideABatch() {
        add("e1", "a", T0.plusMillis(1));
        add("e2", "b", T0.plusMillis(2));
        add("e3", "a", T0.plusMillis(3));
        add("e4", "a", T0.plusMillis(3));
        add("e5", "c", T0.plusMillis(9));
        OutboxRecord e1 = store.find("e1").orElseThrow();
        OutboxRecord e2 = store.find("e2").orElseThrow();
        OutboxRecord e3 = store.find("e3").orElseThrow();
        OutboxRecord e4 = store.find("e4").orElseThrow();

        assertThat(store.earliestPendingOutside(List.of(e3))).extractingByKey("a").extracting(OutboxRecord::id)
                .isEqualTo("e1");
        assertThat(store.earliestPendingOutside(List.of(e1, e3))).as("e4: same millisecond, larger id, and not "
                + "earlier than e3").extractingByKey("a").extracting(OutboxRecord::id).isEqualTo("e4");
        assertThat(store.earliestPendingOutside(List.of(e1, e4))).extractingByKey("a")
                .extracting(OutboxRecord::id).as("e3: same millisecond, smaller id").isEqualTo("e3");
        assertThat(store.earliestPendingOutside(List.of(e1, e3, e4))).isEmpty();
        assertThat(store.earliestPendingOutside(List.of(e2))).as("e5 is later").isEmpty();
    }

    @Test
    void concurrentRelaysNeverClaimTheSameEvent() throws Exception {
        for (int i = 0; i < 50; i++) {
            add("e%02d".formatted(i), "a" + i % 5, T0.plusMillis(i));
        }
        List<String> claimed = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        List<Thread> relays = new java.util.ArrayList<>();
        for (int r = 0; r < 4; r++) {
            String owner = "relay-" + r;
            relays.add(new Thread(() -> {
                for (int pass = 1; ; pass++) {
                    var next = store.claim(owner + "/" + pass, T0.plusSeconds(1), LEASE, 3);
                    if (next.isEmpty()) {
                        return;
                    }
                    next.forEach(e -> claimed.add(e.id()));
                }
            }));
        }
        relays.forEach(Thread::start);
        for (Thread t : relays) {
            t.join(Duration.ofSeconds(30).toMillis());
        }

        assertThat(claimed).hasSize(50).doesNotHaveDuplicates();
    }

    private boolean add(String id, String aggregate, Instant time) {
        return store.add(OutboxRecord.pending(new EventEnvelope(id, "thing_happened", "test", time, aggregate,
                Map.of("n", 1)), "{\"n\":1}"));
    }

    private String claim(String owner, Instant now) {
        List<OutboxRecord> claimed = store.claim(owner, now, LEASE, 1);
        assertThat(claimed).hasSize(1);
        return claimed.get(0).id();
    }
}
