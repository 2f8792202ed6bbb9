package dev.medbase.events.dispatchers;

import dev.medbase.platform.testing.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.medbase.events.EventServiceTest;

/** {@code /dispatchers/v1} with the SDK's wire shapes ({@code src/services/dispatchers}). */
class DispatchersApiTest extends EventServiceTest {

    static final String ADMIN = TestTokens.withPermissions("VIEW_DISPATCHERS", "CREATE_DISPATCHERS", "UPDATE_DISPATCHERS",
            "DELETE_DISPATCHERS");
    static final String TEMPLATE = "5e9fff9d90135a2a9a718e2f";

    static Map<String, Object> mailAction() {
        Map<String, Object> action = new LinkedHashMap<>();
        action.put("name", "no subject");
        action.put("description", "You have got mail!");
        action.put("type", "mail");
        action.put("recipients", Map.of("to", List.of("someone@example.com"), "cc", List.of("cc@example.com"),
                "bcc", List.of("bcc@example.com")));
        action.put("templateId", TEMPLATE);
        return action;
    }

    static Map<String, Object> taskAction() {
        Map<String, Object> action = new LinkedHashMap<>();
        action.put("name", "TaskAction");
        action.put("description", "Do this now!");
        action.put("type", "task");
        action.put("functionName", "string");
        action.put("data", Map.of("additionalProp1", "string", "additional_prop_four", "string", "n", 42));
        action.put("tags", List.of("string"));
        action.put("startTimestamp", "2030-01-02T03:04:05.678Z");
        return action;
    }

