package dev.medbase.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springdoc.core.properties.AbstractSwaggerUiConfigProperties.SwaggerUrl;
import org.springdoc.core.properties.SwaggerUiConfigProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v3/api-docs}: the OpenAPI documents of every service (the ones Swagger UI lists,
 * {@code springdoc.swagger-ui.urls}) merged into one, fetched through the gateway's own routes on each call. Paths
 * are disjoint by prefix; a component two services define differently is kept under {@code <service>_<name>} with
 * that service's references rewritten. A service that does not answer is listed in {@code x-medbase-unavailable}
 * rather than failing the whole document. This route function takes precedence over springdoc's own (empty) gateway
 * document at the same path, which only exists because Swagger UI's configuration endpoint depends on it.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiAggregator {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Bean
    RouterFunction<ServerResponse> aggregatedApiDocs(SwaggerUiConfigProperties swaggerUi, Environment environment) {
        WebClient client = WebClient.create();
        return RouterFunctions.route(RequestPredicates.GET("/v3/api-docs"), request -> {
            String self = "http://127.0.0.1:" + environment.getRequiredProperty("local.server.port");
            List<SwaggerUrl> services = new ArrayList<>(swaggerUi.getUrls());
            return Flux.fromIterable(services)
                    .flatMapSequential(service -> client.get().uri(self + service.getUrl()).retrieve()
                            .bodyToMono(String.class).timeout(TIMEOUT)
                            .map(body -> Map.entry(service.getName(), JSON.readTree(body)))
                            .onErrorResume(e -> Mono.just(Map.entry(service.getName(), JSON.missingNode()))))
                    .collectList()
                    .flatMap(docs -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                            .bodyValue(JSON.writeValueAsString(merge(docs))));
        });
    }

    static ObjectNode merge(List<Map.Entry<String, JsonNode>> docs) {
        ObjectNode merged = JSON.createObjectNode();
        merged.put("openapi", "3.1.0");
        merged.putObject("info").put("title", "Medbase").put("version", "v1")
                .put("description", "Every Medbase service's API in one document, as served through the gateway. "
                        + "Errors are {code, name, message}; list calls take an RQL query string.");
        ObjectNode paths = merged.putObject("paths");
        ObjectNode components = merged.putObject("components");
        Map<String, JsonNode> tags = new LinkedHashMap<>();
        List<String> unavailable = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : docs) {
            if (!entry.getValue().isObject()) {
                unavailable.add(entry.getKey());
                continue;
            }
            JsonNode doc = withoutClashes(entry.getKey(), (ObjectNode) entry.getValue(), components);
            doc.path("paths").properties().forEach(p -> {
                if (!paths.has(p.getKey())) {
                    paths.set(p.getKey(), p.getValue());
                }
            });
            doc.path("components").properties().forEach(section -> section.getValue().properties()
                    .forEach(c -> {
                        ObjectNode target = components.has(section.getKey())
                                ? (ObjectNode) components.get(section.getKey()) : components.putObject(section.getKey());
                        if (!target.has(c.getKey())) {
                            target.set(c.getKey(), c.getValue());
                        }
                    }));
            doc.path("tags").forEach(tag -> tags.putIfAbsent(tag.path("name").asString(), tag));
            if (!merged.has("security") && doc.has("security")) {
                merged.set("security", doc.get("security"));
            }
        }
        if (!tags.isEmpty()) {
            merged.putArray("tags").addAll(tags.values());
        }
        if (!unavailable.isEmpty()) {
            merged.putArray("x-medbase-unavailable").addAll(unavailable.stream().map(JSON.getNodeFactory()::textNode)
                    .toList());
        }
        return merged;
    }

    /**
     * The service's document with each component that differs from an already merged one of the same name renamed
     * to {@code <service>_<name>}, references included; repeated because a rename can make a referring component
     * differ too.
     */
    private static JsonNode withoutClashes(String service, ObjectNode doc, ObjectNode merged) {
        Map<String, String> renames = new HashMap<>();
        JsonNode current = doc;
        boolean renamed = true;
        while (renamed) {
            renamed = false;
            for (var section : current.path("components").properties()) {
                for (var component : section.getValue().properties()) {
                    String ref = "#/components/" + section.getKey() + "/" + component.getKey();
                    JsonNode existing = merged.path(section.getKey()).path(component.getKey());
                    if (!renames.containsKey(ref) && !existing.isMissingNode()
                            && !existing.equals(component.getValue())) {
                        renames.put(ref, service + "_" + component.getKey());
                        renamed = true;
                    }
                }
            }
            if (renamed) {
                current = rename(doc, renames);
            }
        }
        return current;
    }

    private static JsonNode rename(ObjectNode doc, Map<String, String> renames) {
        ObjectNode copy = doc.deepCopy();
        renames.forEach((ref, name) -> {
            String[] parts = ref.split("/");
            ObjectNode section = (ObjectNode) copy.path("components").path(parts[2]);
            section.set(name, section.remove(parts[3]));
        });
        String text = JSON.writeValueAsString(copy);
        for (Map.Entry<String, String> rename : renames.entrySet()) {
            String ref = rename.getKey();
            text = text.replace("\"" + ref + "\"",
                    "\"" + ref.substring(0, ref.lastIndexOf('/') + 1) + rename.getValue() + "\"");
        }
        return JSON.readTree(text);
    }
}
