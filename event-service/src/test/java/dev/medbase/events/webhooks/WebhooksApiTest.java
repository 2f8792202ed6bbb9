package dev.medbase.events.webhooks;

import dev.medbase.platform.testing.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.medbase.events.EventServiceTest;

/** Webhook registration over HTTP: {@code /events/v1/webhooks} (extension). */
class WebhooksApiTest extends EventServiceTest {

    static final String ADMIN = TestTokens.withPermissions("VIEW_WEBHOOKS", "CREATE_WEBHOOKS", "UPDATE_WEBHOOKS",
            "DELETE_WEBHOOKS", "VIEW_EVENTS");

    @Test
    void createFindUpdateRotateDelete() {
        Response created = post("/events/v1/webhooks", ADMIN, Map.of("url", "http://127.0.0.1:9/hook",
                "event_types", List.of("user_created", "user_deleted", "user_created"), "description", "CRM"))
                .assertOk();
        JsonNode webhook = created.body();
        assertThat(webhook.propertyNames()).containsExactly("id", "url", "event_types", "description", "enabled",
                "creation_timestamp", "update_timestamp", "secret");
        String id = webhook.get("id").asString();
        assertThat(webhook.get("event_types")).isEqualTo(JSON.readTree("[\"user_created\",\"user_deleted\"]"));
        assertThat(webhook.get("enabled").booleanValue()).isTrue();
        assertThat(webhook.get("creation_timestamp").asLong()).isEqualTo(CLOCK.millis());
        String secret = webhook.get("secret").asString();
        assertThat(secret).matches("whsec_[0-9a-f]{64}");

        // the secret is shown once
        JsonNode listed = get("/events/v1/webhooks?eq(id," + id + ")", ADMIN).assertOk().body();
        assertThat(listed.get("page").get("total").asInt()).isEqualTo(1);
        assertThat(listed.get("data").get(0).has("secret")).isFalse();
        assertThat(listed.toString()).doesNotContain(secret);
        assertThat(get("/events/v1/webhooks/?eq(eventTypes,user_deleted)&eq(id," + id + ")", ADMIN)
                .body().get("data")).hasSize(1);

        CLOCK.advance(Duration.ofSeconds(3));
        JsonNode updated = put("/events/v1/webhooks/" + id, ADMIN, Map.of("event_types", List.of("*"),
                "enabled", false, "url", "https://hooks.example.com/x?token=abc")).assertOk().body();
        assertThat(updated.get("event_types")).isEqualTo(JSON.readTree("[\"*\"]"));
        assertThat(updated.get("enabled").booleanValue()).isFalse();
        assertThat(updated.get("url").asString()).isEqualTo("https://hooks.example.com/x?token=abc");
        assertThat(updated.get("update_timestamp").asLong()).isEqualTo(CLOCK.millis());
        assertThat(updated.has("secret")).isFalse();
        assertThat(put("/events/v1/webhooks/" + id, ADMIN, "{\"description\":null}").body().has("description"))
                .isFalse();

        JsonNode rotated = post("/events/v1/webhooks/" + id + "/secret", ADMIN, null).assertOk().body();
        assertThat(rotated.get("id").asString()).isEqualTo(id);
        assertThat(rotated.get("secret").asString()).matches("whsec_[0-9a-f]{64}").isNotEqualTo(secret);

        assertThat(delete("/events/v1/webhooks/" + id, ADMIN).assertOk().body())
                .isEqualTo(JSON.readTree("{\"records_affected\":1}"));
        assertThat(get("/events/v1/webhooks?eq(id," + id + ")", ADMIN).body().get("data")).isEmpty();
        delete("/events/v1/webhooks/" + id, ADMIN).assertError(404, 16);
    }

    @Test
    void permissions() {
        String id = post("/events/v1/webhooks", ADMIN, Map.of("url", "http://127.0.0.1:9/p", "event_types",
                List.of("x"))).assertOk().body().get("id").asString();
        String delivery = new ObjectId().toHexString();
        String nobody = TestTokens.withPermissions("VIEW_EVENTS", "CREATE_EVENTS");
        for (String token : new String[] {null, nobody}) {
            int code = token == null ? 104 : 10;
            get("/events/v1/webhooks", token).assertError(401, code);
            post("/events/v1/webhooks", token, Map.of()).assertError(401, code);
            put("/events/v1/webhooks/" + id, token, Map.of()).assertError(401, code);
            delete("/events/v1/webhooks/" + id, token).assertError(401, code);
            post("/events/v1/webhooks/" + id + "/secret", token, null).assertError(401, code);
            get("/events/v1/webhooks/" + id + "/deliveries", token).assertError(401, code);
            post("/events/v1/webhooks/" + id + "/deliveries/" + delivery + "/retry", token, null)
                    .assertError(401, code);
            post("/events/v1/webhooks/" + id + "/replay", token, Map.of("from_timestamp", 0)).assertError(401, code);
        }
        get("/events/v1/webhooks", TestTokens.withPermissions("CREATE_WEBHOOKS")).assertError(401, 10);
        delete("/events/v1/webhooks/" + id, TestTokens.withPermissions("UPDATE_WEBHOOKS")).assertError(401, 10);
        post("/events/v1/webhooks/" + id + "/replay", TestTokens.withPermissions("VIEW_WEBHOOKS"), Map.of("from_timestamp", 0))
                .assertError(401, 10);
    }

