package dev.medbase.events.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sender connects only where the guard agreed, checked on the addresses it connects to. */
class WebhookSenderTest {

    final Receiver receiver = new Receiver();

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void sendsWhenTheTargetIsAllowed() throws Exception {
        try (WebhookSender sender = new WebhookSender(new TargetGuard(true, true, InetAddress::getAllByName),
                Duration.ofSeconds(2), Duration.ofSeconds(5), 4)) {
            WebhookSender.Result result = sender.post(receiver.url("/ok"), "{\"a\":1}", Map.of("X-Test", "1"));
            assertThat(result.delivered()).as(String.valueOf(result)).isTrue();
            assertThat(result.statusCode()).isEqualTo(200);
            assertThat(receiver.requests("/ok")).singleElement().satisfies(r -> {
                assertThat(r.body()).isEqualTo("{\"a\":1}");
                assertThat(r.header("X-Test")).isEqualTo("1");
            });
            receiver.answer("/teapot", 418);
            assertThat(sender.post(receiver.url("/teapot"), "{}", Map.of()).statusCode()).isEqualTo(418);
            assertThat(sender.post(receiver.url("/teapot"), "{}", Map.of()).delivered()).isFalse();
        }
    }

    @Test
    void aNameThatTurnsPrivateBetweenCheckAndConnectIsRefused() throws Exception {
        // DNS rebinding: the first lookup (the URL check) says public, the next (the connection) says loopback
        AtomicInteger lookups = new AtomicInteger();
        TargetGuard guard = new TargetGuard(false, true, host -> new InetAddress[] {
                InetAddress.getByName(lookups.getAndIncrement() == 0 ? "93.184.216.34" : "127.0.0.1")});
        try (WebhookSender sender = new WebhookSender(guard, Duration.ofSeconds(2), Duration.ofSeconds(5), 4)) {
            WebhookSender.Result result = sender.post("http://rebind.example.test:" + receiver.port() + "/x", "{}",
                    Map.of());
            assertThat(result.delivered()).isFalse();
            assertThat(result.statusCode()).isNull();
            assertThat(result.error()).startsWith("refused:").contains("127.0.0.1");
            assertThat(lookups.get()).isGreaterThanOrEqualTo(2);
        }
        assertThat(receiver.requests("/x")).isEmpty();
    }

    @Test
    void unreachableAndRedirectsAreFailures() throws Exception {
        try (WebhookSender sender = new WebhookSender(new TargetGuard(true, true, InetAddress::getAllByName),
                Duration.ofSeconds(2), Duration.ofSeconds(5), 4)) {
            receiver.answer("/moved", 302);
            WebhookSender.Result moved = sender.post(receiver.url("/moved"), "{}", Map.of());
            assertThat(moved.statusCode()).isEqualTo(302);
            assertThat(moved.delivered()).isFalse();
            int closedPort = dev.medbase.devstack.infra.EmbeddedKafka.freePort();
            WebhookSender.Result down = sender.post("http://127.0.0.1:" + closedPort + "/", "{}", Map.of());
            assertThat(down.statusCode()).isNull();
            assertThat(down.error()).isNotBlank();
        }
    }

    @Test
    void signatureIsHmacSha256OfTimestampDotBody() {
        // echo -n '1700000000.{"id":"1"}' | openssl dgst -sha256 -hmac whsec_test
        assertThat(WebhookSender.signature("whsec_test", 1_700_000_000L, "{\"id\":\"1\"}"))
                .isEqualTo("v1=11bf4466ea17c3df3fd743af0b435368e16b7a05eb8eced85e8c4670767bdec5");
    }
}
