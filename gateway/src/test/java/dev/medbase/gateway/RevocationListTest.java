package dev.medbase.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * The gateway's copy of auth-service's revocation list is refreshed in the background, one fetch at a time: many
 * concurrent requests cause no extra fetches, and an unreachable auth-service delays no request after the first
 * attempt.
 */
class RevocationListTest {

    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicReference<String> list = new AtomicReference<>("{\"revoked\":[{\"jti\":\"a\"}]}");
    private final CountDownLatch hang = new CountDownLatch(1);
    private volatile boolean hanging;
    private HttpServer auth;
    private RevocationList revocations;

    private RevocationList start(Duration refresh) throws IOException {
        auth = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        auth.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        auth.createContext("/internal/revocations", exchange -> {
            fetches.incrementAndGet();
            if (hanging) {
                try {
                    hang.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = list.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        auth.start();
        revocations = new RevocationList("http://127.0.0.1:" + auth.getAddress().getPort(), refresh);
        revocations.start();
        return revocations;
    }

    @AfterEach
    void stop() {
        hang.countDown();
        if (revocations != null) {
            revocations.stop();
        }
        if (auth != null) {
            auth.stop(0);
        }
    }

    @Test
    void concurrentRequestsShareOneFetch() throws Exception {
        RevocationList list = start(Duration.ofHours(1));
        var answers = Flux.range(0, 200).flatMap(i -> list.isRevoked(i % 2 == 0 ? "a" : "b")).collectList().block();
        assertThat(answers).hasSize(200).containsOnly(true, false);
        assertThat(answers.stream().filter(Boolean::booleanValue)).hasSize(100);
        assertThat(fetches).hasValue(1);
    }

    @Test
    void newRevocationsArriveWithTheNextRefresh() throws Exception {
        RevocationList revocationList = start(Duration.ofMillis(50));
        assertThat(revocationList.isRevoked("b").block()).isFalse();
        list.set("{\"revoked\":[{\"jti\":\"a\"},{\"jti\":\"b\"}]}");
        int seen = fetches.get();
        while (fetches.get() < seen + 2) {
            Thread.sleep(10);
        }
        assertThat(revocationList.isRevoked("b").block()).isTrue();
    }

    @Test
    void aHangingAuthServiceDelaysNoRequestAfterTheFirstAttempt() throws Exception {
        hanging = true;
        RevocationList revocationList = start(Duration.ofMillis(50));
        // the first attempt gives up after its timeout; the (empty) list is then used as it is
        assertThat(revocationList.isRevoked("a").block(Duration.ofSeconds(10))).isFalse();
        int afterFirst = fetches.get();
        for (int i = 0; i < 100; i++) {
            assertThat(revocationList.isRevoked("a").block(Duration.ofSeconds(5))).isFalse();
        }
        // the background refresh never runs more than one fetch at a time
        assertThat(fetches.get()).isLessThanOrEqualTo(afterFirst + 1);
    }
}
