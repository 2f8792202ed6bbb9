package dev.medbase.gateway;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Verifies an {@code Authorization: OAuth …} request once, at auth-service's internal seam
 * ({@code POST {auth}/internal/oauth1/verify}, see auth-service {@code OAuth1Controller}), and answers the
 * short-lived bearer token that replaces the OAuth header on the way to the service — so services only ever verify
 * bearer tokens, and a client cannot forge the identity (the bearer is signed by auth-service).
 *
 * <p>The URL sent for verification is the one the client signed: scheme from {@code X-Forwarded-Proto} (a
 * TLS-terminating proxy in front of the gateway) or the request's, host from {@code X-Forwarded-Host} or
 * {@code Host}, raw path and raw query (the RQL query is part of the signature, contract §5.3 and §13 item 18).
 * These headers only choose what the signature is checked against; a wrong value makes the check fail, it grants
 * nothing. Auth-service's ExH errors (101, 107–110) are relayed with their status; an unreachable auth-service is
 * 503 code 4.
 */
@Component
class OAuth1Relay {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final WebClient http;

    OAuth1Relay(@Value("${medbase.services.auth}") String auth) {
        this.http = WebClient.builder().baseUrl(auth).build();
    }

    Mono<String> bearerFor(ServerHttpRequest request, String authorization) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("method", request.getMethod().name());
        body.put("url", signedUrl(request));
        body.put("authorization", authorization);
        return http.post().uri("/internal/oauth1/verify").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(JSON.writeValueAsString(body))
                .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("").flatMap(text -> {
                    JsonNode node = parse(text);
                    if (response.statusCode().is2xxSuccessful() && node != null && node.path("accessToken").isString()) {
                        return Mono.just(node.get("accessToken").asString());
                    }
                    if (node != null && node.path("code").isNumber() && response.statusCode().is4xxClientError()) {
                        return Mono.error(GatewayException.of(response.statusCode().value(), node.get("code").asInt(),
                                node.path("name").asString("OAUTH_SIGNATURE_EXCEPTION"),
                                node.path("message").asString("The OAuth1 request was refused")));
                    }
                    return Mono.error(unreachable());
                }))
                .timeout(Duration.ofSeconds(10))
                .onErrorMap(e -> !(e instanceof GatewayException), e -> unreachable());
    }

    static String signedUrl(ServerHttpRequest request) {
        URI uri = request.getURI();
        return signedOrigin(request) + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /** {@code scheme://host[:port]} as the client saw the gateway. */
    static String signedOrigin(ServerHttpRequest request) {
        URI uri = request.getURI();
        HttpHeaders headers = request.getHeaders();
        String proto = first(headers.getFirst("X-Forwarded-Proto"));
        String host = first(headers.getFirst("X-Forwarded-Host"));
        if (host == null) {
            host = headers.getFirst(HttpHeaders.HOST);
        }
        if (host == null) {
            host = uri.getRawAuthority();
        }
        return (proto == null ? uri.getScheme() : proto) + "://" + host;
    }

    private static String first(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        int comma = header.indexOf(',');
        return (comma < 0 ? header : header.substring(0, comma)).trim();
    }

    private static JsonNode parse(String text) {
        try {
            return text.isEmpty() ? null : JSON.readTree(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static GatewayException unreachable() {
        return GatewayException.of(503, 4, "SERVICE_UNREACHABLE_EXCEPTION",
                "The auth service is unreachable, try again shortly");
    }
}
