package dev.medbase.events.dispatchers;

import dev.medbase.platform.testing.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import dev.medbase.events.EventServiceTest;
import dev.medbase.platform.events.EventEnvelope;

/**
 * Dispatchers run from the event stream: their actions become {@code mail_requested} / {@code task_requested}
 * commands on {@code medbase.events}, once per (dispatcher, action, event) however often the event arrives.
 */
class DispatcherExecutionTest extends EventServiceTest {

    static final String ADMIN = DispatchersApiTest.ADMIN;

    @Autowired
    DispatcherExecutor executor;

    @Test
    void anEventFromAnotherServiceBecomesCommandsOnce() {
        String type = uniqueType("user_created");
        Map<String, Object> mail = DispatchersApiTest.mailAction();
        mail.put("recipients", Map.of("to", List.of("admin@example.com", "$content.email", "$content.missing"),
                "bcc", List.of("$content.watchers")));
        Map<String, Object> task = DispatchersApiTest.taskAction();
        task.put("priority", 5);
        String dispatcherId = post("/dispatchers/v1/", ADMIN, DispatchersApiTest.dispatcher(type, mail, task))
                .assertOk().body().get("id").asString();
        Document stored = mongo.findOne(Query.query(Criteria.where("_id").is(new ObjectId(dispatcherId))),
                Document.class, Dispatchers.COLLECTION);
        String mailId = stored.getList("actions", Document.class).get(0).getObjectId("_id").toHexString();
        String taskId = stored.getList("actions", Document.class).get(1).getObjectId("_id").toHexString();

        CLOCK.advance(Duration.ofSeconds(1));
        EventEnvelope event = event(type, "users", Map.of("id", "u1", "email", "new.user@example.com",
                "watchers", List.of("w1@example.com", "w2@example.com"), "pin_code", "12345678"));
        sendToKafka(event, event); // delivered twice

        List<EventEnvelope> commands = readTopic("medbase.events",
                e -> event.id().equals(e.content().get("event_id")) || event.id().equals(e.content().get("eventId")),
                list -> list.size() >= 2);
        assertThat(commands).extracting(EventEnvelope::type).containsExactlyInAnyOrder("mail_requested",
                "task_requested");
        EventEnvelope mailCommand = commands.stream().filter(c -> c.type().equals("mail_requested")).findFirst()
                .orElseThrow();
        EventEnvelope taskCommand = commands.stream().filter(c -> c.type().equals("task_requested")).findFirst()
                .orElseThrow();
        Map<String, Object> eventObject = Map.of("id", event.id(), "type", type, "content", event.content(),
                "creation_timestamp", event.time().toEpochMilli());

        assertThat(mailCommand.source()).isEqualTo("events");
        assertThat(mailCommand.aggregateId()).isEqualTo(event.aggregateId());
        assertThat((tools.jackson.databind.JsonNode) JSON.valueToTree(mailCommand.content())).isEqualTo(JSON.valueToTree(Map.of(
                "recipients", Map.of("to", List.of("admin@example.com", "new.user@example.com"), "cc",
                        List.of(), "bcc", List.of("w1@example.com", "w2@example.com")),
                "template_id", DispatchersApiTest.TEMPLATE,
                "content", Map.of("id", "u1", "email", "new.user@example.com", "watchers",
                        List.of("w1@example.com", "w2@example.com"), "pin_code", "12345678", "event", eventObject),
                "dispatcher_id", dispatcherId, "action_id", mailId, "event_id", event.id(), "event_type", type)));

        java.util.Map<String, Object> data = new java.util.LinkedHashMap<>(
                (Map<String, Object>) DispatchersApiTest.taskAction().get("data"));
        data.put("event", eventObject);
        java.util.Map<String, Object> expectedTask = new java.util.LinkedHashMap<>();
        expectedTask.put("functionName", "string");
        expectedTask.put("data", data);
        expectedTask.put("tags", List.of("string"));
        expectedTask.put("priority", 5);
        expectedTask.put("startTimestamp", "2030-01-02T03:04:05.678Z");
        expectedTask.put("dispatcherId", dispatcherId);
        expectedTask.put("actionId", taskId);
        expectedTask.put("eventId", event.id());
        expectedTask.put("eventType", type);
        assertThat((tools.jackson.databind.JsonNode) JSON.valueToTree(taskCommand.content())).isEqualTo(JSON.valueToTree(expectedTask));
        assertThat(taskCommand.time()).isEqualTo(CLOCK.instant().truncatedTo(ChronoUnit.MILLIS));

        // the commands are stored too, with the secret in the copied content redacted
        String viewer = TestTokens.withPermissions("VIEW_EVENTS");
        await().atMost(GENEROUS).until(() -> get("/events/v1/?eq(id," + mailCommand.id() + ")", viewer)
                .body().get("data").size() == 1);
        assertThat(get("/events/v1/?eq(id," + mailCommand.id() + ")", viewer).body().get("data").get(0)
                .get("content").get("content").get("pin_code").asString()).isEqualTo("[redacted]");
        assertThat(records(event.id())).extracting(r -> r.getString("status")).containsExactly("published",
                "published");
    }

