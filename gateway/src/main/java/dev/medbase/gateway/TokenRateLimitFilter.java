package dev.medbase.gateway;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Limits token requests per client address (a token bucket each), so password guessing from one address is slow
 * and cheap to refuse. In memory: right for one gateway; with several replicas each keeps its own buckets, so the
 * effective limit is the configured one times the replica count — move the buckets to a shared store (e.g. Redis)
 * if that matters. Account lockout in user-service protects each account independently of this.
 */
@Component
public class TokenRateLimitFilter implements GlobalFilter, Ordered {

    private static final String TOKEN_PATH = "/auth/v2/oauth2/tokens";
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final GatewayProperties.TokenRateLimit limit;
    private final Clock clock;

    public TokenRateLimitFilter(GatewayProperties properties, Clock clock) {
        this.limit = properties.tokenRateLimit();
        this.clock = clock;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        if (!HttpMethod.POST.equals(exchange.getRequest().getMethod())
                || !TOKEN_PATH.equals(exchange.getRequest().getPath().value())) {
            return chain.filter(exchange);
        }
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        String client = remote == null ? "unknown" : remote.getAddress().getHostAddress();
        long now = clock.millis();
        Bucket bucket = buckets.computeIfAbsent(client, c -> new Bucket(limit.burst(), now));
        if (bucket.tryTake(now, limit)) {
            return chain.filter(exchange);
        }
        long retryAfter = Math.max(1, (long) Math.ceil(1 / limit.perSecond()));
        var response = exchange.getResponse();
        response.setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
        response.getHeaders().set("Retry-After", Long.toString(retryAfter));
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        // The token endpoint's own error shape (contract §3.2): no top-level code.
        byte[] body = ("{\"error\":\"invalid_request\",\"description\":\"Too many token requests from this address, "
                + "retry after " + retryAfter + " s\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    /** Forget buckets that have refilled completely, so the map does not grow with every address ever seen. */
    @Scheduled(fixedDelay = 60_000)
    void evictFullBuckets() {
        long now = clock.millis();
        buckets.values().removeIf(bucket -> bucket.isFull(now, limit));
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 2;
    }

    private static final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        synchronized boolean tryTake(long now, GatewayProperties.TokenRateLimit limit) {
            refill(now, limit);
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }

        synchronized boolean isFull(long now, GatewayProperties.TokenRateLimit limit) {
            refill(now, limit);
            return tokens >= limit.burst();
        }

        private void refill(long now, GatewayProperties.TokenRateLimit limit) {
            tokens = Math.min(limit.burst(), tokens + (now - updated) / 1000.0 * limit.perSecond());
            updated = now;
        }
    }
}
