package dev.medbase.users;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.testing.OpenApiDocs;
import dev.medbase.users.support.ApiTest;

/** user-service's OpenAPI document (what Swagger UI shows through the gateway): every endpoint, in the wire casing. */
class OpenApiDocumentTest extends ApiTest {

    @Autowired
    ApplicationContext context;

    @Test
    void documentsEveryEndpointInSnakeCase() {
        JsonNode doc = OpenApiDocs.assertDocumentsEveryEndpoint(context, port);
        OpenApiDocs.assertBodiesDescribed(doc);
        assertThat(OpenApiDocs.schemaProperties(doc, "User")).contains("first_name", "phone_number", "time_zone");
        assertThat(OpenApiDocs.schemaProperties(doc, "AffectedRecords")).containsExactly("records_affected");
        assertThat(OpenApiDocs.propertyNames(doc)).noneMatch(name -> name.matches(".*[a-z][A-Z].*"));
    }
}