    @Test
    void executionIsIdempotentPerDispatcherActionAndEvent() {
        String type = uniqueType("thing_done");
        String dispatcherId = post("/dispatchers/v1/", ADMIN,
                DispatchersApiTest.dispatcher(type, DispatchersApiTest.taskAction())).assertOk()
                .body().get("id").asString();
        EventEnvelope event = event(type, "data", Map.of("id", "d1"));

        executor.handle(event);
        executor.handle(event);
        List<Document> records = records(event.id());
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.getString("dispatcher_id")).isEqualTo(dispatcherId);
            assertThat(r.getString("status")).isEqualTo("published");
        });
        String commandId = records.get(0).getString("command_id");
        readTopic("medbase.events", e -> commandId.equals(e.id()), list -> !list.isEmpty()); // relayed

        // a crash after publishing, before recording it: the retry publishes the same command id again
        mongo.updateFirst(Query.query(Criteria.where("_id").is(records.get(0).get("_id"))),
                new org.springframework.data.mongodb.core.query.Update().set("status", "pending"), "dispatches");
        executor.handle(event);
        List<EventEnvelope> commands = readTopic("medbase.events", e -> event.id().equals(e.content().get("eventId")),
                list -> list.size() >= 2);
        assertThat(commands).extracting(EventEnvelope::id).containsOnly(commandId);
        assertThat(records(event.id())).singleElement()
                .satisfies(r -> assertThat(r.getString("status")).isEqualTo("published"));

        // and the copies are one event to whoever consumes them: the store keeps it once
        String viewer = TestTokens.withPermissions("VIEW_EVENTS");
        await().atMost(GENEROUS).until(() -> get("/events/v1/?eq(id," + commandId + ")", viewer)
                .body().get("page").get("total").asInt() == 1);
    }

    @Test
    void onlyEventsAfterTheDispatcherWasCreatedRunIt() {
        String type = uniqueType("before_or_after");
        EventEnvelope earlier = event(type, "users", Map.of());
        CLOCK.advance(Duration.ofSeconds(1));
        post("/dispatchers/v1/", ADMIN, DispatchersApiTest.dispatcher(type, DispatchersApiTest.taskAction()))
                .assertOk();
        EventEnvelope later = event(type, "users", Map.of());
        executor.handle(earlier);
        executor.handle(later);
        assertThat(records(earlier.id())).isEmpty();
        assertThat(records(later.id())).hasSize(1);
    }

    @Test
    void anActionWithoutRecipientIsRecordedAsFailedNotRetried() {
        String type = uniqueType("no_address");
        Map<String, Object> mail = DispatchersApiTest.mailAction();
        mail.put("recipients", Map.of("to", List.of("$content.email")));
        post("/dispatchers/v1/", ADMIN, DispatchersApiTest.dispatcher(type, mail)).assertOk();
        EventEnvelope event = event(type, "users", Map.of("email", 42));
        executor.handle(event);
        assertThat(records(event.id())).singleElement().satisfies(r -> {
            assertThat(r.getString("status")).isEqualTo("failed");
            assertThat(r.getString("error")).contains("no 'to' recipient");
        });
    }

    @Test
    void ownEventsNeverTriggerDispatchers() {
        // a dispatcher on a type this service itself publishes: its own events never run it (no feedback loops)
        post("/dispatchers/v1/", ADMIN, DispatchersApiTest.dispatcher("task_requested",
                DispatchersApiTest.taskAction())).assertOk();
        EventEnvelope own = event("task_requested", "events", Map.of("functionName", "f"));
        EventEnvelope fromData = event("task_requested", "data", Map.of("functionName", "f"));
        executor.handle(own);
        executor.handle(fromData);
        assertThat(records(own.id())).isEmpty();
        assertThat(records(fromData.id())).hasSize(1);
    }

    @Test
    void customEventsTriggerDispatchers() {
        String type = uniqueType("custom_thing");
        String creator = TestTokens.withPermissions("CREATE_EVENTS");
        post("/dispatchers/v1/", ADMIN, DispatchersApiTest.dispatcher(type, DispatchersApiTest.taskAction()))
                .assertOk();
        String eventId = post("/events/v1/", creator, Map.of("type", type, "content", Map.of("x", 1))).assertOk()
                .body().get("id").asString();
        await().atMost(GENEROUS).until(() -> records(eventId).size() == 1);
    }

    @Test
    void dispatchRecordsArePurgedAfterTheirRetention() {
        String type = uniqueType("recorded");
        post("/dispatchers/v1/", ADMIN, DispatchersApiTest.dispatcher(type, DispatchersApiTest.taskAction()))
                .assertOk();
        EventEnvelope event = event(type, "users", Map.of());
        executor.handle(event);
        assertThat(executor.purge(CLOCK.instant().plus(Duration.ofDays(29)))).isZero();
        assertThat(records(event.id())).hasSize(1);
        assertThat(executor.purge(CLOCK.instant().plus(Duration.ofDays(31)))).isGreaterThanOrEqualTo(1);
        assertThat(records(event.id())).isEmpty();
    }

    private List<Document> records(String eventId) {
        return mongo.find(Query.query(Criteria.where("event_id").is(eventId)), Document.class, "dispatches");
    }

    static Instant now() {
        return CLOCK.instant();
    }
}
