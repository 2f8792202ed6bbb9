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
        // the controllers bind JSON trees; @ApiBody documents them with the wire shapes: snake_case events,
        // subscriptions and webhooks, camelCase dispatchers
        OpenApiDocs.assertBodiesDescribed(doc);
        assertThat(OpenApiDocs.schemaProperties(doc, "Event")).contains("creation_timestamp");
        assertThat(OpenApiDocs.schemaProperties(doc, "Webhook")).contains("event_types");
        assertThat(OpenApiDocs.schemaProperties(doc, "Dispatcher")).contains("eventType", "creationTimestamp");
        assertThat(OpenApiDocs.propertyNames(doc)).doesNotContain("nodeType", "timeout");
        assertThat(doc.path("paths").propertyNames()).contains("/events/v1/", "/dispatchers/v1/");
    }
}
