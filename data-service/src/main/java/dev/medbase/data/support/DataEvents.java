package dev.medbase.data.support;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import dev.medbase.platform.events.EventPublisher;

/**
 * Publishes the data service's events through the platform outbox (topic {@code medbase.data}); the catalogue is in
 * {@code docs/events-data.md}. Publishing happens after the change it reports has been written.
 */
@Component
public class DataEvents {

    private static final Logger log = LoggerFactory.getLogger(DataEvents.class);
    private final ObjectProvider<EventPublisher> publisher;

    public DataEvents(ObjectProvider<EventPublisher> publisher) {
        this.publisher = publisher;
    }

    public void publish(String type, String aggregateId, Map<String, Object> content) {
        EventPublisher events = publisher.getIfAvailable();
        if (events == null) {
            log.debug("Events are off (medbase.events.source unset): {} not published", type);
            return;
        }
        try {
            events.publish(type, aggregateId, content);
        } catch (IllegalArgumentException e) {
            // content over the event size limit: the change is done, say so without the details
            log.warn("Event {} for {} not published: {}", type, aggregateId, e.getMessage());
        }
    }
}
