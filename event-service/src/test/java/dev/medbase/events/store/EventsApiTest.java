package dev.medbase.events.store;

import dev.medbase.platform.testing.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import dev.medbase.events.EventServiceProperties;
import dev.medbase.events.EventServiceTest;
import dev.medbase.platform.events.EventEnvelope;

/** {@code GET /events/v1/{rql}} and {@code POST /events/v1/} over HTTP, asserting the wire JSON of contract §10. */
class EventsApiTest extends EventServiceTest {

    static final String VIEWER = TestTokens.withPermissions("VIEW_EVENTS");
    static final String CREATOR = TestTokens.withPermissions("CREATE_EVENTS", "VIEW_EVENTS");

    @Autowired
    EventStore store;
    @Autowired
    EventServiceProperties properties;

    @Test
    void customEventRoundTrip() {
        String type = uniqueType("order_shipped");
        Response created = post("/events/v1/", CREATOR,
                Map.of("type", type, "content", Map.of("order_id", 42, "user_id", "u1", "lines", List.of(
                        Map.of("sku", "a"), Map.of("sku", "b")))));
        created.assertOk();
        JsonNode event = created.body();
        assertThat(event.propertyNames()).containsExactly("id", "type", "content", "creation_timestamp");
        assertThat(ObjectId.isValid(event.get("id").asString())).isTrue();
        assertThat(event.get("type").asString()).isEqualTo(type);
        assertThat(event.get("creation_timestamp").isIntegralNumber()).isTrue();
        assertThat(event.get("creation_timestamp").asLong()).isEqualTo(CLOCK.millis());
        assertThat(event.get("content"))
                .isEqualTo(JSON.readTree("{\"order_id\":42,\"user_id\":\"u1\",\"lines\":[{\"sku\":\"a\"},{\"sku\":\"b\"}]}"));

        // readable at once (findById is an RQL list query)
        Response found = get("/events/v1/?eq(id," + event.get("id").asString() + ")", VIEWER).assertOk();
        assertThat(found.body().get("data")).hasSize(1);
        assertThat(found.body().get("data").get(0)).isEqualTo(event);
        assertThat(found.body().get("page").get("total").asInt()).isEqualTo(1);

        // and it flows like a system event: published on medbase.custom, then consumed, still stored once
        List<EventEnvelope> published = readTopic("medbase.custom", e -> e.id().equals(event.get("id").asString()),
                list -> !list.isEmpty());
        assertThat(published).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo("custom");
            assertThat(e.type()).isEqualTo(type);
            assertThat(e.time().toEpochMilli()).isEqualTo(CLOCK.millis());
            assertThat(e.content()).containsEntry("order_id", 42);
        });
        await().atMost(GENEROUS).until(() -> get("/events/v1/?eq(type," + type + ")", VIEWER)
                .body().get("page").get("total").asInt() == 1);
    }

    @Test
    void eventWithoutContentHasAnEmptyObject() {
        String type = uniqueType("ping");
        Response created = post("/events/v1", CREATOR, Map.of("type", type)).assertOk();
        assertThat(created.body().get("content").toString()).isEqualTo("{}");
        Response nullContent = post("/events/v1", CREATOR, "{\"type\":\"" + type + "\",\"content\":null}")
                .assertOk();
        assertThat(nullContent.body().get("content").toString()).isEqualTo("{}");
    }

    @Test
    void contentKeepsItsNumbersAndNames() {
        String type = uniqueType("numbers");
        String body = "{\"type\":\"" + type + "\",\"content\":{\"big\":123456789012345678901234567890,"
                + "\"pi\":3.14,\"$odd\":{\"a.b\":true},\"camelCase\":null}}";
        Response created = post("/events/v1/", CREATOR, body).assertOk();
        Response found = get("/events/v1/?eq(type," + type + ")", VIEWER).assertOk();
        JsonNode content = found.body().get("data").get(0).get("content");
        assertThat(content.get("big").bigIntegerValue()).hasToString("123456789012345678901234567890");
        assertThat(content.get("pi").doubleValue()).isEqualTo(3.14);
        assertThat(content.get("$odd").get("a.b").booleanValue()).isTrue();
        assertThat(content.has("camelCase")).isTrue();
        assertThat(created.body().get("content").get("big").bigIntegerValue())
                .hasToString("123456789012345678901234567890");
    }

    @Test
    void rqlFiltersSortsSelectsAndPages() {
        String type = uniqueType("reading");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            CLOCK.advance(Duration.ofSeconds(1));
            ids.add(post("/events/v1/", CREATOR, Map.of("type", type, "content", Map.of("n", i)))
                    .assertOk().body().get("id").asString());
        }
        long third = get("/events/v1/?eq(id," + ids.get(2) + ")", VIEWER).body().get("data").get(0)
                .get("creation_timestamp").asLong();

        Response page = get("/events/v1/?eq(type," + type + ")&sort(-creationTimestamp)&limit(2,1)", VIEWER)
                .assertOk();
        assertThat(page.body().get("page").toString()).isEqualTo("{\"total\":5,\"offset\":1,\"limit\":2}");
        assertThat(ids(page)).containsExactly(ids.get(3), ids.get(2));

        assertThat(ids(get("/events/v1/?eq(type," + type + ")&sort(creation_timestamp)", VIEWER)))
                .containsExactlyElementsOf(ids);
        assertThat(ids(get("/events/v1/?eq(type," + type + ")", VIEWER))).containsExactlyElementsOf(ids);
        assertThat(ids(get("/events/v1/?eq(type," + type + ")&gt(creationTimestamp," + third + ")", VIEWER)))
                .containsExactly(ids.get(3), ids.get(4));
        String iso = Instant.ofEpochMilli(third).toString().replace(":", "%253A").replace("-", "%252D")
                .replace(".", "%252E");
        assertThat(ids(get("/events/v1/?eq(type," + type + ")&ge(creationTimestamp," + iso + ")", VIEWER)))
                .containsExactly(ids.get(2), ids.get(3), ids.get(4));
        assertThat(ids(get("/events/v1/?and(eq(type," + type + "),eq(content.n,3))", VIEWER)))
                .containsExactly(ids.get(3));
        assertThat(ids(get("/events/v1/?in(id," + ids.get(0) + "," + ids.get(4) + ")&sort(-id)", VIEWER)))
                .containsExactly(ids.get(4), ids.get(0));

        Response selected = get("/events/v1/?eq(type," + type + ")&select(type)&limit(1)&skipCount()", VIEWER)
                .assertOk();
        assertThat(selected.body().get("page").toString()).isEqualTo("{\"offset\":0,\"limit\":1}");
        assertThat(selected.body().get("data").get(0).propertyNames()).containsExactly("id", "type");

        Response capped = get("/events/v1/?eq(type," + type + ")&limit(1000)", VIEWER).assertOk();
        assertThat(capped.body().get("page").get("limit").asInt()).isEqualTo(100);
        Response defaults = get("/events/v1/?eq(type," + type + ")", VIEWER).assertOk();
        assertThat(defaults.body().get("page").get("limit").asInt()).isEqualTo(20);

        assertThat(get("/events/v1/?eq(id,5e9fff9d90135a2a9a718e2f)", VIEWER).body().get("data")).isEmpty();
    }

    @Test
    void badRqlIs19() {
        get("/events/v1/?eq(type,", VIEWER).assertError(400, 19);
        get("/events/v1/?eq(source,users)", VIEWER).assertError(400, 19);
        get("/events/v1/?sort(aggregate_id)", VIEWER).assertError(400, 19);
    }

    @Test
    void permissions() {
        get("/events/v1/", null).assertError(401, 104);
        get("/events/v1/", TestTokens.withPermissions("CREATE_EVENTS")).assertError(401, 10);
        post("/events/v1/", null, Map.of("type", "x")).assertError(401, 104);
        post("/events/v1/", TestTokens.withPermissions("VIEW_EVENTS"), Map.of("type", "x")).assertError(401, 10);
        get("/events/v1/", "not-a-token").assertError(401, 117);
    }

    @Test
    void badInputOnCreate() {
        post("/events/v1/", CREATOR, "{\"type\": \"x\",").assertError(400, 22);
        post("/events/v1/", CREATOR, "[1,2]").assertError(400, 22);
        send("POST", "/events/v1/", CREATOR, null, null).assertError(400, 13);
        post("/events/v1/", CREATOR, "null").assertError(400, 13);
        post("/events/v1/", CREATOR, Map.of("content", Map.of())).assertError(400, 14);
        post("/events/v1/", CREATOR, "{\"type\":null}").assertError(400, 14);
        post("/events/v1/", CREATOR, Map.of("type", 5)).assertError(400, 15);
        post("/events/v1/", CREATOR, Map.of("type", " ")).assertError(400, 15);
        post("/events/v1/", CREATOR, Map.of("type", "x".repeat(129))).assertError(400, 15);
        post("/events/v1/", CREATOR, Map.of("type", "a\nb")).assertError(400, 15);
        post("/events/v1/", CREATOR, Map.of("type", "x", "content", List.of(1))).assertError(400, 15);
        post("/events/v1/", CREATOR, Map.of("type", "x", "content", "text")).assertError(400, 15);
        post("/events/v1/", CREATOR, Map.of("type", "x", "creation_timestamp", 1)).assertError(400, 15);
        post("/events/v1/", CREATOR, Map.of("type", "x", "content", Map.of("blob", "y".repeat(300 * 1024))))
                .assertError(400, 15);
        send("POST", "/events/v1/", CREATOR, "type=x", "text/plain").assertError(415, 22);
        // larger than the service's body limit (10 MB): refused before it is read
        post("/events/v1/", CREATOR, "{\"type\":\"x\",\"content\":{\"blob\":\"" + "y".repeat(11 * 1024 * 1024)
                + "\"}}").assertError(413, 22);
        // nothing was created by any of these
        assertThat(get("/events/v1/?eq(type,x)", CREATOR).body().get("page").get("total").asInt()).isZero();
    }

    @Test
    void unknownRoutesAnswerInExhFormat() {
        get("/events/v1/nope/deeper", VIEWER).assertError(404, 16);
        send("PATCH", "/events/v1/", CREATOR, "{}", "application/json").assertError(405, 16);
        assertThat(get("/events/v1/health", null).status()).isEqualTo(200);
    }

    @Test
    void secretsAreRedactedBeforeStorage() {
        EventEnvelope activation = event("activation_requested", "users", Map.of("user_id", "u1",
                "activation_hash", "0123456789abcdef0123456789abcdef01234567", "nested",
                Map.of("pinCode", "12345678", "keep", "me")));
        assertThat(store.store(activation)).isTrue();
        JsonNode content = get("/events/v1/?eq(id," + activation.id() + ")", VIEWER).body().get("data").get(0)
                .get("content");
        assertThat(content).isEqualTo(JSON.readTree("{\"user_id\":\"u1\",\"activation_hash\":\"[redacted]\","
                + "\"nested\":{\"pinCode\":\"[redacted]\",\"keep\":\"me\"}}"));
    }

    @Test
    void storingTheSameEventTwiceKeepsOne() {
        EventEnvelope event = event(uniqueType("user_updated"), "users", Map.of("id", "u2"));
        assertThat(store.store(event)).isTrue();
        assertThat(store.store(event)).isFalse();
        assertThat(get("/events/v1/?eq(type," + event.type() + ")", VIEWER).body().get("page").get("total").asInt())
                .isEqualTo(1);
    }

    @Test
    void retentionDeletesOldEventsOnlyWhenConfigured() {
        assertThat(properties.retention()).as("default: keep everything").isNull();
        String type = uniqueType("aged");
        Instant now = CLOCK.instant().truncatedTo(ChronoUnit.MILLIS);
        EventEnvelope old = new EventEnvelope(new ObjectId().toHexString(), type, "users",
                now.minus(Duration.ofDays(40)), "a", Map.of());
        EventEnvelope recent = new EventEnvelope(new ObjectId().toHexString(), type, "users",
                now.minus(Duration.ofDays(20)), "a", Map.of());
        store.store(old);
        store.store(recent);

        assertThat(new EventRetention(mongo, (Duration) null).purge(now)).isZero();
        assertThat(ids(get("/events/v1/?eq(type," + type + ")", VIEWER))).containsExactly(old.id(), recent.id());

        assertThat(new EventRetention(mongo, Duration.ofDays(30)).purge(now)).isGreaterThanOrEqualTo(1);
        assertThat(ids(get("/events/v1/?eq(type," + type + ")", VIEWER))).containsExactly(recent.id());
    }

    static List<String> ids(Response response) {
        assertThat(response.status()).as(response.raw()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        response.body().get("data").forEach(e -> ids.add(e.get("id").asString()));
        return ids;
    }
}
