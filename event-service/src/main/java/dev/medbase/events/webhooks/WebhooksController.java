package dev.medbase.events.webhooks;

import java.util.Map;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import dev.medbase.events.web.Bson;
import dev.medbase.platform.openapi.ApiBody;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;

/**
 * Webhooks, a Medbase extension under {@code /events/v1/webhooks} (snake_case and epoch-ms timestamps like the rest
 * of the events service). Permissions: {@code VIEW_WEBHOOKS}, {@code CREATE_WEBHOOKS}, {@code UPDATE_WEBHOOKS} (also
 * secret rotation, replays and retries), {@code DELETE_WEBHOOKS}.
 */
@RestController
class WebhooksController {

    private final Webhooks webhooks;
    private final WebhookDeliveries deliveries;
    private final WebhookWorkers workers;

    WebhooksController(Webhooks webhooks, WebhookDeliveries deliveries, WebhookWorkers workers) {
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.workers = workers;
    }

    @ApiBody(page = WebhookDocs.Webhook.class)
    @GetMapping({"/events/v1/webhooks", "/events/v1/webhooks/"})
    PageEnvelope<Map<String, Object>> find(Caller caller, RqlQuery rql) {
        caller.requirePermission("VIEW_WEBHOOKS");
        return webhooks.find(rql);
    }

    @ApiBody(request = WebhookDocs.NewWebhook.class, response = WebhookDocs.Webhook.class)
    @PostMapping({"/events/v1/webhooks", "/events/v1/webhooks/"})
    Map<String, Object> create(Caller caller, @RequestBody(required = false) JsonNode body) {
        caller.requirePermission("CREATE_WEBHOOKS");
        return webhooks.create(body);
    }

    @ApiBody(request = WebhookDocs.WebhookChanges.class, response = WebhookDocs.Webhook.class)
    @PutMapping("/events/v1/webhooks/{webhookId}")
    Map<String, Object> update(Caller caller, @PathVariable String webhookId,
                               @RequestBody(required = false) JsonNode body) {
        caller.requirePermission("UPDATE_WEBHOOKS");
        Map<String, Object> updated = webhooks.update(webhookId, body);
        workers.wakeUp();
        return updated;
    }

    @ApiBody(response = WebhookDocs.RecordsAffected.class)
    @DeleteMapping("/events/v1/webhooks/{webhookId}")
    Map<String, Object> delete(Caller caller, @PathVariable String webhookId) {
        caller.requirePermission("DELETE_WEBHOOKS");
        return webhooks.delete(webhookId);
    }

    @ApiBody(response = WebhookDocs.Secret.class)
    @PostMapping("/events/v1/webhooks/{webhookId}/secret")
    Map<String, Object> rotateSecret(Caller caller, @PathVariable String webhookId) {
        caller.requirePermission("UPDATE_WEBHOOKS");
        return webhooks.rotateSecret(webhookId);
    }

    @ApiBody(page = WebhookDocs.Delivery.class)
    @GetMapping({"/events/v1/webhooks/{webhookId}/deliveries", "/events/v1/webhooks/{webhookId}/deliveries/"})
    PageEnvelope<Map<String, Object>> deliveries(Caller caller, @PathVariable String webhookId, RqlQuery rql) {
        caller.requirePermission("VIEW_WEBHOOKS");
        return deliveries.find(webhooks.require(Bson.id(webhookId)).getObjectId("_id"), rql);
    }

    @ApiBody(response = WebhookDocs.Delivery.class)
    @PostMapping("/events/v1/webhooks/{webhookId}/deliveries/{deliveryId}/retry")
    Map<String, Object> retry(Caller caller, @PathVariable String webhookId, @PathVariable String deliveryId) {
        caller.requirePermission("UPDATE_WEBHOOKS");
        Map<String, Object> retried =
                deliveries.retry(webhooks.require(Bson.id(webhookId)).getObjectId("_id"), deliveryId);
        workers.wakeUp();
        return retried;
    }

    @ApiBody(request = WebhookDocs.Replay.class, response = WebhookDocs.ReplayQueued.class)
    @PostMapping("/events/v1/webhooks/{webhookId}/replay")
    Map<String, Object> replay(Caller caller, @PathVariable String webhookId,
                               @RequestBody(required = false) JsonNode body) {
        caller.requirePermission("UPDATE_WEBHOOKS");
        Map<String, Object> replay = deliveries.replay(webhooks.require(Bson.id(webhookId)), body);
        workers.wakeUp();
        return replay;
    }
}
