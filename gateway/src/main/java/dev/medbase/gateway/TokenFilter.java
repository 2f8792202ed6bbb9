package dev.medbase.gateway;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.KeySourceException;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The first door (ARCHITECTURE §5): a bearer token must verify against auth-service's JWKS before the request is
 * routed — unknown or forged → 401 code 117, expired → 401 code 118 (the codes that make the SDK refresh, contract
 * §2.8), revoked ({@link RevocationList}) → 401 code 117, keys unreachable → 503 code 4. Requests without a token pass only on the public routes of
 * {@code medbase.gateway.public-routes}; elsewhere they are 401 code 104 (§2.7). Services verify the token again.
 * {@code Authorization: OAuth …} on a non-public route is verified by auth-service ({@link OAuth1Relay}) and
 * replaced by the short-lived bearer token it answers; on the public consumer-signed routes (OAuth1 login, MFA,
 * SSO consume) it passes unchanged and auth-service checks it there. Requests with another scheme ({@code Basic}
 * client credentials on the token endpoint) count as without a token.
 */
@Component
public class TokenFilter implements GlobalFilter, Ordered {

    /** The origin ({@code scheme://host[:port]}) an OAuth1 client signed, for auth-service (see {@link #filter}). */
    static final String SIGNED_ORIGIN = "X-OAuth1-Signed-Origin";

    private final ReactiveJwtDecoder decoder;
    private final Clock clock;
    private final GatewayProperties properties;
    private final List<Route> publicRoutes;
    private final OAuth1Relay oauth1;
    private final RevocationList revocations;
    /** Verified tokens by their exact text: an app repeats one token for its whole life (expiry and revocation are
     *  still checked per request). Cleared when full: at worst a live token is verified once more. */
    private final Map<String, Jwt> verified = new ConcurrentHashMap<>();
    private static final int MAX_REMEMBERED = 10_000;

    public TokenFilter(ReactiveJwtDecoder decoder, Clock clock, GatewayProperties properties, OAuth1Relay oauth1,
            RevocationList revocations) {
        this.decoder = decoder;
        this.revocations = revocations;
        this.oauth1 = oauth1;
        this.clock = clock;
        this.properties = properties;
        this.publicRoutes = Route.parseAll(properties.publicRoutes());
    }

    @Override
    public Mono<Void> filter(ServerWebExchange original, GatewayFilterChain chain) {
        String authorization = original.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        boolean oauth = authorization != null && authorization.regionMatches(true, 0, "OAuth ", 0, 6);
        if (oauth && !isPublic(original.getRequest())) {
            // verified once by auth-service; the service receives a short-lived bearer token instead
            return oauth1.bearerFor(original.getRequest(), authorization).flatMap(bearer -> chain.filter(original
                    .mutate().request(r -> r.headers(h -> h.set(HttpHeaders.AUTHORIZATION, "Bearer " + bearer)))
                    .build()));
        }
        ServerWebExchange exchange = withSignedOrigin(original, oauth);
        ServerHttpRequest request = exchange.getRequest();
        // Other schemes (HTTP Basic client authentication on the token endpoint, consumer-signed OAuth1 requests)
        // carry no user: public routes only.
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return isPublic(request) ? chain.filter(exchange)
                    : Mono.error(GatewayException.of(401, 104, "USER_NOT_AUTHENTICATED_EXCEPTION",
                            "The user is not authenticated"));
        }
        return verify(authorization.substring(7).trim())
                .flatMap(jwt -> expired(jwt) ? Mono.error(GatewayException.of(401, 118,
                        "ACCESS_TOKEN_EXPIRED_EXCEPTION", "The access token is expired"))
                        : revocations.isRevoked(jwt.getId()).flatMap(revoked -> revoked
                                ? Mono.<Void>error(unknown()) : chain.filter(exchange)));
    }

    private Mono<Jwt> verify(String token) {
        Jwt known = verified.get(token);
        if (known != null) {
            return Mono.just(known);
        }
        return decoder.decode(token).onErrorMap(TokenFilter::translate).doOnNext(jwt -> {
            if (verified.size() >= MAX_REMEMBERED) {
                verified.clear();
            }
            verified.put(token, jwt);
        });
    }

    /**
     * Consumer-signed OAuth1 requests (login, MFA, SSO consume) are checked by auth-service itself, which sees
     * neither the Host the client signed (the proxied request carries auth-service's) nor X-Forwarded-* (removed on
     * the way): the gateway names the origin in {@link #SIGNED_ORIGIN}. A value sent by a client never passes.
     */
    private static ServerWebExchange withSignedOrigin(ServerWebExchange exchange, boolean oauth) {
        if (!oauth && !exchange.getRequest().getHeaders().containsHeader(SIGNED_ORIGIN)) {
            return exchange;
        }
        String origin = oauth ? OAuth1Relay.signedOrigin(exchange.getRequest()) : null;
        return exchange.mutate().request(r -> r.headers(h -> {
            h.remove(SIGNED_ORIGIN);
            if (origin != null) {
                h.set(SIGNED_ORIGIN, origin);
            }
        })).build();
    }

    private boolean expired(Jwt jwt) {
        Instant expiresAt = jwt.getExpiresAt();
        return expiresAt == null || Instant.now(clock).isAfter(expiresAt.plus(properties.clockSkew()));
    }

    private boolean isPublic(ServerHttpRequest request) {
        return Route.anyMatches(publicRoutes, request);
    }

    private static Throwable translate(Throwable e) {
        if (e instanceof BadJwtException || !(hasCause(e, KeySourceException.class) || hasCause(e, IOException.class))) {
            return unknown();
        }
        return GatewayException.of(503, 4, "SERVICE_UNREACHABLE_EXCEPTION",
                "The token signing keys are unavailable, try again shortly");
    }

    private static GatewayException unknown() {
        return GatewayException.of(401, 117, "ACCESS_TOKEN_UNKNOWN_EXCEPTION", "The access token is unknown");
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }

}