    static Map<String, Object> dispatcher(String eventType, Object... actions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "Dispatcher " + new ObjectId());
        body.put("description", "Dispatch!");
        body.put("eventType", eventType);
        body.put("actions", List.of(actions));
        body.put("tags", List.of("t1"));
        return body;
    }

    @Test
    void createFindUpdateDelete() {
        String type = uniqueType("user_created");
        Response created = post("/dispatchers/v1/", ADMIN, dispatcher(type, mailAction(), taskAction())).assertOk();
        JsonNode dispatcher = created.body();
        assertThat(dispatcher.propertyNames()).containsExactly("id", "name", "description", "eventType", "actions",
                "tags", "creationTimestamp", "updateTimestamp");
        String id = dispatcher.get("id").asString();
        assertThat(ObjectId.isValid(id)).isTrue();
        assertThat(dispatcher.get("eventType").asString()).isEqualTo(type);
        assertThat(dispatcher.get("creationTimestamp").asString()).isEqualTo(iso(CLOCK.instant()));
        JsonNode mail = dispatcher.get("actions").get(0);
        JsonNode task = dispatcher.get("actions").get(1);
        assertThat(mail.propertyNames()).containsExactly("id", "type", "name", "description", "recipients",
                "templateId");
        assertThat(mail.get("recipients")).isEqualTo(JSON.valueToTree(mailAction().get("recipients")));
        assertThat(mail.get("templateId").asString()).isEqualTo(TEMPLATE);
        assertThat(task.propertyNames()).containsExactly("id", "type", "name", "description", "functionName", "data",
                "tags", "startTimestamp");
        // custom data is kept as given (the SDK leaves actions.data untouched too)
        assertThat(task.get("data")).isEqualTo(JSON.valueToTree(taskAction().get("data")));
        assertThat(task.get("startTimestamp").asString()).isEqualTo("2030-01-02T03:04:05.678Z");

        Response found = get("/dispatchers/v1/?eq(id," + id + ")", ADMIN).assertOk();
        assertThat(found.body().get("page").get("total").asInt()).isEqualTo(1);
        assertThat(found.body().get("data").get(0)).isEqualTo(dispatcher);
        assertThat(get("/dispatchers/v1/?eq(eventType," + type + ")&eq(actions.type,task)", ADMIN)
                .body().get("data")).hasSize(1);
        assertThat(get("/dispatchers/v1?eq(actions.id," + task.get("id").asString() + ")", ADMIN)
                .body().get("data")).hasSize(1);

        CLOCK.advance(Duration.ofSeconds(5));
        Response updated = put("/dispatchers/v1/" + id, ADMIN, Map.of("description", "changed", "tags",
                List.of("a", "b"))).assertOk();
        assertThat(updated.body()).isEqualTo(JSON.readTree("{\"affectedRecords\":1}"));
        JsonNode after = get("/dispatchers/v1/?eq(id," + id + ")", ADMIN).body().get("data").get(0);
        assertThat(after.get("description").asString()).isEqualTo("changed");
        assertThat(after.get("tags")).hasSize(2);
        assertThat(after.get("updateTimestamp").asString()).isEqualTo(iso(CLOCK.instant()));
        assertThat(after.get("creationTimestamp")).isEqualTo(dispatcher.get("creationTimestamp"));
        put("/dispatchers/v1/" + id, ADMIN, "{\"description\":null}").assertOk();
        assertThat(get("/dispatchers/v1/?eq(id," + id + ")", ADMIN).body().get("data").get(0).has("description"))
                .isFalse();

        // actions
        Map<String, Object> another = taskAction();
        another.remove("startTimestamp");
        another.put("priority", 7);
        Response added = post("/dispatchers/v1/" + id + "/actions", ADMIN, another).assertOk();
        String addedId = added.body().get("id").asString();
        assertThat(added.body().get("priority").asInt()).isEqualTo(7);
        assertThat(added.body().has("startTimestamp")).isFalse();
        assertThat(put("/dispatchers/v1/" + id + "/actions/" + addedId, ADMIN,
                Map.of("functionName", "other", "tags", List.of())).assertOk().body())
                .isEqualTo(JSON.readTree("{\"affectedRecords\":1}"));
        put("/dispatchers/v1/" + id + "/actions/" + mail.get("id").asString(), ADMIN,
                Map.of("recipients", Map.of("to", List.of("$content.email")))).assertOk();
        JsonNode actions = get("/dispatchers/v1/?eq(id," + id + ")", ADMIN).body().get("data").get(0)
                .get("actions");
        assertThat(actions).hasSize(3);
        assertThat(actions.get(0).get("recipients")).isEqualTo(JSON.readTree("{\"to\":[\"$content.email\"]}"));
        assertThat(actions.get(2).get("functionName").asString()).isEqualTo("other");
        assertThat(actions.get(2).get("priority").asInt()).isEqualTo(7);
        assertThat(delete("/dispatchers/v1/" + id + "/actions/" + addedId, ADMIN).assertOk().body())
                .isEqualTo(JSON.readTree("{\"affectedRecords\":1}"));
        delete("/dispatchers/v1/" + id + "/actions/" + addedId, ADMIN).assertError(404, 16);
        assertThat(get("/dispatchers/v1/?eq(id," + id + ")", ADMIN).body().get("data").get(0).get("actions"))
                .hasSize(2);

        assertThat(delete("/dispatchers/v1/" + id, ADMIN).assertOk().body())
                .isEqualTo(JSON.readTree("{\"affectedRecords\":1}"));
        assertThat(get("/dispatchers/v1/?eq(id," + id + ")", ADMIN).body().get("data")).isEmpty();
        delete("/dispatchers/v1/" + id, ADMIN).assertError(404, 16);
    }

    @Test
    void minimalDispatcherAndUniqueNames() {
        Response minimal = post("/dispatchers/v1", ADMIN, Map.of("eventType", "x_happened")).assertOk();
        assertThat(minimal.body().propertyNames()).containsExactly("id", "eventType", "actions", "creationTimestamp",
                "updateTimestamp");
        assertThat(minimal.body().get("actions")).isEmpty();
        // names are unique when given; unnamed dispatchers do not collide
        assertThat(post("/dispatchers/v1", ADMIN, Map.of("eventType", "x_happened")).status()).isEqualTo(200);
        String name = "unique " + new ObjectId();
        post("/dispatchers/v1", ADMIN, Map.of("eventType", "a", "name", name)).assertOk();
        post("/dispatchers/v1", ADMIN, Map.of("eventType", "b", "name", name)).assertError(400, 17);
        String other = post("/dispatchers/v1", ADMIN, Map.of("eventType", "c", "name", name + "2")).body()
                .get("id").asString();
        put("/dispatchers/v1/" + other, ADMIN, Map.of("name", name)).assertError(400, 17);
    }

    @Test
    void permissions() {
        String id = post("/dispatchers/v1", ADMIN, Map.of("eventType", "p")).body().get("id").asString();
        String action = post("/dispatchers/v1/" + id + "/actions", ADMIN, taskAction()).body().get("id").asString();
        String nobody = TestTokens.withPermissions("VIEW_EVENTS");
        for (String token : new String[] {null, nobody}) {
            int code = token == null ? 104 : 10;
            get("/dispatchers/v1/", token).assertError(401, code);
            post("/dispatchers/v1/", token, Map.of("eventType", "p")).assertError(401, code);
            put("/dispatchers/v1/" + id, token, Map.of("name", "n")).assertError(401, code);
            delete("/dispatchers/v1/" + id, token).assertError(401, code);
            post("/dispatchers/v1/" + id + "/actions", token, taskAction()).assertError(401, code);
            put("/dispatchers/v1/" + id + "/actions/" + action, token, Map.of("name", "n")).assertError(401, code);
            delete("/dispatchers/v1/" + id + "/actions/" + action, token).assertError(401, code);
        }
        // each permission opens its own door only
        get("/dispatchers/v1/", TestTokens.withPermissions("CREATE_DISPATCHERS")).assertError(401, 10);
        delete("/dispatchers/v1/" + id, TestTokens.withPermissions("UPDATE_DISPATCHERS")).assertError(401, 10);
        assertThat(get("/dispatchers/v1/?eq(id," + id + ")", TestTokens.withPermissions("VIEW_DISPATCHERS")).status())
                .isEqualTo(200);
    }

    @Test
    void badInput() {
        String id = post("/dispatchers/v1", ADMIN, Map.of("eventType", "bad")).body().get("id").asString();
        String action = post("/dispatchers/v1/" + id + "/actions", ADMIN, mailAction()).body().get("id").asString();

        post("/dispatchers/v1", ADMIN, "{\"eventType\":").assertError(400, 22);
        send("POST", "/dispatchers/v1", ADMIN, null, null).assertError(400, 13);
        post("/dispatchers/v1", ADMIN, Map.of("name", "n")).assertError(400, 14);
        post("/dispatchers/v1", ADMIN, Map.of("eventType", 3)).assertError(400, 15);
        post("/dispatchers/v1", ADMIN, Map.of("eventType", "e", "actions", "x")).assertError(400, 15);
        post("/dispatchers/v1", ADMIN, Map.of("eventType", "e", "actions", List.of("x"))).assertError(400, 15);
        post("/dispatchers/v1", ADMIN, Map.of("eventType", "e", "id", id)).assertError(400, 15);
        post("/dispatchers/v1", ADMIN, Map.of("eventType", "e", "tags", List.of(1))).assertError(400, 15);

        Map<String, Object> mail = mailAction();
        assertAction(with(mail, "type", "sms"), 400, 15);
        assertAction(without(mail, "type"), 400, 14);
        assertAction(without(mail, "templateId"), 400, 14);
        assertAction(without(mail, "recipients"), 400, 14);
        assertAction(with(mail, "templateId", "nope"), 400, 15);
        assertAction(with(mail, "recipients", Map.of("to", List.of())), 400, 15);
        assertAction(with(mail, "recipients", Map.of("cc", List.of("a@b.c"))), 400, 14);
        assertAction(with(mail, "recipients", Map.of("to", List.of("not an address"))), 400, 15);
        assertAction(with(mail, "recipients", Map.of("to", List.of("a@b.c"), "reply", List.of("a@b.c"))), 400, 15);
        assertAction(with(mail, "recipients", Map.of("to", java.util.Collections.nCopies(51, "a@b.c"))), 400, 15);
        assertAction(with(mail, "functionName", "f"), 400, 15);
        Map<String, Object> task = taskAction();
        assertAction(without(task, "functionName"), 400, 14);
        assertAction(with(task, "data", List.of(1)), 400, 15);
        assertAction(with(task, "data", Map.of("blob", "x".repeat(101 * 1024))), 400, 15);
        assertAction(with(task, "tags", "t"), 400, 15);
        assertAction(with(task, "startTimestamp", "yesterday"), 400, 15);
        assertAction(with(task, "priority", 1.5), 400, 15);
        assertAction(with(task, "templateId", TEMPLATE), 400, 15);

        put("/dispatchers/v1/" + id, ADMIN, Map.of("actions", List.of())).assertError(400, 15);
        put("/dispatchers/v1/" + id, ADMIN, Map.of("eventType", "")).assertError(400, 15);
        put("/dispatchers/v1/" + id, ADMIN, "{\"eventType\":null}").assertError(400, 14);
        put("/dispatchers/v1/" + id + "/actions/" + action, ADMIN, Map.of("type", "task")).assertError(400, 15);
        put("/dispatchers/v1/" + id + "/actions/" + action, ADMIN, "{\"templateId\":null}").assertError(400, 14);
        put("/dispatchers/v1/" + id + "/actions/" + action, ADMIN, "[]").assertError(400, 22);

        // ids
        String unknown = new ObjectId().toHexString();
        put("/dispatchers/v1/nope", ADMIN, Map.of("name", "n")).assertError(400, 12);
        delete("/dispatchers/v1/nope", ADMIN).assertError(400, 12);
        post("/dispatchers/v1/nope/actions", ADMIN, taskAction()).assertError(400, 12);
        put("/dispatchers/v1/" + id + "/actions/nope", ADMIN, Map.of("name", "n")).assertError(400, 12);
        delete("/dispatchers/v1/" + id + "/actions/nope", ADMIN).assertError(400, 12);
        put("/dispatchers/v1/" + unknown, ADMIN, Map.of("name", "n")).assertError(404, 16);
        delete("/dispatchers/v1/" + unknown, ADMIN).assertError(404, 16);
        post("/dispatchers/v1/" + unknown + "/actions", ADMIN, taskAction()).assertError(404, 16);
        put("/dispatchers/v1/" + id + "/actions/" + unknown, ADMIN, Map.of("name", "n")).assertError(404, 16);
        delete("/dispatchers/v1/" + unknown + "/actions/" + action, ADMIN).assertError(404, 16);
        get("/dispatchers/v1/?eq(secret,1)", ADMIN).assertError(400, 19);

        // nothing of the above changed the dispatcher
        JsonNode stored = get("/dispatchers/v1/?eq(id," + id + ")", ADMIN).body().get("data").get(0);
        assertThat(stored.get("actions")).hasSize(1);
        assertThat(stored.get("eventType").asString()).isEqualTo("bad");
    }

    private void assertAction(Map<String, Object> action, int status, int code) {
        post("/dispatchers/v1", ADMIN, Map.of("eventType", "e", "actions", List.of(action))).assertError(status, code);
        String id = post("/dispatchers/v1", ADMIN, Map.of("eventType", "e")).body().get("id").asString();
        post("/dispatchers/v1/" + id + "/actions", ADMIN, action).assertError(status, code);
    }

    private static Map<String, Object> with(Map<String, Object> map, String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(map);
        copy.put(key, value);
        return copy;
    }

    private static Map<String, Object> without(Map<String, Object> map, String key) {
        Map<String, Object> copy = new LinkedHashMap<>(map);
        copy.remove(key);
        return copy;
    }

    static String iso(Instant instant) {
        return java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
                .withZone(java.time.ZoneOffset.UTC).format(instant);
    }
}
