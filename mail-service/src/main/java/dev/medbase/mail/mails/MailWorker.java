package dev.medbase.mail.mails;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.medbase.mail.MailProperties;
import dev.medbase.platform.events.EventPublisher;

/**
 * Sends queued mails over SMTP. Each worker thread reads a batch of due mails and claims them one by one
 * ({@link MailStore#claim}, an atomic lease), confirms the lease right before the SMTP conversation, sends, and records the outcome with the
 * lease token, so:
 * <ul>
 * <li>a mail is sent by one worker at a time, across threads and service replicas;</li>
 * <li>a worker that dies mid-send leaves a lease that runs out, and another worker takes the mail over;</li>
 * <li>a worker that stalled past its lease and was taken over finds its claim gone at {@link MailStore#confirm} and
 * does not send;</li>
 * <li>a transient failure (SMTP unreachable, 4xx) queues the mail again with exponential backoff
 * ({@code min-backoff · 2^(attempts-1)}, at most {@code max-backoff}); mails wait while the server is down and go
 * out when it is back; after {@code give-up-after} the mail is marked failed;</li>
 * <li>a permanent failure (5xx) is recorded on the mail ({@code status: failed}, {@code error}).</li>
 * </ul>
 * The one window SMTP leaves open: if the process dies after the server accepted the message and before the
 * outcome is written (milliseconds), the takeover sends it again — with the same Message-ID.
 *
 * <p>{@link #runOnce()} is the whole algorithm, callable directly (tests run it with a moved clock and no threads).
 * Events: {@code mail_sent}, {@code mail_failed} on {@code medbase.mail}.
 */
@Component
public class MailWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MailWorker.class);
    /** Due mails read per query: a scan on the embedded MongoDB-wire server, so one per batch, not per mail. */
    private static final int CANDIDATES = 50;

    private final MailStore store;
    private final SmtpTransport smtp;
    private final MailProperties.Delivery settings;
    private final Clock clock;
    private final ObjectProvider<EventPublisher> events;
    private final String owner = "worker-" + UUID.randomUUID();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private boolean woken;

    public MailWorker(MailStore store, SmtpTransport smtp, MailProperties properties, Clock clock,
                      ObjectProvider<EventPublisher> events) {
        this.store = store;
        this.smtp = smtp;
        this.settings = properties.delivery();
        this.clock = clock;
        this.events = events;
    }

    /** Outcome of one attempt. */
    public enum Outcome { SENT, RETRY, FAILED, LOST_LEASE }

    /** Claims and delivers due mails until none is due. @return how many attempts were made */
    public int runOnce() {
        int attempts = 0;
        List<Document> candidates;
        while (!(candidates = store.due(clock.instant(), CANDIDATES)).isEmpty()) {
            int claimed = 0;
            for (Document candidate : candidates) {
                Optional<Document> mail = store.claim(candidate, owner, clock.instant(), settings.lease());
                if (mail.isPresent()) {
                    deliver(mail.get());
                    claimed++;
                }
            }
            attempts += claimed;
            if (claimed == 0) {
                break; // every candidate was taken by another worker meanwhile
            }
        }
        return attempts;
    }

    /** Claims the mail due first for {@code owner} (tests use other owners to play a second worker). */
    public Optional<Document> claim(String owner) {
        for (Document candidate : store.due(clock.instant(), CANDIDATES)) {
            Optional<Document> mail = store.claim(candidate, owner, clock.instant(), settings.lease());
            if (mail.isPresent()) {
                return mail;
            }
        }
        return Optional.empty();
    }

    /** One attempt at a claimed mail. */
    public Outcome deliver(Document claimed) {
        String id = claimed.getObjectId("_id").toHexString();
        if (!store.confirm(claimed, clock.instant(), settings.lease())) {
            log.warn("Mail {}: the claim ran out before sending; another worker has it", id);
            return Outcome.LOST_LEASE;
        }
        int attempt = claimed.getInteger("attempts", 1);
        try {
            String messageId = smtp.send(claimed);
            if (!store.markSent(claimed, messageId, clock.instant())) {
                log.warn("Mail {} was sent, but its claim ran out during the SMTP conversation", id);
            }
            log.info("Mail {} sent (attempt {})", id, attempt);
            publish("mail_sent", claimed, attempt, null);
            return Outcome.SENT;
        } catch (SmtpTransport.DeliveryException e) {
            Instant now = clock.instant();
            Instant created = claimed.getDate("creation_timestamp").toInstant();
            if (e.permanent() || !now.isBefore(created.plus(settings.giveUpAfter()))) {
                String error = e.permanent() ? e.getMessage()
                        : "Gave up after " + attempt + " attempts: " + e.getMessage();
                store.markFailed(claimed, error, now);
                log.warn("Mail {} failed (attempt {}): {}", id, attempt, error);
                publish("mail_failed", claimed, attempt, error);
                return Outcome.FAILED;
            }
            Instant retryAt = now.plus(backoff(attempt));
            store.markRetry(claimed, e.getMessage(), retryAt, now);
            log.info("Mail {} not sent (attempt {}), retrying at {}: {}", id, attempt, retryAt, e.getMessage());
            return Outcome.RETRY;
        }
    }

    /** {@code min-backoff · 2^(attempt-1)}, capped at {@code max-backoff}. */
    Duration backoff(int attempt) {
        Duration wait = settings.minBackoff();
        for (int i = 1; i < attempt && wait.compareTo(settings.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
    }

    private void publish(String type, Document mail, int attempt, String error) {
        EventPublisher publisher = events.getIfAvailable();
        if (publisher == null) {
            return;
        }
        Map<String, Object> content = new LinkedHashMap<>();
        String id = mail.getObjectId("_id").toHexString();
        content.put("id", id);
        content.put("origin", mail.getString("origin"));
        if (mail.get("creator_id") != null) {
            content.put("creator_id", mail.getObjectId("creator_id").toHexString());
        }
        for (String key : new String[] {"template_id", "template_name", "user_id", "event_id"}) {
            if (mail.get(key) != null) {
                content.put(key, mail.get(key));
            }
        }
        content.put("attempts", attempt);
        if (error != null) {
            content.put("error", error);
        }
        try {
            publisher.publish(type, id, content);
        } catch (RuntimeException e) {
            log.warn("Mail {}: could not store the {} event", id, type, e);
        }
    }

    /** A new mail was queued: wake a waiting worker thread. */
    public void wakeUp() {
        lock.lock();
        try {
            woken = true;
            wakeUp.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        Duration backoff = Duration.ZERO;
        while (running) {
            try {
                int n = runOnce();
                backoff = Duration.ZERO;
                if (n == 0) {
                    pause(settings.pollInterval());
                }
            } catch (RuntimeException e) {
                backoff = backoff.isZero() ? Duration.ofMillis(200) : backoff.multipliedBy(2);
                if (backoff.compareTo(Duration.ofSeconds(10)) > 0) {
                    backoff = Duration.ofSeconds(10);
                }
                log.warn("Mail worker pass failed (database unreachable?), pausing {} ms: {}", backoff.toMillis(),
                        e.getMessage());
                pause(backoff);
            }
        }
    }

    private void pause(Duration duration) {
        lock.lock();
        try {
            long nanos = duration.toNanos();
            while (running && !woken && nanos > 0) {
                nanos = wakeUp.awaitNanos(nanos);
            }
            woken = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public synchronized void start() {
        if (running || !settings.enabled()) {
            return;
        }
        running = true;
        for (int i = 0; i < Math.max(1, settings.threads()); i++) {
            Thread t = new Thread(this::loop, "mail-worker-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        wakeUp();
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
