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
 * must not appear at all, the error path and springdoc's own endpoint — give every operation the ExH error
 * responses. {@link #assertBodiesDescribed} checks that no JSON body is a free-form "any JSON" object (what springdoc
 * makes of a {@code JsonNode} or {@code Map}; see {@code ApiBody}) and that every request body carries an example,
 * which {@link #requestExample} hands to the tests that send it to the real endpoint.
 *
 * <pre>{@code
 * JsonNode doc = OpenApiDocs.assertDocumentsEveryEndpoint(context, port);
 * OpenApiDocs.assertBodiesDescribed(doc);
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
        JsonNode doc = fetchDocument(context, port);
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

    /**
     * Every JSON request body and 2xx JSON response body must have a shape (properties, typed items or a scalar type),
     * a page envelope's items too, and every JSON request body an example.
     */
    public static void assertBodiesDescribed(JsonNode doc) {
        List<String> freeForm = new ArrayList<>();
        List<String> withoutExample = new ArrayList<>();
        for (String p : doc.path("paths").propertyNames()) {
            for (String method : doc.path("paths").path(p).propertyNames()) {
                JsonNode operation = doc.path("paths").path(p).path(method);
                String name = method.toUpperCase(Locale.ROOT) + " " + p;
                JsonNode request = resolve(doc, operation.path("requestBody"));
                jsonMedia(request).forEach(media -> {
                    if (!described(doc, media.path("schema"))) {
                        freeForm.add(name + " request");
                    }
                    if (example(doc, media) == null) {
                        withoutExample.add(name + " request");
                    }
                });
                for (String status : operation.path("responses").propertyNames()) {
                    if (status.startsWith("2")) {
                        jsonMedia(resolve(doc, operation.path("responses").path(status))).stream()
                                .filter(media -> !described(doc, media.path("schema")))
                                .forEach(media -> freeForm.add(name + " " + status + " response"));
                    }
                }
            }
        }
        assertThat(freeForm).as("JSON bodies documented as free-form \"any JSON\" (document them with @ApiBody)")
                .isEmpty();
        assertThat(withoutExample).as("JSON request bodies without an example (@Schema(example = ...) on the type)")
                .isEmpty();
    }

    /**
     * The example of an operation's JSON request body (the media type's own, else its schema's), e.g. to send it to
     * the endpoint and prove the service accepts what its document shows.
     */
    public static JsonNode requestExample(JsonNode doc, String method, String path) {
        JsonNode request = resolve(doc, doc.path("paths").path(path).path(method.toLowerCase(Locale.ROOT))
                .path("requestBody"));
        JsonNode example = jsonMedia(request).stream().map(media -> example(doc, media)).filter(e -> e != null)
                .findFirst().orElse(null);
        assertThat(example).as("example of the request body of " + method + " " + path).isNotNull();
        return example;
    }

    /** Sends a request to the service under test and answers its 200 JSON body (failing the test otherwise). */
    @FunctionalInterface
    public interface Sender {
        JsonNode send(String method, String path, String json) throws Exception;
    }

    /**
     * Sends the {@link #requestExample} of an operation with {@code sender}, to {@code template} with its path
     * variables filled in order, and asserts the answer {@link #assertResponseDocumented documented}.
     */
    public static JsonNode sendExample(JsonNode doc, Sender sender, String method, String template,
                                       String... variables) {
        String path = template;
        for (String variable : variables) {
            path = path.replaceFirst("\\{[^}]+}", variable);
        }
        JsonNode answer;
        try {
            answer = sender.send(method, path, requestExample(doc, method, template).toString());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " could not be sent", e);
        }
        assertResponseDocumented(doc, method, template, answer);
        return answer;
    }

    /**
     * Asserts that every key of a real 2xx JSON answer of an operation is a property its document names (unless the
     * documented shape is open to more), e.g. after sending its {@link #requestExample}: proves the keys and casing.
     */
    public static void assertResponseDocumented(JsonNode doc, String method, String path, JsonNode answer) {
        JsonNode responses = doc.path("paths").path(path).path(method.toLowerCase(Locale.ROOT)).path("responses");
        JsonNode schema = null;
        for (String status : responses.propertyNames()) {
            if (status.startsWith("2")) {
                schema = jsonMedia(resolve(doc, responses.path(status))).stream()
                        .map(media -> resolve(doc, media.path("schema"))).findFirst().orElse(null);
            }
        }
        assertThat(schema).as("documented 2xx JSON response of " + method + " " + path).isNotNull();
        if (schema.path("additionalProperties").asBoolean(false) || schema.path("additionalProperties").isObject()) {
            return;
        }
        assertThat(answer.propertyNames()).as("keys of the answer of " + method + " " + path + ": " + answer)
                .isSubsetOf(schema.path("properties").propertyNames());
    }

    private static List<JsonNode> jsonMedia(JsonNode body) {
        List<JsonNode> media = new ArrayList<>();
        body.path("content").properties().forEach(type -> {
            if (type.getKey().contains("json") || type.getKey().equals("*/*")) {
                media.add(type.getValue());
            }
        });
        return media;
    }

    private static JsonNode example(JsonNode doc, JsonNode media) {
        if (media.has("example")) {
            return media.get("example");
        }
        if (media.path("examples").size() > 0) {
            return media.path("examples").iterator().next().path("value");
        }
        JsonNode schema = resolve(doc, media.path("schema"));
        return schema.has("example") ? schema.get("example") : null;
    }

    private static boolean described(JsonNode doc, JsonNode schemaOrRef) {
        JsonNode schema = resolve(doc, schemaOrRef);
        for (String combined : List.of("allOf", "oneOf", "anyOf")) {
            if (schema.path(combined).size() > 0) {
                for (JsonNode part : schema.path(combined)) {
                    if (!described(doc, part)) {
                        return false;
                    }
                }
                return true;
            }
        }
        String type = schema.path("type").isArray() ? schema.path("type").path(0).asString("")
                : schema.path("type").asString("");
        if (type.equals("array")) {
            return described(doc, schema.path("items"));
        }
        if (!type.isEmpty() && !type.equals("object")) {
            return true;
        }
        JsonNode properties = schema.path("properties");
        // a page envelope {page, data: [...]} is only described when its items are
        if (properties.has("page") && properties.has("data")) {
            return described(doc, properties.path("data"));
        }
        // properties, or an example of a body that is free-form by nature (a document's own data)
        return properties.size() > 0 || schema.has("example");
    }

    /** Follows a {@code $ref} into {@code components} (schemas, responses, request bodies). */
    private static JsonNode resolve(JsonNode doc, JsonNode node) {
        JsonNode current = node;
        while (current.has("$ref")) {
            String[] parts = current.path("$ref").asString().split("/");
            current = doc.path("components").path(parts[2]).path(parts[3]);
        }
        return current;
    }

    /** Fetches the service's document as the gateway does (no token). */
    public static JsonNode fetchDocument(ApplicationContext context, int port) {
        String path = context.getEnvironment().getRequiredProperty("springdoc.api-docs.path");
        return fetch(URI.create("http://127.0.0.1:" + port + path));
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
