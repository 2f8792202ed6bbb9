package dev.medbase.platform.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.bson.types.ObjectId;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * How a service publishes an event: {@code events.publish("user_created", user.id(), Map.of("id", user.id()))}.
 * The event is written to the service's outbox (its own MongoDB), never straight to Kafka, so publishing works, and
 * returns at once, while Kafka is down; the {@linkplain OutboxRelay relay} sends it to {@code medbase.<source>}.
 *
 * <p>Call it right after the state change it reports has been written. Inside {@code @Transactional} on a MongoDB
 * replica set ({@link dev.medbase.platform.mongo.MongoTransactions}) the outbox write joins the transaction, so the
 * change and its event commit together; mongo-java-server has no transactions, so there a crash between the two
 * writes loses the event (see the package documentation).
 */
public class EventPublisher {

    /** Kafka's default maximum record is 1 MiB; keep well clear of it so the relay never meets a record it can't send. */
    public static final int MAX_CONTENT_BYTES = 900 * 1024;

    private final OutboxStore outbox;
    private final EventCodec codec;
    private final String source;
    private final Handover relay;

    /** Where a stored event goes next: the {@link OutboxRelay} of this process, if it runs one. */
    interface Handover {
        /**
         * The record to store for a new event: as it is (waiting for any relay's claim), or already claimed by this
         * process's relay, which then sends it without reading it back.
         */
        default OutboxRecord toStore(OutboxRecord pending) {
            return pending;
        }

        /** The record is stored, and its transaction, if any, committed: send it soon. */
        void stored(OutboxRecord record);
    }

    EventPublisher(OutboxStore outbox, EventCodec codec, String source, Handover relay) {
        this.outbox = outbox;
        this.codec = codec;
        this.source = source;
        this.relay = relay;
    }

    /**
     * Publishes a new event from this service.
     *
     * @param type        ExH event type, e.g. {@code user_created}
     * @param aggregateId the entity it is about (the Kafka key: one entity's events stay in order); {@code null} makes
     *                    the event its own aggregate
     * @param content     a map, record or bean that serialises to a JSON object; {@code null} means {@code {}}
     * @return the stored event, with its new id
     * @throws IllegalArgumentException if the content is not a JSON object or is larger than {@link #MAX_CONTENT_BYTES}
     */
    public EventEnvelope publish(String type, String aggregateId, Object content) {
        String json = codec.writeContent(content);
        String id = new ObjectId().toHexString();
        EventEnvelope event = new EventEnvelope(id, type, source, Instant.now().truncatedTo(ChronoUnit.MILLIS),
                aggregateId == null ? id : aggregateId, codec.readContent(json));
        store(event, json);
        return event;
    }

    /**
     * Publishes a given event, e.g. a custom event the events service accepts (source {@code custom} → topic
     * {@code medbase.custom}). Idempotent while the event waits in the outbox: the same id is stored once. Published
     * again after it was sent, it is sent again, and consumers drop the duplicate.
     */
    public EventEnvelope publish(EventEnvelope event) {
        store(event, codec.writeContent(event.content()));
        return event;
    }

    private void store(EventEnvelope event, String json) {
        int size = json.getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_CONTENT_BYTES) {
            throw new IllegalArgumentException(
                    "Event content is " + size + " bytes; the limit is " + MAX_CONTENT_BYTES);
        }
        OutboxRecord record = relay.toStore(OutboxRecord.pending(event, json));
        if (!outbox.add(record)) {
            return; // the same event waits already, as whoever stored it left it
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    relay.stored(record);
                }
            });
        } else {
            relay.stored(record);
        }
    }
}
