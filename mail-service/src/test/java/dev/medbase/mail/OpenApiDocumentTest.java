package dev.medbase.mail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

import dev.medbase.mail.support.ApiTest;
import dev.medbase.platform.testing.OpenApiDocs;

/** mail-service's OpenAPI document (what Swagger UI shows through the gateway): every endpoint, in the wire casing. */
class OpenApiDocumentTest extends ApiTest {

    @Autowired
    ApplicationContext context;

    @Test
    void documentsEveryEndpoint() {
        JsonNode doc = OpenApiDocs.assertDocumentsEveryEndpoint(context, port);
        // the controllers bind JSON trees; @ApiBody documents them with the wire shapes: snake_case mails and v1
        // resolve requests, camelCase templates and queued mails
        OpenApiDocs.assertBodiesDescribed(doc);
        assertThat(OpenApiDocs.schemaProperties(doc, "NewMail")).contains("template_name", "reply_to");
        assertThat(OpenApiDocs.schemaProperties(doc, "TemplateV2")).contains("creationTimestamp");
        assertThat(OpenApiDocs.propertyNames(doc)).doesNotContain("nodeType");
        JsonNode pixel = doc.path("paths").path("/mail/v1/{trackingHash}/open").path("get").path("responses")
                .path("200").path("content");
        assertThat(pixel.propertyNames()).containsExactlyInAnyOrder("image/gif", "application/json");
        assertThat(pixel.path("application/json").path("schema").path("$ref").asString())
                .isEqualTo("#/components/schemas/AffectedRecords");
        assertThat(doc.path("paths").propertyNames()).anyMatch(path -> path.startsWith("/templates/v2"));
    }
}
