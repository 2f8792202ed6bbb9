package dev.medbase.events.subscriptions;

import dev.medbase.platform.testing.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.medbase.events.EventServiceTest;

/** {@code GET /events/v1/subscriptions{rql}} and {@code POST /events/v1/subscriptions} (contract §10, NICE). */
class SubscriptionsApiTest extends EventServiceTest {

    static final String ADMIN = TestTokens.withPermissions("VIEW_SUBSCRIPTIONS", "CREATE_SUBSCRIPTIONS");

    @Test
    void createAndFind() {
        String name = "svc-" + new ObjectId();
        // as the SDK sends it: snake_case keys
        Response created = post("/events/v1/subscriptions", ADMIN, Map.of(
                "service", Map.of("name", name, "version", Map.of("major", 1, "minor", 2, "patch", 3)),
                "event_types", List.of("user_created", "user_deleted"), "retriable", true)).assertOk();
        JsonNode subscription = created.body();
        assertThat(subscription.propertyNames()).containsExactly("id", "service", "event_types", "retriable",
                "creation_timestamp", "update_timestamp");
        assertThat(subscription.get("service")).isEqualTo(JSON.readTree(
                "{\"name\":\"" + name + "\",\"version\":{\"major\":1,\"minor\":2,\"patch\":3}}"));
        assertThat(subscription.get("creation_timestamp").asLong()).isEqualTo(CLOCK.millis());

        Response found = get("/events/v1/subscriptions?eq(service.name," + name + ")", ADMIN).assertOk();
        assertThat(found.body().get("page").get("total").asInt()).isEqualTo(1);
        assertThat(found.body().get("data").get(0)).isEqualTo(subscription);
        assertThat(get("/events/v1/subscriptions/?eq(id," + subscription.get("id").asString()
                + ")&eq(eventTypes,user_deleted)", ADMIN).body().get("data")).hasSize(1);

        // camelCase is accepted too, retriable is optional
        Response camel = post("/events/v1/subscriptions/", ADMIN, Map.of(
                "service", Map.of("name", name, "version", Map.of("major", 0, "minor", 0, "patch", 1)),
                "eventTypes", List.of("x"))).assertOk();
        assertThat(camel.body().has("retriable")).isFalse();
    }

    @Test
    void permissionsAndBadInput() {
        get("/events/v1/subscriptions", null).assertError(401, 104);
        get("/events/v1/subscriptions", TestTokens.withPermissions("CREATE_SUBSCRIPTIONS")).assertError(401, 10);
        post("/events/v1/subscriptions", TestTokens.withPermissions("VIEW_SUBSCRIPTIONS"), Map.of()).assertError(401, 10);

        Map<String, Object> version = Map.of("major", 1, "minor", 0, "patch", 0);
        post("/events/v1/subscriptions", ADMIN, "{").assertError(400, 22);
        send("POST", "/events/v1/subscriptions", ADMIN, null, null).assertError(400, 13);
        post("/events/v1/subscriptions", ADMIN, Map.of("event_types", List.of("a"))).assertError(400, 14);
        post("/events/v1/subscriptions", ADMIN, Map.of("service", Map.of("name", "s", "version", version)))
                .assertError(400, 14);
        post("/events/v1/subscriptions", ADMIN, Map.of("service", Map.of("name", "s"), "event_types",
                List.of("a"))).assertError(400, 14);
        post("/events/v1/subscriptions", ADMIN, Map.of("service", Map.of("name", "s", "version",
                Map.of("major", "1", "minor", 0, "patch", 0)), "event_types", List.of("a"))).assertError(400, 15);
        post("/events/v1/subscriptions", ADMIN, Map.of("service", Map.of("name", "s", "version",
                Map.of("major", -1, "minor", 0, "patch", 0)), "event_types", List.of("a"))).assertError(400, 15);
        post("/events/v1/subscriptions", ADMIN, Map.of("service", Map.of("name", "s", "version", version),
                "event_types", "a")).assertError(400, 15);
        post("/events/v1/subscriptions", ADMIN, Map.of("service", Map.of("name", "s", "version", version),
                "event_types", List.of(1))).assertError(400, 15);
        post("/events/v1/subscriptions", ADMIN, Map.of("service", Map.of("name", "s", "version", version),
                "event_types", List.of("a"), "retriable", "yes")).assertError(400, 15);
        post("/events/v1/subscriptions", ADMIN, Map.of("service", Map.of("name", "s", "version", version),
                "event_types", List.of("a"), "other", 1)).assertError(400, 15);
        get("/events/v1/subscriptions?eq(password,x)", ADMIN).assertError(400, 19);
    }
}
