package dev.medbase.mail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.testing.OpenApiDocs;
import dev.medbase.mail.support.ApiTest;

/** mail-service's OpenAPI document (what Swagger UI shows through the gateway): every endpoint, in the wire casing. */
class OpenApiDocumentTest extends ApiTest {

    @Autowired
    ApplicationContext context;

    @Test
    void documentsEveryEndpoint() {
        JsonNode doc = OpenApiDocs.assertDocumentsEveryEndpoint(context, port);
        // mails and templates are free-form JSON trees: documented as any JSON, not as Java beans
        assertThat(OpenApiDocs.propertyNames(doc)).doesNotContain("nodeType");
        assertThat(doc.path("paths").propertyNames()).anyMatch(path -> path.startsWith("/templates/v2"));
    }
}
