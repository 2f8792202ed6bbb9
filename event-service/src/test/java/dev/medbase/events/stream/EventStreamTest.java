package dev.medbase.events.stream;

import dev.medbase.platform.testing.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import dev.medbase.events.EventServiceTest;
import dev.medbase.events.store.EventSequence;
import dev.medbase.events.store.EventStore;
import dev.medbase.platform.events.EventEnvelope;

/** {@code GET /events/v1/stream}: Server-Sent Events of stored events, filtered by RQL, resumable. */
class EventStreamTest extends EventServiceTest {

    static final String VIEWER = TestTokens.withPermissions("VIEW_EVENTS", "CREATE_EVENTS");

    @Autowired
    EventStore store;
    @Autowired
    StreamHub hub;
    @Autowired
    EventSequence sequence;

    /** An open stream: its messages as {id, data} pairs, in arrival order. */
    final class Stream2 implements AutoCloseable {
        final BlockingQueue<String[]> messages = new LinkedBlockingQueue<>();
        final HttpResponse<Stream<String>> response;

        Stream2(String query, String lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/events/v1/stream" + query))
                    .header("Accept", "text/event-stream").header("Authorization", "Bearer " + VIEWER);
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofLines());
            CompletableFuture.runAsync(() -> {
                String[] message = new String[2];
                try {
                    response.body().forEach(line -> {
                        if (line.startsWith("id:")) {
                            message[0] = line.substring(3).trim();
                        } else if (line.startsWith("data:")) {
                            message[1] = line.substring(5).trim();
                        } else if (line.isEmpty() && message[1] != null) {
                            messages.add(new String[] {message[0], message[1]});
                            message[0] = null;
                            message[1] = null;
                        }
                    });
                } catch (RuntimeException closed) {
                    // the test closed the stream
                }
            });
        }

        List<String[]> take(int count) throws InterruptedException {
            List<String[]> taken = new ArrayList<>();
            while (taken.size() < count) {
                String[] message = messages.poll(GENEROUS.toSeconds(), TimeUnit.SECONDS);
                assertThat(message).as("message %d of %d", taken.size() + 1, count).isNotNull();
                taken.add(message);
            }
            return taken;
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    @Test
    void newEventsArriveFilteredAndInStoreOrder() throws Exception {
        String type = uniqueType("streamed");
        try (Stream2 stream = new Stream2("?eq(type," + type + ")", null)) {
            assertThat(stream.response.statusCode()).isEqualTo(200);
            assertThat(stream.response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            EventEnvelope first = event(type, "users", Map.of("n", 1, "reset_hash", "secret"));
            store.store(first);
            store.store(event(uniqueType("other"), "users", Map.of()));
            String second = post("/events/v1/", VIEWER, Map.of("type", type, "content", Map.of("n", 2))).assertOk()
                    .body().get("id").asString();

            List<String[]> messages = stream.take(2);
            assertThat(messages.get(0)[0]).isEqualTo(first.id());
            JsonNode data = JSON.readTree(messages.get(0)[1]);
            assertThat(data).isEqualTo(JSON.readTree("{\"id\":\"" + first.id() + "\",\"type\":\"" + type
                    + "\",\"content\":{\"n\":1,\"reset_hash\":\"[redacted]\"},\"creation_timestamp\":"
                    + first.time().toEpochMilli() + "}"));
            assertThat(messages.get(1)[0]).isEqualTo(second);
            assertThat(stream.messages.poll(300, TimeUnit.MILLISECONDS)).as("nothing of other types").isNull();
        }
    }

    @Test
    void numbersTakenButNeverStoredHoldTheStreamOnlyForTheGrace() throws Exception {
        String type = uniqueType("gap");
        try (Stream2 stream = new Stream2("?eq(type," + type + ")", null)) {
            // a replica took numbers for a batch and died before storing it: more than one poll's window of them
            sequence.take(1500);
            EventEnvelope after = event(type, "users", Map.of("n", 1));
            store.store(after);
            assertThat(stream.take(1).get(0)[0]).isEqualTo(after.id());
            sequence.take(3);
            EventEnvelope next = event(type, "users", Map.of("n", 2));
            store.store(next);
            assertThat(stream.take(1).get(0)[0]).isEqualTo(next.id());
        }
    }

    @Test
    void aReconnectWithLastEventIdContinuesAfterIt() throws Exception {
        String type = uniqueType("resumed");
        List<EventEnvelope> stored = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            CLOCK.advance(Duration.ofMillis(10));
            EventEnvelope event = event(type, "users", Map.of("n", i));
            store.store(event);
            stored.add(event);
        }
        try (Stream2 stream = new Stream2("?eq(type," + type + ")", stored.get(1).id())) {
            List<String[]> messages = stream.take(2);
            assertThat(messages).extracting(m -> m[0]).containsExactly(stored.get(2).id(), stored.get(3).id());
            EventEnvelope live = event(type, "users", Map.of("n", 9));
            store.store(live);
            assertThat(stream.take(1).get(0)[0]).isEqualTo(live.id());
        }
        // an unknown Last-Event-ID starts at the present
        try (Stream2 stream = new Stream2("?eq(type," + type + ")", "5e9fff9d90135a2a9a718e2f")) {
            assertThat(stream.messages.poll(500, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void permissionsAndBadRql() {
        send("GET", "/events/v1/stream", null, null, null).assertError(401, 104);
        get("/events/v1/stream", TestTokens.withPermissions("CREATE_EVENTS")).assertError(401, 10);
        get("/events/v1/stream?eq(type,", VIEWER).assertError(400, 19);
        get("/events/v1/stream?eq(password,x)", VIEWER).assertError(400, 19);
        // asked for as browsers do, the error is still the ExH JSON body
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events/v1/stream"))
                .header("Accept", "text/event-stream").build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request,
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(response.body()).get("code").asInt()).isEqualTo(104);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
