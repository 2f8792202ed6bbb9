package dev.medbase.gateway;

import java.util.List;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/** A route in configuration: {@code "POST /users/v1/register"} or {@code "* /users/v1/health"} (any method). */
record Route(HttpMethod method, PathPattern pattern) {

    static Route parse(String spec) {
        String[] parts = spec.trim().split("\\s+", 2);
        if (parts.length != 2) {
            throw new IllegalArgumentException("A route is 'METHOD /path', got: " + spec);
        }
        return new Route("*".equals(parts[0]) ? null : HttpMethod.valueOf(parts[0]),
                PathPatternParser.defaultInstance.parse(parts[1]));
    }

    static List<Route> parseAll(List<String> specs) {
        return specs.stream().map(Route::parse).toList();
    }

    static boolean anyMatches(List<Route> routes, ServerHttpRequest request) {
        return routes.stream().anyMatch(route -> route.matches(request));
    }

    boolean matches(ServerHttpRequest request) {
        return (method == null || method.equals(request.getMethod()))
                && pattern.matches(request.getPath().pathWithinApplication());
    }
}
