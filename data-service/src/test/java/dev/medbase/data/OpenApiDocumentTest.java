package dev.medbase.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.testing.OpenApiDocs;
import dev.medbase.data.testing.DataApiTest;

/** data-service's OpenAPI document (what Swagger UI shows through the gateway): every endpoint, in the wire casing. */
class OpenApiDocumentTest extends DataApiTest {

    @Autowired
    ApplicationContext context;

    @Test
    void documentsEveryEndpoint() {
        JsonNode doc = OpenApiDocs.assertDocumentsEveryEndpoint(context, port);
        // documents, schemas and comments are free-form JSON trees: documented as any JSON, not as a Java bean
        assertThat(OpenApiDocs.propertyNames(doc)).containsOnly("code", "name", "message", "page", "data", "total",
                "offset", "limit");
    }
}
