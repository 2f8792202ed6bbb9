package dev.medbase.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks a service's OpenAPI document against its real controllers: fetched anonymously over HTTP (as the gateway
 * and Swagger UI fetch it), it must list every request mapping as path + method — except {@code /internal/**}, which
 * must not appear at all, the error path and springdoc's own endpoint — and give every operation the ExH error
 * responses.
 *
 * <pre>{@code
 * JsonNode doc = OpenApiDocs.assertDocumentsEveryEndpoint(context, port);
 * assertThat(OpenApiDocs.schemaProperties(doc, "User")).contains("first_name");
 * }</pre>
 */
public final class OpenApiDocs {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private OpenApiDocs() {
    }

    /** Fetches the service's document (no token) and asserts it covers every endpoint; returns the document. */
    public static JsonNode assertDocumentsEveryEndpoint(ApplicationContext context, int port) {
        String path = context.getEnvironment().getRequiredProperty("springdoc.api-docs.path");
        JsonNode doc = fetch(URI.create("http://127.0.0.1:" + port + path));
        JsonNode paths = doc.path("paths");
        assertThat(paths.propertyNames()).as("paths of the document").isNotEmpty()
                .noneMatch(p -> p.startsWith("/internal"));

        List<String> missing = new ArrayList<>();
        String errorPath = context.getEnvironment().getProperty("server.error.path", "/error");
        RequestMappingHandlerMapping mapping = context.getBean("requestMappingHandlerMapping",
                RequestMappingHandlerMapping.class);
        mapping.getHandlerMethods().forEach((info, handler) -> {
            if (handler.getBeanType().getPackageName().startsWith("org.springdoc")) {
                return;
            }
            for (String pattern : info.getPatternValues()) {
                if (pattern.startsWith("/internal/") || pattern.equals(errorPath)) {
                    continue;
                }
                JsonNode item = paths.path(pattern);
                for (String method : methods(info)) {
                    if (!item.has(method)) {
                        missing.add(method.toUpperCase(Locale.ROOT) + " " + pattern + " (" + handler + ")");
                    }
                }
            }
        });
        assertThat(missing).as("endpoints missing from " + path).isEmpty();

        List<String> withoutErrors = new ArrayList<>();
        for (String p : paths.propertyNames()) {
            for (String method : paths.path(p).propertyNames()) {
                JsonNode responses = paths.path(p).path(method).path("responses");
                if (!(responses.has("400") && responses.has("401") && responses.has("403") && responses.has("404"))) {
                    withoutErrors.add(method + " " + p);
                }
            }
        }
        assertThat(withoutErrors).as("operations without the standard ExH error responses").isEmpty();
        assertThat(doc.path("components").path("schemas").path("ExhError").path("properties").propertyNames())
                .containsExactlyInAnyOrder("code", "name", "message");
        return doc;
    }

    /** The property names of a schema in {@code components.schemas} (empty when the schema is absent). */
    public static Set<String> schemaProperties(JsonNode doc, String schema) {
        return new TreeSet<>(doc.path("components").path("schemas").path(schema).path("properties").propertyNames());
    }

    /** Every property name of every schema in {@code components.schemas}: what the casing checks look at. */
    public static Set<String> propertyNames(JsonNode doc) {
        Set<String> names = new TreeSet<>();
        doc.path("components").path("schemas").forEach(schema -> names.addAll(schema.path("properties")
                .propertyNames()));
        return names;
    }

    /** Springdoc documents a mapping without methods under every method; any one of them is enough here. */
    private static List<String> methods(RequestMappingInfo info) {
        Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
        return (methods.isEmpty() ? Set.of(RequestMethod.GET) : methods).stream()
                .map(m -> m.name().toLowerCase(Locale.ROOT)).toList();
    }

    private static JsonNode fetch(URI uri) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("GET " + uri + ": " + response.body()).isEqualTo(200);
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("GET " + uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
