package dev.medbase.events;

import java.util.Collection;

import org.springframework.stereotype.Component;

import dev.medbase.events.dispatchers.DispatcherExecutor;
import dev.medbase.events.store.EventStore;
import dev.medbase.events.webhooks.WebhookFanout;
import dev.medbase.platform.events.EventEnvelope;
import dev.medbase.platform.events.EventHandler;

/**
 * event-service's one consumer of every service's topic (ARCHITECTURE §6): each event is stored, then runs the
 * dispatchers of its type, then is queued for the webhooks of its type. One handler, so the consumer's dedupe costs
 * one lookup and one record per event, not three. Each step is idempotent on its own (the store by event id, dispatch
 * records by (dispatcher, action, event), deliveries by (webhook, event)), so when a step fails and the event is
 * retried, the steps that had succeeded change nothing the second time.
 */
@Component
class EventIngest implements EventHandler {

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

    @Override
    public String name() {
        return "EventStore"; // the name processed events were recorded under before the steps were joined
    }

    @Override
    public void handle(EventEnvelope event) {
        store.store(event);
        dispatchers.handle(event);
        webhooks.handle(event);
    }
}
