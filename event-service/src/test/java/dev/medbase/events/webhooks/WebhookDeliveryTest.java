package dev.medbase.events.webhooks;

import dev.medbase.platform.testing.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import dev.medbase.events.EventServiceTest;
import dev.medbase.events.store.EventStore;
import dev.medbase.platform.events.EventEnvelope;

/**
 * Deliveries to a receiver on this machine: signed, retried with backoff on the test's clock, parked dead after the
 * last attempt, retried by hand, replayed; a slow receiver holds up nobody else.
 */
class WebhookDeliveryTest extends EventServiceTest {

    static final String ADMIN = WebhooksApiTest.ADMIN;
    static final Receiver RECEIVER = new Receiver();

    @Autowired
    WebhookFanout fanout;
    @Autowired
    EventStore store;
    @Autowired
    WebhookDeliveries deliveries;

    @AfterAll
    static void stopReceiver() {
        RECEIVER.close();
    }

    @Test
    void eventsArriveSignedThroughTheWholePipeline() {
        String type = uniqueType("user_created");
        JsonNode webhook = register("/signed", List.of(type));
        EventEnvelope event = event(type, "users", Map.of("id", "u1", "pin_code", "12345678"));
        sendToKafka(event, event);

        await().atMost(GENEROUS).until(() -> !RECEIVER.requests("/signed").isEmpty());
        Receiver.Request request = RECEIVER.requests("/signed").get(0);
        assertThat(request.header("Content-Type")).startsWith("application/json");
        String timestamp = request.header("X-Medbase-Timestamp");
        assertThat(Long.parseLong(timestamp)).isEqualTo(CLOCK.instant().getEpochSecond());
        assertThat(request.header("X-Medbase-Signature")).isEqualTo(
                WebhookSender.signature(webhook.get("secret").asString(), Long.parseLong(timestamp), request.body()));
        assertThat(request.header("X-Medbase-Signature")).isNotEqualTo(
                WebhookSender.signature("whsec_other", Long.parseLong(timestamp), request.body()));
        assertThat(request.header("X-Medbase-Event-Id")).isEqualTo(event.id());
        assertThat(request.header("X-Medbase-Event-Type")).isEqualTo(type);
        assertThat(request.header("X-Medbase-Webhook-Id")).isEqualTo(webhook.get("id").asString());
        assertThat(JSON.readTree(request.body())).isEqualTo(JSON.readTree("{\"id\":\"" + event.id() + "\",\"type\":\""
                + type + "\",\"content\":{\"id\":\"u1\",\"pin_code\":\"[redacted]\"},\"creation_timestamp\":"
                + event.time().toEpochMilli() + "}"));
        assertThat(request.body()).startsWith("{\"id\":");

        JsonNode delivery = await().atMost(GENEROUS).until(() -> deliveries(webhook, ""),
                d -> d.size() == 1 && d.get(0).get("status").asString().equals("succeeded")).get(0);
        assertThat(delivery.get("event_id").asString()).isEqualTo(event.id());
        assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
        assertThat(delivery.get("last_status_code").asInt()).isEqualTo(200);
        assertThat(delivery.get("history").get(0).get("status_code").asInt()).isEqualTo(200);
        assertThat(delivery.get("id").asString()).isEqualTo(request.header("X-Medbase-Delivery-Id"));
        // delivered twice by Kafka, delivered once to the receiver
        assertThat(RECEIVER.requests("/signed")).hasSize(1);
    }

