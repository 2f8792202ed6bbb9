package dev.medbase.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

import dev.medbase.data.testing.DataApiTest;
import dev.medbase.platform.testing.OpenApiDocs;

/**
 * The request examples of data-service's OpenAPI document are accepted by the real endpoints: each is sent as
 * documented, in the order of the story they tell (a blood-pressure schema, its parts, a document and its
 * sub-resources), and every key of each answer is one the document names.
 */
class DocumentedExamplesTest extends DataApiTest {

    @Autowired
    ApplicationContext context;

    private JsonNode doc;

    @Test
    void everyDocumentedRequestExampleIsAccepted() {
        doc = OpenApiDocs.fetchDocument(context, port);
        String schema = sendExample("POST", "/data/v1/").path("name").asString();
        sendExample("PUT", "/data/v1/{schema}", schema);
        sendExample("POST", "/data/v1/{schema}/properties", schema);
        sendExample("PUT", "/data/v1/{schema}/properties/{path}", schema, "heartRate");
        sendExample("POST", "/data/v1/{schema}/statuses", schema);
        sendExample("PUT", "/data/v1/{schema}/statuses/{name}", schema, "archived");
        sendExample("PUT", "/data/v1/{schema}/creationTransition", schema);
        String transition = sendExample("POST", "/data/v1/{schema}/transitions", schema).path("id").asString();
        sendExample("PUT", "/data/v1/{schema}/transitions/{transitionId}", schema, transition);
        sendExample("POST", "/data/v1/{schema}/indexes", schema);

        String id = sendExample("POST", "/data/v1/{schema}/documents", schema).path("id").asString();
        assertThat(sendExample("PUT", "/data/v1/{schema}/documents/{id}", schema, id).path("affectedRecords").asLong())
                .isEqualTo(1);
        assertThat(sendExample("POST", "/data/v1/{schema}/documents/{id}/transition", schema, id).path("affectedRecords")
                .asLong()).isEqualTo(1);
        sendExample("POST", "/data/v1/{schema}/documents/{id}/deleteFields", schema, id);
        sendExample("POST", "/data/v1/{schema}/documents/{id}/linkUsers", schema, id);
        sendExample("POST", "/data/v1/{schema}/documents/{id}/unlinkUsers", schema, id);
        sendExample("POST", "/data/v1/{schema}/documents/{id}/linkGroups", schema, id);
        sendExample("POST", "/data/v1/{schema}/documents/{id}/unlinkGroups", schema, id);
        String medication = sendExample("POST", "/data/v1/{schema}/documents/{id}/{arrayField}/", schema, id, "medications")
                .path("id").asString();
        sendExample("PUT", "/data/v1/{schema}/documents/{id}/{arrayField}/{objectId}", schema, id, "medications",
                medication);
        String comment = sendExample("POST", "/data/v1/{schema}/documents/{id}/comments", schema, id).path("id").asString();
        sendExample("PUT", "/data/v1/{schema}/documents/{id}/comments/{commentId}", schema, id, comment);

        JsonNode stored = get("/data/v1/" + schema + "/documents?eq(id," + id + ")", ADMIN_TOKEN).expect(200).json();
        OpenApiDocs.assertResponseDocumented(doc, "GET", "/data/v1/{schema}/documents", stored);
        JsonNode document = stored.path("data").path(0);
        assertThat(document.path("status").asString()).isEqualTo("reviewed");
        assertThat(document.path("data").path("medications").path(0).path("dose").asString()).isEqualTo("20 mg");
        OpenApiDocs.assertResponseDocumented(doc, "POST", "/data/v1/{schema}/documents", document);
    }

    /** Sends the documented example of an operation (path variables in order) as the admin; 200 and documented. */
    private JsonNode sendExample(String method, String template, String... variables) {
        return OpenApiDocs.sendExample(doc, (m, path, json) -> send(m, path, ADMIN_TOKEN, json, "application/json", null)
                .expect(200).json(), method, template, variables);
    }
}
