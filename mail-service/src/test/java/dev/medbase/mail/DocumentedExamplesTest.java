package dev.medbase.mail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

import dev.medbase.mail.support.ApiTest;
import dev.medbase.platform.testing.OpenApiDocs;

/**
 * The request examples of mail-service's OpenAPI document are accepted by the real endpoints: v1 and v2 templates
 * (created, updated, resolved) and a mail sent with the v2 template; every key of each answer is one the document
 * names.
 */
class DocumentedExamplesTest extends ApiTest {

    @Autowired
    ApplicationContext context;

    private JsonNode doc;

    @Test
    void everyDocumentedRequestExampleIsAccepted() {
        doc = OpenApiDocs.fetchDocument(context, port);
        String v1 = sendExample("POST", "/templates/v1").path("id").asString();
        sendExample("PUT", "/templates/v1/{templateId}", v1);
        assertThat(sendExample("POST", "/templates/v1/{templateId}/resolve", v1).path("body").asString())
                .isEqualTo("Hello Jan, bestelling 1234 is klaar.");

        String v2 = sendExample("POST", "/templates/v2").path("name").asString();
        sendExample("PUT", "/templates/v2/{templateIdOrName}", v2);
        assertThat(sendExample("POST", "/templates/v2/{templateIdOrName}/resolve", v2).path("subject").asString())
                .isEqualTo("Your appointment at 10:30");

        JsonNode mail = sendExample("POST", "/mail/v1");
        assertThat(mail.path("subject").asString()).isEqualTo("Your appointment at 10:30");
        assertThat(mail.path("status").asString()).isEqualTo("queued");
    }

    /** Sends the documented example of an operation (path variables in order) as the admin; 200 and documented. */
    private JsonNode sendExample(String method, String template, String... variables) {
        return OpenApiDocs.sendExample(doc, (m, path, json) -> send(m, path, ADMIN, json, "application/json", null)
                .expect(200).json(), method, template, variables);
    }
}
