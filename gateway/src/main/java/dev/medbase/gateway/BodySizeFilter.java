package dev.medbase.gateway;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Refuses bodies over {@code medbase.gateway.max-body-size} (10 MB, as Extra Horizon documents): at once when
 * {@code Content-Length} says so, or as soon as a chunked body crosses the limit while it streams to the service.
 * File uploads ({@code medbase.gateway.streaming-routes}) are left to file-service, which enforces its own
 * (configurable) file size limit while streaming them to storage.
 */
@Component
public class BodySizeFilter implements GlobalFilter, Ordered {

    private final long limit;
    private final List<Route> streamingRoutes;

    public BodySizeFilter(GatewayProperties properties) {
        this.limit = properties.maxBodySize().toBytes();
        this.streamingRoutes = Route.parseAll(properties.streamingRoutes());
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (Route.anyMatches(streamingRoutes, request)) {
            return chain.filter(exchange); // the service streams these and enforces its own limit while reading
        }
        if (request.getHeaders().getContentLength() > limit) {
            return Mono.error(new BodyTooLargeException(limit));
        }
        AtomicLong seen = new AtomicLong();
        ServerHttpRequest counted = new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                return super.getBody().handle((buffer, sink) -> {
                    if (seen.addAndGet(buffer.readableByteCount()) > limit) {
                        org.springframework.core.io.buffer.DataBufferUtils.release(buffer);
                        sink.error(new BodyTooLargeException(limit));
                    } else {
                        sink.next(buffer);
                    }
                });
            }
        };
        return chain.filter(exchange.mutate().request(counted).build());
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 3;
    }

    static final class BodyTooLargeException extends RuntimeException {
        BodyTooLargeException(long limit) {
            super("The request body is larger than the limit of " + limit + " bytes", null, false, false);
        }
    }
}
