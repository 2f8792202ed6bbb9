package dev.medbase.events.webhooks;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import dev.medbase.events.EventServiceProperties;

/**
 * The delivery workers of this replica: {@code medbase.events.webhooks.workers} threads, each claiming one due
 * delivery at a time from the queue ({@link WebhookDeliveries}) and POSTing it. At most
 * {@code per-webhook-concurrency} deliveries of one webhook are in flight here at once, so a slow or failing endpoint
 * holds that many workers and the others keep serving the other webhooks. Event storage never waits for any of this:
 * the fan-out only writes to the queue.
 */
@Component
public class WebhookWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookWorkers.class);

    private final WebhookDeliveries deliveries;
    private final WebhookSender sender;
    private final MongoTemplate mongo;
    private final JsonMapper json;
    private final Clock clock;
    private final EventServiceProperties.Webhooks settings;
    private final String owner = "webhooks-" + new ObjectId().toHexString();
    private final Map<ObjectId, Integer> inFlight = new HashMap<>(); // guarded by this
    private final Object idle = new Object();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private boolean wakeRequested; // guarded by idle

    public WebhookWorkers(WebhookDeliveries deliveries, WebhookSender sender, MongoTemplate mongo, JsonMapper json,
                          Clock clock,
                          EventServiceProperties properties) {
        this.deliveries = deliveries;
        this.sender = sender;
        this.mongo = mongo;
        this.json = json;
        this.clock = clock;
        this.settings = properties.webhooks();
    }

    /** New deliveries are queued: idle workers look at once. */
    public void wakeUp() {
        synchronized (idle) {
            wakeRequested = true;
            idle.notifyAll();
        }
    }

    private void work() {
        while (running) {
            try {
                Document delivery = claim();
                if (delivery == null) {
                    waitForWork();
                    continue;
                }
                try {
                    deliver(delivery);
                } finally {
                    release(delivery.getObjectId("webhook_id"));
                }
            } catch (RuntimeException e) {
                if (running) {
                    log.warn("Webhook worker: {}", e.toString());
                    waitForWork();
                }
            }
        }
    }

    /** Claims under this replica's lock, so the per-webhook limit holds between its own threads. */
    private synchronized Document claim() {
        Set<ObjectId> busy = inFlight.entrySet().stream().filter(e -> e.getValue() >= settings.perWebhookConcurrency())
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        Document delivery = deliveries.claim(owner, busy);
        if (delivery != null) {
            inFlight.merge(delivery.getObjectId("webhook_id"), 1, Integer::sum);
        }
        return delivery;
    }

    private synchronized void release(ObjectId webhookId) {
        inFlight.computeIfPresent(webhookId, (id, n) -> n <= 1 ? null : n - 1);
    }

    private void deliver(Document delivery) {
        ObjectId webhookId = delivery.getObjectId("webhook_id");
        Document webhook = mongo.findOne(query(where("_id").is(webhookId)), Document.class, Webhooks.COLLECTION);
        if (webhook == null) {
            deliveries.drop(delivery);
            return;
        }
        if (!webhook.getBoolean("enabled", true)) {
            deliveries.pause(delivery, owner);
            return;
        }
        String body = json.writeValueAsString(WebhookDeliveries.body(delivery));
        long timestamp = clock.instant().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(WebhookSender.TIMESTAMP, Long.toString(timestamp));
        headers.put(WebhookSender.SIGNATURE, WebhookSender.signature(webhook.getString("secret"), timestamp, body));
        headers.put("X-Medbase-Webhook-Id", webhookId.toHexString());
        headers.put("X-Medbase-Delivery-Id", delivery.getObjectId("_id").toHexString());
        Document event = delivery.get("event", Document.class);
        headers.put("X-Medbase-Event-Id", String.valueOf(event.get("id")));
        headers.put("X-Medbase-Event-Type", String.valueOf(event.get("type")));
        WebhookSender.Result result = sender.post(webhook.getString("url"), body, headers);
        if (!result.delivered()) {
            log.debug("Webhook {} delivery {} failed: {} {}", webhookId, delivery.get("_id"), result.statusCode(),
                    result.error());
        }
        deliveries.record(delivery, owner, result);
    }

    private void waitForWork() {
        synchronized (idle) {
            if (!wakeRequested && running) {
                try {
                    idle.wait(settings.pollInterval().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            wakeRequested = false;
        }
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        for (int i = 0; i < settings.workers(); i++) {
            Thread thread = new Thread(this::work, "webhook-worker-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    @Override
    public void stop() {
        List<Thread> stopping;
        synchronized (this) {
            running = false;
            stopping = new ArrayList<>(threads);
            threads.clear();
        }
        wakeUp();
        for (Thread thread : stopping) {
            try {
                thread.join(settings.responseTimeout().plus(settings.connectTimeout()).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
