package dev.medbase.gateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The access tokens revoked before their expiry (contract §5.5: a deleted token answers 117), as auth-service lists
 * them at {@code GET {auth}/internal/revocations} → {@code {"revoked": [{"jti", "expiryTimestamp"}]}} (small: entries
 * leave with their token's expiry). Refreshed when older than {@code medbase.gateway.revocation-refresh} (default
 * 2 s), so a revocation reaches the gateway within that time; every service sits behind the gateway. When
 * auth-service cannot be reached the last known list stays in use (a revocation may then take longer to apply;
 * refusing every request instead would turn an auth outage into a full outage).
 */
@Component
class RevocationList {

    private static final Logger log = LoggerFactory.getLogger(RevocationList.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final WebClient http;
    private final Duration refresh;
    private final Clock clock;
    private volatile Set<String> revoked = Set.of();
    private volatile Instant fetched = Instant.EPOCH;

    RevocationList(@Value("${medbase.services.auth}") String auth,
            @Value("${medbase.gateway.revocation-refresh:2s}") Duration refresh, Clock clock) {
        this.http = WebClient.builder().baseUrl(auth).build();
        this.refresh = refresh;
        this.clock = clock;
    }

    Mono<Boolean> isRevoked(String jti) {
        if (jti == null) {
            return Mono.just(false);
        }
        if (!Instant.now(clock).isAfter(fetched.plus(refresh))) {
            return Mono.just(revoked.contains(jti));
        }
        return http.get().uri("/internal/revocations").retrieve().bodyToMono(String.class)
                .timeout(Duration.ofSeconds(2))
                .map(text -> {
                    JsonNode node = JSON.readTree(text);
                    Set<String> next = new HashSet<>();
                    node.path("revoked").forEach(entry -> next.add(entry.path("jti").asString("")));
                    revoked = next;
                    fetched = Instant.now(clock);
                    return next.contains(jti);
                })
                .onErrorResume(e -> {
                    log.warn("Revocation list unavailable, using the last one: {}", e.toString());
                    return Mono.just(revoked.contains(jti));
                });
    }
}
