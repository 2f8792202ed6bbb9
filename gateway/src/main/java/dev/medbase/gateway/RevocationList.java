package dev.medbase.gateway;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The access tokens revoked before their expiry (contract §5.5: a deleted token answers 117), as auth-service lists
 * them at {@code GET {auth}/internal/revocations} → {@code {"revoked": [{"jti", "expiryTimestamp"}]}} (small: entries
 * leave with their token's expiry).
 *
 * <p>One background fetch every {@code medbase.gateway.revocation-refresh} (default 2 s), one at a time, so a
 * revocation reaches the gateway within about that time and requests never wait for auth-service — except the very
 * first ones after start-up, which wait for the first attempt (at most its 2 s timeout). When auth-service cannot be
 * reached the last known list stays in use (a revocation may then take longer to apply; refusing every request
 * instead would turn an auth outage into a full outage).
 */
@Component
class RevocationList implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RevocationList.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final WebClient http;
    private final Duration refresh;
    private final AtomicBoolean reachable = new AtomicBoolean(true);
    private volatile Set<String> revoked = Set.of();
    private volatile Mono<Void> firstAttempt;
    private volatile Disposable refresher;

    RevocationList(@Value("${medbase.services.auth}") String auth,
            @Value("${medbase.gateway.revocation-refresh:2s}") Duration refresh) {
        this.http = WebClient.builder().baseUrl(auth).build();
        this.refresh = refresh;
        this.firstAttempt = fetch().cache();
    }

    Mono<Boolean> isRevoked(String jti) {
        if (jti == null) {
            return Mono.just(false);
        }
        return firstAttempt.then(Mono.fromSupplier(() -> revoked.contains(jti)));
    }

    /** One fetch; never fails (a failure keeps the last list). */
    private Mono<Void> fetch() {
        return http.get().uri("/internal/revocations").retrieve().bodyToMono(String.class)
                .timeout(TIMEOUT)
                .doOnNext(text -> {
                    JsonNode node = JSON.readTree(text);
                    Set<String> next = new HashSet<>();
                    node.path("revoked").forEach(entry -> next.add(entry.path("jti").asString("")));
                    revoked = next;
                    if (reachable.compareAndSet(false, true)) {
                        log.info("Revocation list available again ({} revoked tokens)", next.size());
                    }
                })
                .then()
                .onErrorResume(e -> {
                    if (reachable.compareAndSet(true, false)) {
                        log.warn("Revocation list unavailable, using the last one until auth-service answers: {}",
                                e.toString());
                    }
                    return Mono.empty();
                });
    }

    @Override
    public void start() {
        refresher = firstAttempt.thenMany(Flux.interval(refresh).onBackpressureDrop().concatMap(tick -> fetch()))
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable running = refresher;
        if (running != null) {
            running.dispose();
            refresher = null;
        }
    }

    @Override
    public boolean isRunning() {
        return refresher != null && !refresher.isDisposed();
    }
}
