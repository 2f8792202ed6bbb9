package dev.medbase.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

import dev.medbase.data.testing.DataApiTest;
import dev.medbase.platform.testing.OpenApiDocs;

/** data-service's OpenAPI document (what Swagger UI shows through the gateway): every endpoint, in the wire casing. */
class OpenApiDocumentTest extends DataApiTest {

    @Autowired
    ApplicationContext context;

    @Test
    void documentsEveryEndpoint() {
        JsonNode doc = OpenApiDocs.assertDocumentsEveryEndpoint(context, port);
        // the controllers bind JSON trees; @ApiBody documents them with the wire shapes, all camelCase
        OpenApiDocs.assertBodiesDescribed(doc);
        assertThat(OpenApiDocs.schemaProperties(doc, "Document")).contains("userIds", "statusChangedTimestamp",
                "data");
        assertThat(OpenApiDocs.schemaProperties(doc, "AffectedRecords")).containsExactly("affectedRecords");
        assertThat(OpenApiDocs.propertyNames(doc)).noneMatch(name -> name.contains("_"));
    }
}
