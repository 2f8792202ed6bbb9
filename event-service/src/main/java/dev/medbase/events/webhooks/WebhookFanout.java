package dev.medbase.events.webhooks;

import java.util.Date;

import org.bson.Document;
import org.springframework.stereotype.Component;

import dev.medbase.events.store.Redactor;
import dev.medbase.events.web.Bson;
import dev.medbase.platform.events.EventEnvelope;

/**
 * Queues each event of every topic for the enabled webhooks of its type that existed when it happened (older events
 * reach a webhook only by replay). Only MongoDB writes, so a slow endpoint never holds up the consumer; the workers
 * do the sending.
 */
@Component
public class WebhookFanout {

    private final Webhooks webhooks;
    private final WebhookDeliveries deliveries;
    private final WebhookWorkers workers;
    private final Redactor redactor;

    WebhookFanout(Webhooks webhooks, WebhookDeliveries deliveries, WebhookWorkers workers, Redactor redactor) {
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.workers = workers;
        this.redactor = redactor;
    }

    public void handle(EventEnvelope event) {
        Document body = null;
        boolean queued = false;
        for (Document webhook : webhooks.forEventType(event.type())) {
            Date created = webhook.getDate("creation_timestamp");
            if (created != null && event.time().isBefore(created.toInstant())) {
                continue;
            }
            if (body == null) {
                body = new Document("id", event.id()).append("type", event.type())
                        .append("content", Bson.document(redactor.redact(event.content())))
                        .append("creation_timestamp", Date.from(event.time()));
            }
            queued |= deliveries.enqueue(webhook.getObjectId("_id"), body, null);
        }
        if (queued) {
            workers.wakeUp();
        }
    }
}