    @Test
    void failuresAreRetriedWithBackoffThenParkedDeadThenRetriedByHand() {
        String type = uniqueType("failing");
        RECEIVER.answer("/failing", 503);
        JsonNode webhook = register("/failing", List.of(type));
        fanout.handle(event(type, "data", Map.of("n", 1)));

        JsonNode first = awaitDelivery(webhook, d -> d.get("attempts").asInt() == 1);
        assertThat(first.get("status").asString()).isEqualTo("pending");
        assertThat(first.get("last_status_code").asInt()).isEqualTo(503);
        long next = first.get("next_attempt_timestamp").asLong();
        // initial backoff 10 s, jittered between half and all of it
        assertThat(next - CLOCK.millis()).isBetween(5_000L, 10_000L);

        // not due yet: nothing happens, however long the real time
        assertThat(RECEIVER.requests("/failing")).hasSize(1);
        CLOCK.advance(Duration.ofMillis(next - CLOCK.millis()));
        JsonNode second = awaitDelivery(webhook, d -> d.get("attempts").asInt() == 2);
        assertThat(second.get("status").asString()).isEqualTo("pending");
        assertThat(second.get("next_attempt_timestamp").asLong() - CLOCK.millis()).isBetween(10_000L, 20_000L);

        CLOCK.advance(Duration.ofSeconds(20));
        JsonNode dead = awaitDelivery(webhook, d -> d.get("status").asString().equals("dead"));
        assertThat(dead.get("attempts").asInt()).isEqualTo(3); // max-attempts in the test context
        assertThat(dead.has("next_attempt_timestamp")).isFalse();
        assertThat(dead.get("history")).hasSize(3)
                .allSatisfy(h -> assertThat(h.get("status_code").asInt()).isEqualTo(503));
        assertThat(dead.get("completed_timestamp").asLong()).isEqualTo(CLOCK.millis());
        // the dead-letter list of the webhook
        assertThat(deliveries(webhook, "?eq(status,dead)")).hasSize(1);
        List<Receiver.Request> attempts = RECEIVER.requests("/failing");
        assertThat(attempts).hasSize(3).extracting(r -> r.header("X-Medbase-Delivery-Id"))
                .containsOnly(dead.get("id").asString());

        // the receiver is fixed; the dead delivery is retried by hand
        RECEIVER.answer("/failing", 204);
        String deliveryPath = "/events/v1/webhooks/" + webhook.get("id").asString() + "/deliveries/"
                + dead.get("id").asString() + "/retry";
        JsonNode retried = post(deliveryPath, ADMIN, null).assertOk().body();
        assertThat(retried.get("status").asString()).isIn("pending", "delivering", "succeeded");
        JsonNode succeeded = awaitDelivery(webhook, d -> d.get("status").asString().equals("succeeded"));
        assertThat(succeeded.get("attempts").asInt()).isEqualTo(1);
        assertThat(succeeded.get("history")).hasSize(4);
        assertThat(RECEIVER.requests("/failing")).hasSize(4);
        // only dead deliveries can be retried
        post(deliveryPath, ADMIN, null).assertError(400, 27);
    }

    @Test
    void replayFromAnEventOrATime() {
        String type = uniqueType("replayed");
        String other = uniqueType("not_replayed");
        EventEnvelope e1 = event(type, "users", Map.of("n", 1));
        store.store(e1);
        CLOCK.advance(Duration.ofSeconds(1));
        EventEnvelope e2 = event(type, "users", Map.of("n", 2));
        store.store(e2);
        store.store(event(other, "users", Map.of()));
        CLOCK.advance(Duration.ofSeconds(1));
        EventEnvelope e3 = event(type, "users", Map.of("n", 3));
        store.store(e3);
        CLOCK.advance(Duration.ofSeconds(1));
        JsonNode webhook = register("/replay", List.of(type));

        JsonNode fromEvent = post("/events/v1/webhooks/" + webhook.get("id").asString() + "/replay", ADMIN,
                Map.of("from_event_id", e2.id())).assertOk().body();
        assertThat(fromEvent.get("queued").asInt()).isEqualTo(2);
        assertThat(fromEvent.get("truncated").booleanValue()).isFalse();
        await().atMost(GENEROUS).until(() -> RECEIVER.requests("/replay").size() == 2);
        assertThat(RECEIVER.requests("/replay")).extracting(r -> r.header("X-Medbase-Event-Id"))
                .containsExactlyInAnyOrder(e2.id(), e3.id());

        JsonNode fromTime = post("/events/v1/webhooks/" + webhook.get("id").asString() + "/replay", ADMIN,
                Map.of("from_timestamp", Instant.ofEpochMilli(e1.time().toEpochMilli()).toString())).assertOk()
                .body();
        assertThat(fromTime.get("queued").asInt()).isEqualTo(3);
        await().atMost(GENEROUS).until(() -> RECEIVER.requests("/replay").size() == 5);
        List<JsonNode> replayed = deliveries(webhook, "?eq(replay_id," + fromTime.get("replay_id").asString() + ")");
        assertThat(replayed).extracting(d -> d.get("event_id").asString())
                .containsExactlyInAnyOrder(e1.id(), e2.id(), e3.id());
    }

    @Test
    void aSlowEndpointDelaysNeitherOtherWebhooksNorStorage() {
        String type = uniqueType("busy");
        RECEIVER.hold("/slow");
        try {
            JsonNode slow = register("/slow", List.of(type));
            register("/fast", List.of(type));
            List<EventEnvelope> events = List.of(event(type, "users", Map.of("n", 1)),
                    event(type, "users", Map.of("n", 2)), event(type, "users", Map.of("n", 3)));
            sendToKafka(events.toArray(EventEnvelope[]::new));

            await().atMost(GENEROUS).until(() -> RECEIVER.requests("/fast").size() == 3);
            String viewer = TestTokens.withPermissions("VIEW_EVENTS");
            assertThat(get("/events/v1/?eq(type," + type + ")", viewer).body().get("page").get("total").asInt())
                    .isEqualTo(3);
            // one request of the slow webhook is held; its others wait their turn (per-webhook concurrency 1)
            assertThat(RECEIVER.requests("/slow")).hasSize(1);
            assertThat(deliveries(slow, "?eq(status,pending)")).hasSize(2);
        } finally {
            RECEIVER.open("/slow");
        }
        await().atMost(GENEROUS).until(() -> RECEIVER.requests("/slow").size() == 3);
    }

