package dev.medbase.events.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import dev.medbase.devstack.infra.SharedTestInfra;
import dev.medbase.events.EventServiceTest;

/**
 * With the production setting ({@code allow-private-targets=false}) webhooks cannot reach this machine or private
 * networks: refused when registered, and refused at delivery when a name resolves differently by then. DNS is
 * scripted; a context of its own (database, consumer group) so its workers never touch the other tests' webhooks.
 */
@Import(WebhookSsrfTest.ScriptedDns.class)
class WebhookSsrfTest extends EventServiceTest {

    static final Map<String, String> DNS = new ConcurrentHashMap<>();
    static final Receiver RECEIVER = new Receiver();
    static final String ADMIN = WebhooksApiTest.ADMIN;

    @TestConfiguration(proxyBeanMethods = false)
    static class ScriptedDns {
        @Bean
        TargetGuard.Resolver scriptedResolver() {
            return host -> DNS.containsKey(host) ? new InetAddress[] {InetAddress.getByName(DNS.get(host))}
                    : InetAddress.getAllByName(host);
        }
    }

    @DynamicPropertySource
    static void strict(DynamicPropertyRegistry registry) {
        registry.add("medbase.events.webhooks.allow-private-targets", () -> "false");
        registry.add("spring.mongodb.uri", () -> SharedTestInfra.mongoUri("medbase-events-ssrf"));
        registry.add("medbase.events.consumer-group", () -> "events-ssrf");
    }

    @AfterAll
    static void stopReceiver() {
        RECEIVER.close();
    }

    @Autowired
    WebhookFanout fanout;

    @Test
    void privateTargetsAreRefusedAtRegistration() {
        DNS.put("intranet.example.test", "192.168.10.20");
        for (String url : List.of(RECEIVER.url("/x"), "http://localhost:8080/", "http://10.0.0.1/",
                "http://[::1]:8080/", "http://169.254.169.254/latest/meta-data/", "http://intranet.example.test/",
                "http://2130706433/", "http://[::ffff:127.0.0.1]/")) {
            Response refused = post("/events/v1/webhooks", ADMIN, Map.of("url", url, "event_types", List.of("x")));
            refused.assertError(400, 26);
            assertThat(refused.body().get("message").asString()).as(url).contains("resolves to");
        }
        DNS.put("partner.example.test", "93.184.216.34");
        String id = post("/events/v1/webhooks", ADMIN, Map.of("url", "http://partner.example.test/hook",
                "event_types", List.of("x"))).assertOk().body().get("id").asString();
        put("/events/v1/webhooks/" + id, ADMIN, Map.of("url", "http://127.0.0.1:1/")).assertError(400, 26);
    }

    @Test
    void aNameThatResolvesPrivatelyByDeliveryTimeIsRefusedThen() {
        DNS.put("flip.example.test", "93.184.216.34");
        String type = uniqueType("flip");
        JsonNode webhook = post("/events/v1/webhooks", ADMIN, Map.of("url", "http://flip.example.test:"
                + RECEIVER.port() + "/hook", "event_types", List.of(type))).assertOk().body();
        DNS.put("flip.example.test", "127.0.0.1");
        fanout.handle(event(type, "users", Map.of()));

        JsonNode delivery = await().atMost(GENEROUS).until(() -> get("/events/v1/webhooks/"
                + webhook.get("id").asString() + "/deliveries", ADMIN).body().get("data"),
                data -> data.size() == 1 && data.get(0).get("attempts").asInt() == 1).get(0);
        assertThat(delivery.get("status").asString()).isEqualTo("pending"); // retried later, DNS may change back
        assertThat(delivery.has("last_status_code")).isFalse();
        assertThat(delivery.get("last_error").asString()).startsWith("refused:").contains("127.0.0.1");
        assertThat(RECEIVER.requests("/hook")).isEmpty();
    }
}
