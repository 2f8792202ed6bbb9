package dev.medbase.devstack.infra;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;

/**
 * MongoDB's TTL monitor, for the embedded server: mongo-java-server keeps a TTL index's definition (listIndexes shows
 * its {@code expireAfterSeconds}) but never deletes anything, so token records, nonces and one-time codes that
 * services expire with TTL indexes would pile up for ever — and every scan of their collections grow with them. As
 * MongoDB's monitor does, once a minute, for each single-field index with {@code expireAfterSeconds}, this deletes
 * the documents whose field holds a date older than that (an array: its earliest date; other values never expire).
 */
final class TtlMonitor implements AutoCloseable {

    static final Duration EVERY = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(TtlMonitor.class);

    private final MongoClient client;
    private final Duration every;
    private final Clock clock;
    private ScheduledExecutorService timer;

    TtlMonitor(String uri, Duration every) {
        this(uri, every, Clock.systemUTC());
    }

    TtlMonitor(String uri, Duration every, Clock clock) {
        this.client = MongoClients.create(uri);
        this.every = every;
        this.clock = clock;
    }

    TtlMonitor start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "ttl-monitor");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                sweep();
            } catch (RuntimeException e) {
                log.warn("TTL monitor pass failed: {}", e.toString());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One pass over every database; returns how many documents it deleted. */
    long sweep() {
        long deleted = 0;
        for (String databaseName : client.listDatabaseNames()) {
            MongoDatabase database = client.getDatabase(databaseName);
            for (String collectionName : database.listCollectionNames()) {
                MongoCollection<Document> collection = database.getCollection(collectionName);
                for (Document index : collection.listIndexes()) {
                    Document key = index.get("key", Document.class);
                    Number seconds = index.get("expireAfterSeconds", Number.class);
                    if (seconds == null || key == null || key.size() != 1) {
                        continue; // MongoDB expires by single-field indexes only
                    }
                    Date cutoff = Date.from(clock.instant().minusSeconds(seconds.longValue()));
                    deleted += collection.deleteMany(Filters.lt(key.keySet().iterator().next(), cutoff))
                            .getDeletedCount();
                }
            }
        }
        if (deleted > 0) {
            log.debug("TTL monitor deleted {} expired documents", deleted);
        }
        return deleted;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        client.close();
    }
}
