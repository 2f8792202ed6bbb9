package dev.medbase.platform.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    void claimsOldestFirstAndEachEventOnce() {
        add("e2", "a", T0.plusMillis(2));
        add("e1", "b", T0.plusMillis(1));
        add("e3", "a", T0.plusMillis(2)); // same millisecond as e2: the id breaks the tie

        assertThat(claim("relay-1", T0.plusSeconds(1))).isEqualTo("e1");
        assertThat(claim("relay-2", T0.plusSeconds(1))).isEqualTo("e2");
        assertThat(claim("relay-1", T0.plusSeconds(1))).isEqualTo("e3");
        assertThat(store.claimNext("relay-2", T0.plusSeconds(1), LEASE)).isEmpty();
    }

    @Test
    void aClaimRecordsOwnerLeaseAndAttempt() {
        add("e1", "a", T0);

        OutboxRecord claimed = store.claimNext("relay-1", T0.plusSeconds(1), LEASE).orElseThrow();

        assertThat(claimed.owner()).isEqualTo("relay-1");
        assertThat(claimed.availableAt()).isEqualTo(T0.plusSeconds(1).plus(LEASE));
        assertThat(claimed.attempts()).isEqualTo(1);
        assertThat(claimed.content()).isEqualTo("{\"n\":1}");
    }

    @Test
    void anEventIsNotClaimableBeforeItsTime() {
        add("e1", "a", T0);

        assertThat(store.claimNext("relay-1", T0.minusMillis(1), LEASE)).isEmpty();
    }

    @Test
    void aLeaseThatRanOutLetsAnotherRelayClaimTheEventAgain() {
        add("e1", "a", T0);
        store.claimNext("relay-1", T0, LEASE).orElseThrow();

        assertThat(store.claimNext("relay-2", T0.plus(LEASE).minusMillis(1), LEASE)).isEmpty();
        OutboxRecord again = store.claimNext("relay-2", T0.plus(LEASE), LEASE).orElseThrow();

        assertThat(again.id()).isEqualTo("e1");
        assertThat(again.owner()).isEqualTo("relay-2");
        assertThat(again.attempts()).isEqualTo(2);
    }

    @Test
    void onlyTheCurrentOwnerCanReleaseAClaim() {
        add("e1", "a", T0);
        store.claimNext("relay-1", T0, LEASE).orElseThrow();
        store.claimNext("relay-2", T0.plus(LEASE), LEASE).orElseThrow(); // relay-1's lease ran out

        store.release("e1", "relay-1", T0, "stale"); // too late: relay-2 holds it now
        assertThat(store.claimNext("relay-3", T0.plus(LEASE), LEASE)).isEmpty();

        store.release("e1", "relay-2", T0.plus(LEASE), "broker down");
        OutboxRecord released = store.find("e1").orElseThrow();
        assertThat(released.owner()).isNull();
        assertThat(released.lastError()).isEqualTo("broker down");
        assertThat(claim("relay-3", T0.plus(LEASE))).isEqualTo("e1");
    }

    @Test
    void theSameEventIsStoredOnce() {
        assertThat(add("e1", "a", T0)).isTrue();
        assertThat(add("e1", "a", T0)).isFalse();
        assertThat(store.count()).isEqualTo(1);
    }

    @Test
    void deleteForgetsAnEvent() {
        add("e1", "a", T0);
        store.delete("e1");
        assertThat(store.count()).isZero();
        store.delete("e1"); // deleting twice is fine: two relays may both have sent it
    }

    @Test
    void findsEarlierEventsOfTheSameAggregateOutsideABatch() {
        add("e1", "a", T0.plusMillis(1));
        add("e2", "b", T0.plusMillis(2));
        add("e3", "a", T0.plusMillis(3));
        add("e4", "a", T0.plusMillis(3));
        OutboxRecord e3 = store.find("e3").orElseThrow();
        OutboxRecord e4 = store.find("e4").orElseThrow();

        assertThat(store.hasEarlierPending(e3, Set.of())).isTrue();
        assertThat(store.hasEarlierPending(e3, Set.of("e1"))).isFalse();
        assertThat(store.hasEarlierPending(e4, Set.of("e1"))).as("e3: same millisecond, smaller id").isTrue();
        assertThat(store.hasEarlierPending(e4, Set.of("e1", "e3"))).isFalse();
        assertThat(store.hasEarlierPending(store.find("e2").orElseThrow(), Set.of())).isFalse();
        assertThat(store.hasEarlierPending(store.find("e1").orElseThrow(), Set.of())).isFalse();
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
                while (true) {
                    var next = store.claimNext(owner, T0.plusSeconds(1), LEASE);
                    if (next.isEmpty()) {
                        return;
                    }
                    claimed.add(next.get().id());
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
        return store.claimNext(owner, now, LEASE).orElseThrow().id();
    }
}
