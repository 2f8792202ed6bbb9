package dev.medbase.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.testing.OpenApiDocs;

/** event-service's OpenAPI document (what Swagger UI shows through the gateway): every endpoint, in the wire casing. */
class OpenApiDocumentTest extends EventServiceTest {

    @Autowired
    ApplicationContext context;

    @Test
    void documentsEveryEndpoint() {
        JsonNode doc = OpenApiDocs.assertDocumentsEveryEndpoint(context, port);
        // events, dispatchers and webhooks are free-form JSON trees: documented as any JSON, not as Java beans
        assertThat(OpenApiDocs.propertyNames(doc)).doesNotContain("nodeType", "timeout");
        assertThat(doc.path("paths").propertyNames()).contains("/events/v1/", "/dispatchers/v1/");
    }
}