    @Test
    void badInput() {
        List<String> types = List.of("x");
        post("/events/v1/webhooks", ADMIN, "{\"url\":").assertError(400, 22);
        send("POST", "/events/v1/webhooks", ADMIN, null, null).assertError(400, 13);
        post("/events/v1/webhooks", ADMIN, Map.of("event_types", types)).assertError(400, 14);
        post("/events/v1/webhooks", ADMIN, Map.of("url", "http://127.0.0.1/x")).assertError(400, 14);
        post("/events/v1/webhooks", ADMIN, Map.of("url", 5, "event_types", types)).assertError(400, 15);
        post("/events/v1/webhooks", ADMIN, Map.of("url", "http://127.0.0.1/x", "event_types", List.of()))
                .assertError(400, 15);
        post("/events/v1/webhooks", ADMIN, Map.of("url", "http://127.0.0.1/x", "event_types", "x"))
                .assertError(400, 15);
        post("/events/v1/webhooks", ADMIN, Map.of("url", "http://127.0.0.1/x", "event_types", types, "enabled",
                "yes")).assertError(400, 15);
        post("/events/v1/webhooks", ADMIN, Map.of("url", "http://127.0.0.1/x", "event_types", types, "secret",
                "mine")).assertError(400, 15);
        post("/events/v1/webhooks", ADMIN, Map.of("url", "ftp://127.0.0.1/x", "event_types", types))
                .assertError(400, 26);
        post("/events/v1/webhooks", ADMIN, Map.of("url", "not a url", "event_types", types)).assertError(400, 26);
        post("/events/v1/webhooks", ADMIN, Map.of("url", "http://user:pw@127.0.0.1/x", "event_types", types))
                .assertError(400, 26);
        post("/events/v1/webhooks", ADMIN, Map.of("url", "http:///x", "event_types", types)).assertError(400, 26);
        post("/events/v1/webhooks", ADMIN, Map.of("url", "http://" + "a".repeat(2100) + ".com/", "event_types",
                types)).assertError(400, 15);

        String id = post("/events/v1/webhooks", ADMIN, Map.of("url", "http://127.0.0.1:9/b", "event_types", types))
                .assertOk().body().get("id").asString();
        put("/events/v1/webhooks/" + id, ADMIN, "{\"enabled\":null}").assertError(400, 14);
        put("/events/v1/webhooks/" + id, ADMIN, Map.of("url", "gopher://x")).assertError(400, 26);
        put("/events/v1/webhooks/" + id, ADMIN, Map.of("event_types", List.of(""))).assertError(400, 15);
        put("/events/v1/webhooks/nope", ADMIN, Map.of()).assertError(400, 12);
        put("/events/v1/webhooks/" + new ObjectId(), ADMIN, Map.of()).assertError(404, 16);
        delete("/events/v1/webhooks/nope", ADMIN).assertError(400, 12);
        post("/events/v1/webhooks/nope/secret", ADMIN, null).assertError(400, 12);
        post("/events/v1/webhooks/" + new ObjectId() + "/secret", ADMIN, null).assertError(404, 16);
        get("/events/v1/webhooks/nope/deliveries", ADMIN).assertError(400, 12);
        get("/events/v1/webhooks/" + new ObjectId() + "/deliveries", ADMIN).assertError(404, 16);
        get("/events/v1/webhooks/" + id + "/deliveries?eq(secret,1)", ADMIN).assertError(400, 19);
        post("/events/v1/webhooks/" + id + "/deliveries/nope/retry", ADMIN, null).assertError(400, 12);
        post("/events/v1/webhooks/" + id + "/deliveries/" + new ObjectId() + "/retry", ADMIN, null)
                .assertError(404, 16);
        post("/events/v1/webhooks/" + id + "/replay", ADMIN, Map.of()).assertError(400, 14);
        post("/events/v1/webhooks/" + id + "/replay", ADMIN, Map.of("from_timestamp", 0, "from_event_id",
                new ObjectId().toHexString())).assertError(400, 15);
        post("/events/v1/webhooks/" + id + "/replay", ADMIN, Map.of("from_timestamp", "last week"))
                .assertError(400, 15);
        post("/events/v1/webhooks/" + id + "/replay", ADMIN, Map.of("from_event_id", new ObjectId().toHexString()))
                .assertError(404, 16);
        post("/events/v1/webhooks/" + new ObjectId() + "/replay", ADMIN, Map.of("from_timestamp", 0))
                .assertError(404, 16);
        get("/events/v1/webhooks?eq(secret,whsec_x)", ADMIN).assertError(400, 19);
    }
}
