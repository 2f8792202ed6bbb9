package dev.medbase.gateway;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code medbase.gateway.*}: the body limit, the routes reachable without a token, the tolerated clock skew on token
 * expiry, and the per-client-address limit on the token endpoint.
 */
@ConfigurationProperties("medbase.gateway")
public record GatewayProperties(DataSize maxBodySize, List<String> streamingRoutes, List<String> publicRoutes,
        Duration clockSkew,
        TokenRateLimit tokenRateLimit) {

    public GatewayProperties {
        maxBodySize = maxBodySize == null ? DataSize.ofMegabytes(10) : maxBodySize;
        streamingRoutes = streamingRoutes == null ? List.of() : List.copyOf(streamingRoutes);
        publicRoutes = publicRoutes == null ? List.of() : List.copyOf(publicRoutes);
        clockSkew = clockSkew == null ? Duration.ofSeconds(5) : clockSkew;
        tokenRateLimit = tokenRateLimit == null ? new TokenRateLimit(20, 40) : tokenRateLimit;
    }

    /** Token bucket per client address on {@code POST /auth/v2/oauth2/tokens}: refill per second, burst size. */
    public record TokenRateLimit(double perSecond, int burst) {}
}
