package dev.medbase.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The docs at the gateway, read without a token: Swagger UI, its configuration listing every service's document,
 * each document routed to its service, and all of them merged at {@code /v3/api-docs}. The services are small HTTP
 * servers serving a document each (mail's fails, to show the merge survives it).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiGatewayTest {

    private static final Map<String, String> PREFIXES = Map.of("auth", "/auth/v2", "users", "/users/v1",
            "data", "/data/v1", "files", "/files/v1", "tasks", "/tasks/v1", "events", "/events/v1",
            "mail", "/mail/v1");
    private static final Map<String, HttpServer> BACKENDS = PREFIXES.keySet().stream()
            .collect(Collectors.toMap(s -> s, OpenApiGatewayTest::serve));
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        BACKENDS.forEach((name, server) -> registry.add("medbase.services." + name,
                () -> "http://127.0.0.1:" + server.getAddress().getPort()));
    }

    @AfterAll
    static void stop() {
        BACKENDS.values().forEach(s -> s.stop(0));
    }

    private static HttpServer serve(String name) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> answer(name, exchange));
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code <prefix>/v3/api-docs}: one path, the shared ExhError schema, and a {@code Page} schema that users
     * spells differently from the others.
     */
    private static void answer(String name, HttpExchange exchange) throws IOException {
        String prefix = PREFIXES.get(name);
        boolean docs = exchange.getRequestURI().getPath().equals(prefix + "/v3/api-docs");
        int status = !docs ? 404 : name.equals("mail") ? 500 : 200;
        String pageKey = name.equals("users") ? "records_total" : "total";
        String body = status != 200 ? "{}" : """
                {"openapi":"3.1.0","info":{"title":"%s","version":"v1"},
                 "paths":{"%s/things":{"get":{"responses":{"200":{"content":{"application/json":{"schema":
                   {"$ref":"#/components/schemas/Page"}}}},"404":{"$ref":"#/components/responses/Error404"}}}}},
                 "components":{"schemas":{"ExhError":{"type":"object","properties":{"code":{"type":"integer"}}},
                   "Page":{"type":"object","properties":{"%s":{"type":"integer"}}}},
                  "responses":{"Error404":{"description":"unknown","content":{"application/json":{"schema":
                   {"$ref":"#/components/schemas/ExhError"}}}}}}}
                """.formatted(name, prefix, pageKey);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                BodyHandlers.ofString());
    }

    @Test
    void swaggerUiAndItsConfigurationArePublicAndListEveryService() throws Exception {
        HttpResponse<String> ui = get("/swagger-ui.html");
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger-ui");

        HttpResponse<String> config = get("/v3/api-docs/swagger-config");
        assertThat(config.statusCode()).as(config.body()).isEqualTo(200);
        Map<String, String> urls = JSON.readTree(config.body()).path("urls").valueStream()
                .collect(Collectors.toMap(u -> u.path("name").asString(), u -> u.path("url").asString()));
        assertThat(urls).hasSize(7);
        PREFIXES.forEach((name, prefix) -> assertThat(urls).containsEntry(name, prefix + "/v3/api-docs"));
    }

    @Test
    void eachServicesDocumentIsRoutedWithoutAToken() throws Exception {
        for (String name : List.of("auth", "users", "data", "files", "tasks", "events")) {
            HttpResponse<String> doc = get(PREFIXES.get(name) + "/v3/api-docs");
            assertThat(doc.statusCode()).as(name).isEqualTo(200);
            assertThat(JSON.readTree(doc.body()).path("info").path("title").asString()).isEqualTo(name);
        }
        // only the documents are public, not the rest of the service
        assertThat(get("/users/v1/things").statusCode()).isEqualTo(401);
    }

    @Test
    void apiDocsMergesEveryServiceKeepingDifferingComponentsApart() throws Exception {
        HttpResponse<String> response = get("/v3/api-docs");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode doc = JSON.readTree(response.body());

        assertThat(doc.path("paths").propertyNames()).containsExactlyInAnyOrder("/auth/v2/things",
                "/users/v1/things", "/data/v1/things", "/files/v1/things", "/tasks/v1/things", "/events/v1/things");
        assertThat(doc.path("x-medbase-unavailable").valueStream().map(JsonNode::asString)).containsExactly("mail");
        assertThat(doc.path("components").path("schemas").propertyNames())
                .containsExactlyInAnyOrder("ExhError", "Page", "users_Page");
        assertThat(doc.path("components").path("schemas").path("users_Page").path("properties").has("records_total"))
                .isTrue();
        assertThat(schemaRef(doc, "/users/v1/things")).isEqualTo("#/components/schemas/users_Page");
        assertThat(schemaRef(doc, "/data/v1/things")).isEqualTo("#/components/schemas/Page");
        assertThat(doc.path("paths").path("/users/v1/things").path("get").path("responses").path("404").path("$ref")
                .asString()).isEqualTo("#/components/responses/Error404");
    }

    private static String schemaRef(JsonNode doc, String path) {
        return doc.path("paths").path(path).path("get").path("responses").path("200").path("content")
                .path("application/json").path("schema").path("$ref").asString();
    }
}
