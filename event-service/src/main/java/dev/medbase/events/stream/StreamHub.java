package dev.medbase.events.stream;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

import dev.medbase.events.EventServiceProperties;
import dev.medbase.events.store.EventSequence;
import dev.medbase.events.store.StoredEvents;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Follows the event store for the Server-Sent Events streams of this replica. It reads the store, not Kafka, so a
 * stream sees every stored event whichever replica stored it, in store order ({@code seq}), and a client that
 * reconnects with {@code Last-Event-ID} continues right after that event.
 *
 * <p>One thread polls for new sequence numbers and moves a cursor over the contiguous stored prefix; a number taken
 * but not (yet) stored holds the cursor for at most {@code gap-grace}, then counts as lost. Each stream is served by
 * its own task on a pool (a slow client only holds its own task): it reads the events between its position and the
 * cursor that match its filter and writes them out.
 */
@Component
public class StreamHub implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StreamHub.class);

    private final StoredEvents events;
    private final EventSequence sequence;
    private final JsonMapper json;
    private final EventServiceProperties.Stream settings;
    private final Map<Subscriber, Boolean> subscribers = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private volatile long cursor = -1;
    private long gapSeenAt = -1; // nanoTime; touched by the poller only
    private volatile boolean running;
    private Thread poller;
    private ExecutorService senders;

    public StreamHub(StoredEvents events, EventSequence sequence, JsonMapper json, EventServiceProperties properties) {
        this.events = events;
        this.sequence = sequence;
        this.json = json;
        this.settings = properties.stream();
    }

    /** One open stream. */
    private final class Subscriber {
        final SseEmitter emitter;
        final Criteria filter;
        volatile long position;
        volatile long lastWrite = System.nanoTime();
        final AtomicBoolean busy = new AtomicBoolean();

        Subscriber(SseEmitter emitter, Criteria filter, long position) {
            this.emitter = emitter;
            this.filter = filter;
            this.position = position;
        }

        /** Writes what is between its position and the cursor; a heartbeat comment when idle for long. */
        void serve(long upTo) {
            try {
                if (position < upTo) {
                    List<Document> batch = events.range(position, upTo, filter, settings.batchSize());
                    for (Document event : batch) {
                        Map<String, Object> wire = StoredEvents.wire(event);
                        emitter.send(SseEmitter.event().id(String.valueOf(wire.get("id")))
                                .data(json.writeValueAsString(wire)));
                        position = ((Number) event.get("seq")).longValue();
                        lastWrite = System.nanoTime();
                    }
                    if (batch.size() < settings.batchSize()) {
                        position = upTo;
                    }
                }
                if (System.nanoTime() - lastWrite > settings.heartbeat().toNanos()) {
                    emitter.send(SseEmitter.event().comment("keep-alive"));
                    lastWrite = System.nanoTime();
                }
            } catch (IOException | IllegalStateException gone) {
                close(this);
            } catch (RuntimeException e) {
                log.warn("Event stream failed: {}", e.toString());
                close(this);
                emitter.completeWithError(e);
            } finally {
                busy.set(false);
            }
        }
    }

    /**
     * Opens a stream of stored events matching {@code filter} (null for all): those stored after
     * {@code lastEventId} when it names a stored event, else those stored from now on.
     */
    public SseEmitter subscribe(Criteria filter, String lastEventId) {
        if (!running) {
            throw new ExhException(ExhError.SERVICE_UNREACHABLE_EXCEPTION, "The event stream is not running");
        }
        if (open.incrementAndGet() > settings.maxConnections()) {
            open.decrementAndGet();
            throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION,
                    "Too many open event streams (" + settings.maxConnections() + "); try again later");
        }
        long start = cursor;
        if (lastEventId != null && !lastEventId.isBlank()) {
            OptionalLong seq = events.seqOf(lastEventId.trim());
            if (seq.isPresent()) {
                start = seq.getAsLong();
            }
        }
        SseEmitter emitter = new SseEmitter(settings.timeout().toMillis());
        Subscriber subscriber = new Subscriber(emitter, filter, start);
        emitter.onCompletion(() -> close(subscriber));
        emitter.onTimeout(() -> close(subscriber));
        emitter.onError(e -> close(subscriber));
        try {
            // opens the response at once, so the client knows it is connected before the first event
            emitter.send(SseEmitter.event().comment("connected").reconnectTime(3000));
        } catch (IOException e) {
            open.decrementAndGet();
            throw new ExhException(ExhError.SERVER_EXCEPTION, "The stream could not be opened");
        }
        subscribers.put(subscriber, Boolean.TRUE);
        return emitter;
    }

    private void close(Subscriber subscriber) {
        if (subscribers.remove(subscriber) != null) {
            open.decrementAndGet();
        }
    }

    /** Open streams of this replica. */
    public int openStreams() {
        return subscribers.size();
    }

    private void poll() {
        while (running) {
            try {
                advance();
                long upTo = cursor;
                for (Subscriber subscriber : subscribers.keySet()) {
                    if (subscriber.busy.compareAndSet(false, true)) {
                        senders.execute(() -> subscriber.serve(upTo));
                    }
                }
            } catch (RuntimeException e) {
                log.warn("Event stream poll failed: {}", e.toString());
            }
            try {
                Thread.sleep(settings.pollInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Moves the cursor over stored sequence numbers, waiting out (briefly) numbers not yet stored. Two index lookups
     * per poll whatever the size of the store: the last number taken, then which numbers up to it are stored.
     */
    void advance() {
        long at = cursor;
        long upTo = Math.min(sequence.current(), at + 1000);
        List<Long> stored = events.storedSeqs(at + 1, upTo);
        for (long seq : stored) {
            if (seq == at + 1) {
                at = seq;
                gapSeenAt = -1;
                continue;
            }
            if (gapWaitedOut()) {
                log.debug("Event stream: sequence numbers {} to {} were never stored, skipping them", at + 1, seq - 1);
                at = seq;
            } else {
                break;
            }
        }
        if (stored.isEmpty() && upTo > at && gapWaitedOut()) {
            // taken and never stored (e.g. a replica died while storing): nothing later can be stored in this window
            log.debug("Event stream: sequence numbers {} to {} were never stored, skipping them", at + 1, upTo);
            at = upTo;
        }
        cursor = at;
    }

    /** Whether the gap the cursor stands at has been waited for long enough (starts the wait on first sight). */
    private boolean gapWaitedOut() {
        if (gapSeenAt < 0) {
            gapSeenAt = System.nanoTime();
            return false;
        }
        if (System.nanoTime() - gapSeenAt < settings.gapGrace().toNanos()) {
            return false;
        }
        gapSeenAt = -1;
        return true;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        List<Long> last = events.lastSeq();
        cursor = last.isEmpty() ? 0 : last.get(0);
        running = true;
        ThreadFactory daemons = r -> {
            Thread thread = new Thread(r, "event-stream-sender");
            thread.setDaemon(true);
            return thread;
        };
        senders = Executors.newCachedThreadPool(daemons);
        poller = new Thread(this::poll, "event-stream-poller");
        poller.setDaemon(true);
        poller.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (poller != null) {
            poller.interrupt();
            poller = null;
        }
        subscribers.keySet().forEach(s -> s.emitter.complete());
        subscribers.clear();
        if (senders != null) {
            senders.shutdownNow();
            senders = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
