package dev.medbase.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.testing.OpenApiDocs;
import dev.medbase.platform.testing.TestTokens;

/**
 * The request examples of event-service's OpenAPI document are accepted by the real endpoints (events,
 * subscriptions, dispatchers and their actions, webhooks and replays), and every key of each answer is one the
 * document names.
 */
class DocumentedExamplesTest extends EventServiceTest {

    static final String ADMIN = TestTokens.withPermissions("CREATE_EVENTS", "VIEW_EVENTS", "CREATE_SUBSCRIPTIONS",
            "VIEW_DISPATCHERS", "CREATE_DISPATCHERS", "UPDATE_DISPATCHERS", "CREATE_WEBHOOKS", "UPDATE_WEBHOOKS",
            "VIEW_WEBHOOKS");

    @Autowired
    ApplicationContext context;

    private JsonNode doc;

    @Test
    void everyDocumentedRequestExampleIsAccepted() {
        doc = OpenApiDocs.fetchDocument(context, port);
        assertThat(sendExample("POST", "/events/v1/").path("type").asString()).isEqualTo("device_paired");
        sendExample("POST", "/events/v1/subscriptions");

        String dispatcher = sendExample("POST", "/dispatchers/v1/").path("id").asString();
        assertThat(sendExample("PUT", "/dispatchers/v1/{dispatcherId}", dispatcher).path("affectedRecords").asLong())
                .isEqualTo(1);
        String action = sendExample("POST", "/dispatchers/v1/{dispatcherId}/actions", dispatcher).path("id")
                .asString();
        sendExample("PUT", "/dispatchers/v1/{dispatcherId}/actions/{actionId}", dispatcher, action);

        String webhook = sendExample("POST", "/events/v1/webhooks").path("id").asString();
        sendExample("PUT", "/events/v1/webhooks/{webhookId}", webhook);
        sendExample("POST", "/events/v1/webhooks/{webhookId}/replay", webhook);
    }

    /** Sends the documented example of an operation (path variables in order); 200 and documented. */
    private JsonNode sendExample(String method, String template, String... variables) {
        return OpenApiDocs.sendExample(doc, (m, path, json) -> send(m, path, ADMIN, json, "application/json")
                .assertOk().body(), method, template, variables);
    }
}
