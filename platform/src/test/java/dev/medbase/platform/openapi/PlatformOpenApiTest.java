package dev.medbase.platform.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;
import dev.medbase.platform.testing.OpenApiDocs;

/** The shared OpenAPI conventions on a small snake_case service, read as the gateway reads them: anonymously. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "medbase.service.prefix=/pets/v1", "spring.jackson.property-naming-strategy=SNAKE_CASE"})
class PlatformOpenApiTest {

    @SpringBootApplication
    static class App {
        @RestController
        static class Pets {
            record Pet(String firstName, int legCount) {}

            @GetMapping("/pets/v1/")
            PageEnvelope<Pet> find(Caller caller, RqlQuery rql) {
                caller.requirePermission("VIEW_PETS");
                return PageEnvelope.of(List.of(), 0L, 0, 20);
            }

            @PostMapping("/pets/v1/")
            Pet create(Caller caller, @RequestBody Pet pet) {
                caller.requirePermission("CREATE_PETS");
                return pet;
            }

            @Schema(example = """
                    {"text": "Eats too fast", "tags": ["diet"]}""")
            record NewNote(String text, List<String> tags) {}

            record Note(String id, String text, List<String> tags, long creationTimestamp) {}

            @ApiBody(request = NewNote.class, response = Note.class)
            @PostMapping("/pets/v1/{petId}/notes")
            Map<String, Object> note(Caller caller, @PathVariable String petId,
                    @RequestBody(required = false) JsonNode body) {
                return Map.of();
            }

            @ApiBody(page = Note.class)
            @GetMapping("/pets/v1/{petId}/notes")
            PageEnvelope<Map<String, Object>> notes(Caller caller, @PathVariable String petId, RqlQuery rql) {
                return PageEnvelope.of(List.of(), 0L, 0, 20);
            }

            @PostMapping("/pets/v1/{petId}/raw")
            Map<String, Object> raw(Caller caller, @PathVariable String petId,
                    @RequestBody(required = false) JsonNode body) {
                return Map.of();
            }

            @GetMapping("/pets/v1/{petId}")
            Pet get(Caller caller, @PathVariable String petId) {
                caller.requirePermission("VIEW_PETS");
                return new Pet("Rex", 4);
            }

            @GetMapping("/internal/pets/{petId}")
            Map<String, Object> internal(@PathVariable String petId) {
                return Map.of();
            }
        }
    }

    @Autowired
    ApplicationContext context;
    @LocalServerPort
    int port;

    @Test
    void documentsEveryEndpointWithTheServicesCasingAndTheSharedParts() {
        JsonNode doc = OpenApiDocs.assertDocumentsEveryEndpoint(context, port);
        assertThatThrownBy(() -> OpenApiDocs.assertBodiesDescribed(doc))
                .hasMessageContaining("POST /pets/v1/{petId}/raw request")
                .hasMessageContaining("POST /pets/v1/{petId}/raw 200 response")
                .hasMessageNotContaining("notes");

        assertThat(OpenApiDocs.schemaProperties(doc, "Pet")).containsExactly("first_name", "leg_count");
        assertThat(doc.path("paths").propertyNames()).contains("/pets/v1/health")
                .noneMatch(path -> path.startsWith("/internal"));

        JsonNode find = doc.path("paths").path("/pets/v1/").path("get");
        assertThat(find.path("parameters").findValuesAsString("name")).containsExactly("RQL");
        JsonNode get = doc.path("paths").path("/pets/v1/{petId}").path("get");
        assertThat(get.path("parameters").findValuesAsString("name")).containsExactly("petId");
        assertThat(get.path("responses").path("404").path("$ref").asString())
                .isEqualTo("#/components/responses/Error404");

        assertThat(doc.path("components").path("schemas").has("JsonNode")).isFalse();
        assertThat(doc.path("paths").path("/pets/v1/{petId}/raw").path("post").path("requestBody").path("content")
                .path("application/json").path("schema").path("description").asString()).isEqualTo("Any JSON value");
        // @ApiBody: the documentation records in the service's casing, the example, and the shared page envelope
        JsonNode note = doc.path("paths").path("/pets/v1/{petId}/notes").path("post");
        assertThat(note.path("requestBody").path("content").path("application/json").path("schema").path("$ref")
                .asString()).isEqualTo("#/components/schemas/NewNote");
        assertThat(OpenApiDocs.requestExample(doc, "POST", "/pets/v1/{petId}/notes").path("tags").path(0).asString())
                .isEqualTo("diet");
        assertThat(OpenApiDocs.schemaProperties(doc, "Note")).contains("creation_timestamp");
        String page = doc.path("paths").path("/pets/v1/{petId}/notes").path("get").path("responses").path("200")
                .path("content").findValue("$ref").asString();
        String pageSchema = page.substring(page.lastIndexOf('/') + 1);
        assertThat(OpenApiDocs.schemaProperties(doc, pageSchema)).containsExactlyInAnyOrder("page", "data");
        assertThat(doc.path("components").path("schemas").path(pageSchema).path("properties").path("data")
                .path("items").path("$ref").asString()).isEqualTo("#/components/schemas/Note");

        JsonNode unauthorized = doc.path("components").path("responses").path("Error401");
        assertThat(unauthorized.path("content").path("application/json").path("schema").path("$ref").asString())
                .isEqualTo("#/components/schemas/ExhError");
        assertThat(unauthorized.path("content").path("application/json").path("examples")
                .path("ACCESS_TOKEN_EXPIRED_EXCEPTION").path("value").path("code").asInt()).isEqualTo(118);
        assertThat(doc.path("components").path("securitySchemes").path("bearer").path("bearerFormat").asString())
                .isEqualTo("JWT");
        assertThat(doc.path("info").path("title").asString()).startsWith("Medbase");
    }
}