    @Test
    void aDisabledWebhookGetsNothingNewAndKeepsWhatWasQueued() {
        String type = uniqueType("paused");
        JsonNode webhook = register("/paused", List.of(type));
        String id = webhook.get("id").asString();
        put("/events/v1/webhooks/" + id, ADMIN, Map.of("enabled", false)).assertOk();
        fanout.handle(event(type, "users", Map.of())); // not queued for a disabled webhook
        assertThat(deliveries(webhook, "")).isEmpty();

        // queued before it was disabled (as a concurrent fan-out might): the worker parks it
        EventEnvelope queued = event(type, "users", Map.of("n", 1));
        deliveries.enqueue(new org.bson.types.ObjectId(id), new org.bson.Document("id", queued.id())
                .append("type", type).append("content", new org.bson.Document("n", 1))
                .append("creation_timestamp", java.util.Date.from(queued.time())), null);
        awaitDelivery(webhook, d -> d.get("status").asString().equals("paused"));
        assertThat(RECEIVER.requests("/paused")).isEmpty();

        put("/events/v1/webhooks/" + id, ADMIN, Map.of("enabled", true)).assertOk();
        awaitDelivery(webhook, d -> d.get("status").asString().equals("succeeded"));
        assertThat(RECEIVER.requests("/paused")).singleElement()
                .satisfies(r -> assertThat(r.header("X-Medbase-Event-Id")).isEqualTo(queued.id()));
    }

    @Test
    void eventsBeforeTheWebhookExistedComeOnlyByReplay() {
        String type = uniqueType("earlier");
        EventEnvelope before = event(type, "users", Map.of());
        CLOCK.advance(Duration.ofSeconds(1));
        JsonNode webhook = register("/earlier", List.of(type));
        fanout.handle(before);
        EventEnvelope after = event(type, "users", Map.of());
        fanout.handle(after);
        await().atMost(GENEROUS).until(() -> RECEIVER.requests("/earlier").size() == 1);
        assertThat(deliveries(webhook, "")).extracting(d -> d.get("event_id").asString()).containsExactly(after.id());
    }

    @Test
    void deletingAWebhookDeletesItsDeliveries() {
        String type = uniqueType("gone");
        RECEIVER.answer("/gone", 500);
        JsonNode webhook = register("/gone", List.of(type));
        fanout.handle(event(type, "users", Map.of()));
        awaitDelivery(webhook, d -> d.get("attempts").asInt() == 1);
        delete("/events/v1/webhooks/" + webhook.get("id").asString(), ADMIN).assertOk();
        assertThat(mongo.getCollection(WebhookDeliveries.COLLECTION).countDocuments(
                new org.bson.Document("webhook_id", new org.bson.types.ObjectId(webhook.get("id").asString()))))
                .isZero();
    }

    @Test
    void finishedDeliveriesArePurgedAfterTheirRetentionPendingOnesStay() {
        String type = uniqueType("purged");
        RECEIVER.answer("/purged-failing", 500);
        JsonNode done = register("/purged-ok", List.of(type));
        JsonNode failing = register("/purged-failing", List.of(type));
        fanout.handle(event(type, "users", Map.of()));
        awaitDelivery(done, d -> d.get("status").asString().equals("succeeded"));
        awaitDelivery(failing, d -> d.get("attempts").asInt() == 1);

        assertThat(deliveries.purge(CLOCK.instant().plus(Duration.ofDays(29)))).isZero();
        assertThat(deliveries.purge(CLOCK.instant().plus(Duration.ofDays(31)))).isGreaterThanOrEqualTo(1);
        assertThat(deliveries(done, "")).isEmpty();
        assertThat(deliveries(failing, "")).hasSize(1);
    }

    private JsonNode register(String path, List<String> types) {
        return post("/events/v1/webhooks", ADMIN, Map.of("url", RECEIVER.url(path), "event_types", types))
                .assertOk().body();
    }

    private List<JsonNode> deliveries(JsonNode webhook, String rql) {
        Response response = get("/events/v1/webhooks/" + webhook.get("id").asString() + "/deliveries" + rql, ADMIN)
                .assertOk();
        List<JsonNode> list = new java.util.ArrayList<>();
        response.body().get("data").forEach(list::add);
        return list;
    }

    private JsonNode awaitDelivery(JsonNode webhook, java.util.function.Predicate<JsonNode> condition) {
        return await().atMost(GENEROUS).until(() -> deliveries(webhook, ""),
                list -> list.size() == 1 && condition.test(list.get(0))).get(0);
    }
}
