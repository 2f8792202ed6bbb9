package dev.medbase.events.store;

import java.util.Collection;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

import dev.medbase.platform.events.EventEnvelope;
import dev.medbase.platform.events.EventHandler;
import dev.medbase.platform.events.EventTopics;

/**
 * The event store: every event of every service's topic is kept once, by its id (ARCHITECTURE §6), in the
 * collection {@code events} as {@code {_id, type, content, creation_timestamp, source, aggregate_id}} — the ExH event
 * object plus where it came from. A redelivered event hits the same {@code _id} and is ignored.
 */
@Component
public class EventStore implements EventHandler {

    static final String COLLECTION = "events";
    /** Every producing service's topic (ARCHITECTURE §6), and custom events posted to the events API. */
    static final List<String> SOURCES = List.of("auth", "users", "data", "files", "tasks", "mail", "custom");

    private final MongoTemplate mongo;

    public EventStore(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @Override
    public Collection<String> topics() {
        return SOURCES.stream().map(EventTopics::forSource).toList();
    }

    @Override
    public void handle(EventEnvelope event) {
        Document document = new Document("_id", ObjectId.isValid(event.id()) ? new ObjectId(event.id()) : event.id())
                .append("type", event.type())
                .append("content", new Document(event.content()))
                .append("creation_timestamp", Date.from(event.time()))
                .append("source", event.source())
                .append("aggregate_id", event.aggregateId());
        try {
            mongo.insert(document, COLLECTION);
        } catch (DuplicateKeyException alreadyStored) {
            // at-least-once delivery: the same event again changes nothing
        }
    }
}
