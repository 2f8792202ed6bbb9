package dev.medbase.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.testing.OpenApiDocs;

/** auth-service's OpenAPI document (what Swagger UI shows through the gateway): every endpoint, in the wire casing. */
class OpenApiDocumentTest extends AuthIntegrationTest {

    @Autowired
    ApplicationContext context;

    @Test
    void documentsEveryEndpointInCamelCaseButTheTokenEndpoint() {
        JsonNode doc = OpenApiDocs.assertDocumentsEveryEndpoint(context, port);
        OpenApiDocs.assertBodiesDescribed(doc);
        assertThat(OpenApiDocs.schemaProperties(doc, "Application")).contains("redirectUris", "creationTimestamp");
        // the OAuth2 token endpoint answers in snake_case, as RFC 6749 and ExH do
        assertThat(OpenApiDocs.schemaProperties(doc, "TokenResponse")).contains("access_token", "refresh_token");
    }
}
