package dev.medbase.platform.events;

import java.time.Instant;

import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.data.mongodb.core.mapping.FieldType;
import org.springframework.data.mongodb.core.mapping.MongoId;

/**
 * An event waiting in the outbox (collection {@value OutboxStore#COLLECTION}) to be published.
 *
 * @param id          the event id (also the document id, so publishing the same event twice stores it once)
 * @param topic       where it goes, {@code medbase.<source>}
 * @param content     the content JSON exactly as it will be sent (serialised when published, so a bad value fails the
 *                    caller, not the relay)
 * @param availableAt when a relay may claim it next: the creation time, then the end of a claim's lease
 * @param owner       the relay that last claimed it
 * @param attempts    how many times a relay claimed it
 * @param lastError   why the last attempt failed, for whoever looks at a stuck outbox
 */
@Document(OutboxStore.COLLECTION)
record OutboxRecord(
        @MongoId(FieldType.STRING) String id,
        String topic,
        String type,
        String source,
        Instant time,
        String aggregateId,
        String content,
        Instant availableAt,
        String owner,
        int attempts,
        String lastError) {

    static OutboxRecord pending(EventEnvelope event, String contentJson) {
        return new OutboxRecord(event.id(), event.topic(), event.type(), event.source(), event.time(),
                event.aggregateId(), contentJson, event.time(), null, 0, null);
    }

    /**
     * The stored form, as Spring Data would map this record (nulls left out, instants as dates), built by hand: an
     * insert per published event is cheaper without the mapping layer.
     */
    org.bson.Document toDocument() {
        org.bson.Document d = new org.bson.Document("_id", id).append("topic", topic).append("type", type)
                .append("source", source).append("time", java.util.Date.from(time))
                .append("aggregateId", aggregateId).append("content", content)
                .append("availableAt", java.util.Date.from(availableAt));
        if (owner != null) {
            d.append("owner", owner);
        }
        d.append("attempts", attempts);
        if (lastError != null) {
            d.append("lastError", lastError);
        }
        return d;
    }

    /** This event as claimed by {@code owner} until {@code leaseEnd} (its first attempt). */
    OutboxRecord claimedBy(String owner, Instant leaseEnd) {
        return new OutboxRecord(id, topic, type, source, time, aggregateId, content, leaseEnd, owner, attempts + 1,
                lastError);
    }
}
