package dev.medbase.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.testing.OpenApiDocs;

/**
 * The JSON request examples of file-service's OpenAPI document are accepted by the real endpoints (the settings and
 * a new access token; files themselves are uploaded as multipart or tus, not JSON).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DocumentedExamplesTest extends FilesTestBase {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        infra(registry, "files-examples");
    }

    @Autowired
    ApplicationContext context;

    @Test
    void everyDocumentedJsonRequestExampleIsAccepted() throws Exception {
        JsonNode doc = OpenApiDocs.fetchDocument(context, port);
        JsonNode settings = accepted(doc, "PUT", "/files/v1/settings", "/files/v1/settings", admin());
        assertThat(settings.path("affectedRecords").asLong()).isEqualTo(1);

        String token = fullToken(uploadOk("report.pdf", "application/pdf",
                "%PDF-1.4 report".getBytes(StandardCharsets.UTF_8)));
        JsonNode created = accepted(doc, "POST", "/files/v1/{token}/tokens", "/files/v1/" + token + "/tokens",
                user());
        assertThat(created.path("accessLevel").asString()).isEqualTo("read");
    }

    private JsonNode accepted(JsonNode doc, String method, String template, String path, String bearer)
            throws Exception {
        HttpResponse<String> r = send(method, path, bearer,
                OpenApiDocs.requestExample(doc, method, template).toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        OpenApiDocs.assertResponseDocumented(doc, method, template, answer);
        return answer;
    }
}
