package dev.medbase.events;

import java.util.Collection;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.medbase.events.dispatchers.DispatcherExecutor;
import dev.medbase.events.store.EventStore;
import dev.medbase.events.webhooks.WebhookFanout;
import dev.medbase.platform.events.BatchEventHandler;
import dev.medbase.platform.events.EventEnvelope;

/**
 * event-service's one consumer of every service's topic (ARCHITECTURE §6): the events of a poll are stored together
 * (one bulk insert, one sequence increment), then each runs the dispatchers of its type and is queued for the webhooks
 * of its type. Each
 * step is idempotent on its own (the store by event id, dispatch records by (dispatcher, action, event), deliveries
 * by (webhook, event)), so when a step fails and the events are retried (one by one, to find the failing one), the
 * steps that had succeeded change nothing the second time.
 */
@Component
class EventIngest implements BatchEventHandler {

    private final EventStore store;
    private final DispatcherExecutor dispatchers;
    private final WebhookFanout webhooks;

    EventIngest(EventStore store, DispatcherExecutor dispatchers, WebhookFanout webhooks) {
        this.store = store;
        this.dispatchers = dispatchers;
        this.webhooks = webhooks;
    }

    @Override
    public Collection<String> topics() {
        return EventStore.topicsOf(EventStore.SOURCES);
    }

    /** Every step is keyed by the event id (see above), so the consumer's processed-events records would be a
     *  second, redundant dedupe: two writes per poll saved. */
    @Override
    public boolean idempotentByEventId() {
        return true;
    }

    @Override
    public String name() {
        return "EventStore"; // the name processed events were recorded under before the steps were joined
    }

    @Override
    public void handleAll(List<EventEnvelope> events) {
        store.storeAll(events);
        for (EventEnvelope event : events) {
            dispatchers.handle(event);
            webhooks.handle(event);
        }
    }
}
