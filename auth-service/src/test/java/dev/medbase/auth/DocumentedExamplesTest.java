package dev.medbase.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.testing.OpenApiDocs;

/**
 * The request examples of auth-service's main create and update endpoints (applications and their versions, OpenID
 * Connect providers) are accepted by the real endpoints, and every key of each answer is one the document names.
 */
class DocumentedExamplesTest extends AuthIntegrationTest {

    @Autowired
    ApplicationContext context;

    private JsonNode doc;
    private String admin;

    @Test
    void theMainDocumentedRequestExamplesAreAccepted() throws Exception {
        doc = OpenApiDocs.fetchDocument(context, port);
        admin = adminToken();
        String application = sendExample("POST", "/auth/v2/applications").path("id").asString();
        assertThat(sendExample("POST", "/auth/v2/applications/{id}/versions", application).path("clientId")
                .asString()).isNotEmpty();
        assertThat(sendExample("PUT", "/auth/v2/applications/{id}", application).path("affectedRecords").asLong())
                .isEqualTo(1);

        String provider = sendExample("POST", "/auth/v2/oidc/providers").path("id").asString();
        sendExample("PUT", "/auth/v2/oidc/providers/{id}", provider);
    }

    /** Sends the documented example of an operation (path variables in order) as the admin; 200 and documented. */
    private JsonNode sendExample(String method, String template, String... variables) throws Exception {
        return OpenApiDocs.sendExample(doc, (m, path, json) -> {
            Response r = send(m, path, "application/json", json, "Authorization", bearer(admin));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            return r.body();
        }, method, template, variables);
    }
}
