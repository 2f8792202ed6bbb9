package dev.medbase.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.testing.OpenApiDocs;
import dev.medbase.tasks.testing.TaskApiTest;

/**
 * The request examples of task-service's OpenAPI document are accepted by the real endpoints: a Node.js function
 * (its example code is a real zip), a task for it, a schedule, a direct execution that really runs the code; every
 * key of each answer is one the document names.
 */
class DocumentedExamplesTest extends TaskApiTest {

    @Autowired
    ApplicationContext context;

    private JsonNode doc;

    @Test
    void everyDocumentedRequestExampleIsAccepted() {
        doc = OpenApiDocs.fetchDocument(context, port);
        String function = sendExample("POST", "/tasks/v1/functions").path("name").asString();
        sendExample("PUT", "/tasks/v1/functions/{name}", function);

        JsonNode task = sendExample("POST", "/tasks/v1");
        assertThat(task.path("functionName").asString()).isEqualTo(function);
        assertThat(sendExample("POST", "/tasks/v1/{taskId}/cancel", task.path("id").asString())
                .path("affectedRecords").asLong()).isEqualTo(1);
        assertThat(sendExample("POST", "/tasks/v1/schedules").path("functionName").asString()).isEqualTo(function);

        JsonNode executed = sendExample("POST", "/tasks/v1/functions/{functionName}/execute", function);
        assertThat(executed.path("status").asString()).as(executed.toString()).isEqualTo("complete");
        assertThat(executed.path("result").path("greeting").asString()).isEqualTo("Hello Ada");
    }

    /** Sends the documented example of an operation (path variables in order) as the admin; 200 and documented. */
    private JsonNode sendExample(String method, String template, String... variables) {
        return OpenApiDocs.sendExample(doc, (m, path, json) -> send(m, path, ADMIN, json).expect(200).json(), method,
                template, variables);
    }
}
