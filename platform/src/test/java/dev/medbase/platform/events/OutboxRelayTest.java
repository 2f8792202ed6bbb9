package dev.medbase.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.mock.MockProducerFactory;
import tools.jackson.databind.json.JsonMapper;

/** The publisher and the relay against a real MongoDB-wire server and Kafka's {@link MockProducer}. */
class OutboxRelayTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    static TestMongo mongo;

    final EventCodec codec = new EventCodec(JsonMapper.builder().build());
    final MockProducer<String, String> producer =
            new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
    final TestClock clock = new TestClock();
    final AtomicInteger wakeUps = new AtomicInteger();
    OutboxStore store;
    OutboxRelay relay;
    EventPublisher events;

    @BeforeAll
    static void startMongo() {
        mongo = TestMongo.start("relay-test");
    }

    @AfterAll
    static void stopMongo() {
        mongo.close();
    }

    @BeforeEach
    void wire() {
        mongo.template.remove(new org.springframework.data.mongodb.core.query.Query(), OutboxStore.COLLECTION);
        store = new OutboxStore(mongo.template);
        relay = relay(Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMillis(40));
        events = new EventPublisher(store, codec, "users", record -> wakeUps.incrementAndGet());
    }

    @AfterEach
    void stopRelay() {
        relay.stop();
    }

    @Test
    void publishingStoresTheEventAndWakesTheRelayButSendsNothing() {
        EventEnvelope event = events.publish("user_created", "u1", Map.of("id", "u1"));

        assertThat(event.source()).isEqualTo("users");
        assertThat(event.content()).isEqualTo(Map.of("id", "u1"));
        assertThat(store.find(event.id())).hasValueSatisfying(e -> {
            assertThat(e.topic()).isEqualTo("medbase.users");
            assertThat(e.content()).isEqualTo("{\"id\":\"u1\"}");
        });
        assertThat(wakeUps).hasValue(1);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void sendsWaitingEventsInCreationOrderAndForgetsThemOnceAcknowledged() {
        List<EventEnvelope> published = List.of(
                events.publish("user_created", "u1", Map.of("id", "u1")),
                events.publish("user_created", "u2", Map.of("id", "u2")),
                events.publish("user_deleted", "u1", Map.of("id", "u1")));

        OutboxRelay.Pass pass = relay.relayOnce();

        assertThat(pass.sent()).isEqualTo(3);
        assertThat(pass.failure()).isNull();
        assertThat(producer.history()).extracting(r -> header(r, "ce_id"))
                .containsExactlyElementsOf(published.stream().map(EventEnvelope::id).toList());
        ProducerRecord<String, String> first = producer.history().get(0);
        assertThat(first.topic()).isEqualTo("medbase.users");
        assertThat(first.key()).isEqualTo("u1");
        assertThat(first.value()).isEqualTo("{\"id\":\"u1\"}");
        assertThat(header(first, "ce_type")).isEqualTo("user_created");
        assertThat(store.count()).isZero();
    }

    @Test
    void whenTheBrokerIsUnreachableEventsStayInTheOutboxUntilItIsBack() {
        EventEnvelope e1 = events.publish("user_created", "u1", null);
        events.publish("user_created", "u2", null);
        producer.sendException = new TimeoutException("Topic medbase.users not present in metadata after 5000 ms.");

        OutboxRelay.Pass failed = relay.relayOnce();

        assertThat(failed.sent()).isZero();
        assertThat(failed.failure()).isInstanceOf(TimeoutException.class);
        assertThat(store.count()).isEqualTo(2);
        assertThat(store.find(e1.id())).hasValueSatisfying(e -> {
            assertThat(e.owner()).as("given back").isNull();
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e.lastError()).contains("not present in metadata");
        });

        producer.sendException = null;
        assertThat(relay.relayOnce().sent()).isEqualTo(2);
        assertThat(store.count()).isZero();
    }

    @Test
    void aLaterEventWaitsWhileAnotherRelayHoldsAnEarlierEventOfTheSameAggregate() {
        EventEnvelope first = events.publish("user_created", "u1", null);
        EventEnvelope second = events.publish("user_updated", "u1", null);
        EventEnvelope other = events.publish("user_created", "u2", null);
        assertThat(store.claim("relay-on-another-replica", clock.instant(), LEASE, 1)).hasSize(1); // holds `first`

        assertThat(relay.relayOnce().sent()).isEqualTo(1);
        assertThat(producer.history()).extracting(r -> header(r, "ce_id")).containsExactly(other.id());
        assertThat(store.find(second.id())).isPresent();

        store.delete(List.of(first.id())); // the other replica sent it
        clock.advance(OutboxRelay.BLOCKED_RETRY);
        assertThat(relay.relayOnce().sent()).isEqualTo(1);
        assertThat(producer.history()).extracting(r -> header(r, "ce_id")).containsExactly(other.id(), second.id());
    }

    @Test
    void anEventWhoseLeaseRanOutIsSentAgainByAnotherRelay() {
        EventEnvelope event = events.publish("user_created", "u1", null);
        assertThat(store.claim("relay-that-died", clock.instant(), LEASE, 1)).hasSize(1);

        assertThat(relay.relayOnce().claimed()).isZero();

        clock.advance(LEASE);
        assertThat(relay.relayOnce().sent()).isEqualTo(1);
        assertThat(producer.history()).extracting(r -> header(r, "ce_id")).containsExactly(event.id());
    }

    @Test
    void publishingTheSameEventTwiceWhileItWaitsStoresItOnce() {
        EventEnvelope event = EventEnvelope.create("custom_thing", "custom", "x", Map.of("a", 1));

        events.publish(event);
        events.publish(event);

        assertThat(store.count()).isEqualTo(1);
        assertThat(store.find(event.id()).orElseThrow().topic()).isEqualTo("medbase.custom");
    }

    @Test
    void refusesContentThatIsNotAJsonObjectOrTooLarge() {
        assertThatThrownBy(() -> events.publish("t", "a", List.of(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> events.publish("t", "a",
                Map.of("blob", "x".repeat(EventPublisher.MAX_CONTENT_BYTES)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
        assertThat(store.count()).isZero();
    }

    @Test
    void anEventWithoutAggregateIsItsOwnAggregate() {
        EventEnvelope event = events.publish("thing_happened", null, null);
        assertThat(event.aggregateId()).isEqualTo(event.id());
    }

    @Test
    void warnsOncePerOutageAndOnceWhenItRecovers() {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(OutboxRelay.class);
        logs.start();
        logger.addAppender(logs);
        try {
            producer.sendException = new TimeoutException("no broker");
            EventEnvelope event = events.publish("user_created", "u1", null);
            relay.start();
            relay.wakeUp();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> store.find(event.id()).map(OutboxRecord::attempts).orElse(0) >= 5);

            producer.sendException = null;
            await().atMost(Duration.ofSeconds(20)).until(() -> store.count() == 0);
            relay.stop();

            assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(1)
                    .first().extracting(ILoggingEvent::getFormattedMessage).asString().contains("no broker");
            assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.INFO)
                    .extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                            "Outbox relay publishes events again");
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void aWakeUpSendsAnEventLongBeforeThePollInterval() {
        relay = relay(Duration.ofMinutes(10), Duration.ofMillis(10), Duration.ofMillis(40));
        events = new EventPublisher(store, codec, "users", relay);
        relay.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.passes() >= 1); // now asleep for 10 minutes

        EventEnvelope event = events.publish("user_created", "u1", null);

        await().atMost(Duration.ofSeconds(10)).until(() -> store.count() == 0);
        assertThat(producer.history()).extracting(r -> header(r, "ce_id")).containsExactly(event.id());
    }

    @Test
    void eventsPublishedWhileAWokenRelayLingersGoOutInItsOnePass() throws InterruptedException {
        relay = relay(Duration.ofMinutes(10), Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(2));
        events = new EventPublisher(store, codec, "users", relay);
        relay.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.passes() >= 1); // now asleep for 10 minutes
        long passes = relay.passes();

        EventEnvelope first = events.publish("user_created", "u1", null); // wakes it: it lingers 2 s
        Thread.sleep(300); // without the linger, the first event would be gone in a pass of its own by now
        EventEnvelope second = events.publish("user_created", "u2", null);

        await().atMost(Duration.ofSeconds(10)).until(() -> store.count() == 0);
        assertThat(producer.history()).extracting(r -> header(r, "ce_id")).containsExactly(first.id(), second.id());
        assertThat(relay.passes()).isEqualTo(passes + 1);
    }

    @Test
    void aRunningRelayTakesEventsAsTheyAreStoredAndSendsThemWithoutClaimingThem() {
        relay = relay(Duration.ofMinutes(10), Duration.ofMillis(10), Duration.ofMillis(40));
        events = new EventPublisher(store, codec, "users", relay);
        relay.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.passes() >= 1); // its first claim; asleep now
        long claims = relay.claims();

        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ids.add(events.publish("user_updated", "u1", Map.of("n", i)).id());
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 25);
        assertThat(producer.history()).extracting(r -> header(r, "ce_id")).containsExactlyElementsOf(ids);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.count() == 0);
        assertThat(relay.claims()).as("no claim from the database").isEqualTo(claims);
    }

    @Test
    void anEventTakenAtBirthIsLeasedSoOnlyItsTakerSendsItUntilTheLeaseRunsOut() {
        relay = relay(Duration.ofMinutes(10), Duration.ofMillis(10), Duration.ofMillis(40));
        relay.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.passes() >= 1);
        // stored as the publisher stores it, then the taker's process dies before it hears of it
        OutboxRecord taken = relay.toStore(OutboxRecord.pending(EventEnvelope.create("user_created", "users", "u1",
                Map.of()), "{}"));
        assertThat(store.add(taken)).isTrue();
        assertThat(store.find(taken.id()).orElseThrow().attempts()).isEqualTo(1);

        OutboxRelay other = relay(Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMillis(40));
        assertThat(other.relayOnce().claimed()).isZero();
        clock.advance(LEASE);
        assertThat(other.relayOnce().sent()).isEqualTo(1);
        assertThat(producer.history()).extracting(r -> header(r, "ce_id")).containsExactly(taken.id());
    }

    @Test
    void anEventTakenAtBirthThatCannotBeSentIsGivenBackAndSentWhenTheBrokerIsBack() {
        relay = relay(Duration.ofMinutes(10), Duration.ofMillis(10), Duration.ofMillis(40));
        events = new EventPublisher(store, codec, "users", relay);
        relay.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.passes() >= 1);
        producer.sendException = new TimeoutException("no broker");

        EventEnvelope event = events.publish("user_created", "u1", null);

        await().atMost(Duration.ofSeconds(10)).until(() -> store.find(event.id())
                .filter(e -> e.lastError() != null).isPresent());
        producer.sendException = null;
        await().atMost(Duration.ofSeconds(20)).until(() -> store.count() == 0);
        assertThat(producer.history()).extracting(r -> header(r, "ce_id")).containsExactly(event.id());
    }

    @Test
    void aStoppedRelayGivesBackWhatItTookSoAnyRelaySendsItAtOnce() {
        relay.start();
        OutboxRecord taken = relay.toStore(OutboxRecord.pending(EventEnvelope.create("user_created", "users", "u1",
                Map.of()), "{}"));
        store.add(taken);
        relay.stop(); // before the publisher hands the stored event over

        relay.stored(taken);

        assertThat(store.find(taken.id()).orElseThrow().owner()).isNull();
        OutboxRelay other = relay(Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMillis(40));
        assertThat(other.relayOnce().sent()).isEqualTo(1);
    }

    @Test
    void aRelayThatIsNotRunningTakesNothing() {
        OutboxRecord pending = OutboxRecord.pending(EventEnvelope.create("user_created", "users", "u1", Map.of()),
                "{}");
        assertThat(relay.toStore(pending)).isSameAs(pending);
    }

    private OutboxRelay relay(Duration poll, Duration minBackoff, Duration maxBackoff) {
        return relay(poll, minBackoff, maxBackoff, Duration.ofMillis(5));
    }

    private OutboxRelay relay(Duration poll, Duration minBackoff, Duration maxBackoff, Duration linger) {
        return new OutboxRelay(store, codec, new MockProducerFactory<>(() -> producer),
                new OutboxRelay.Settings(10, poll, LEASE, minBackoff, maxBackoff, linger), clock);
    }

    private static String header(ProducerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** The real time, shifted by what a test lets pass. */
    static final class TestClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void advance(Duration d) {
            offset = offset.plus(d);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
