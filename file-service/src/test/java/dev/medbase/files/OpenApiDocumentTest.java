package dev.medbase.files;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.testing.OpenApiDocs;

/** file-service's OpenAPI document (what Swagger UI shows through the gateway): every endpoint, in the wire casing. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiDocumentTest extends FilesTestBase {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        infra(registry, "files-openapi");
    }

    @Autowired
    ApplicationContext context;

    @Test
    void documentsEveryEndpointInCamelCase() {
        JsonNode doc = OpenApiDocs.assertDocumentsEveryEndpoint(context, port);
        OpenApiDocs.assertBodiesDescribed(doc);
        assertThat(OpenApiDocs.schemaProperties(doc, "FileDetails")).contains("creatorId", "mimetype",
                "creationTimestamp");
        assertThat(OpenApiDocs.propertyNames(doc)).noneMatch(name -> name.contains("_"));
    }
}
