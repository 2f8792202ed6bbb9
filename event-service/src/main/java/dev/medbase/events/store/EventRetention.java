package dev.medbase.events.store;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

import dev.medbase.events.EventServiceProperties;
import dev.medbase.events.Housekeeping;

/** {@code medbase.events.retention}: stored events older than it are deleted; unset keeps them all. */
@Component
class EventRetention implements Housekeeping.Purge {

    private final MongoTemplate mongo;
    private final Duration retention;

    @Autowired
    EventRetention(MongoTemplate mongo, EventServiceProperties properties) {
        this(mongo, properties.retention());
    }

    EventRetention(MongoTemplate mongo, Duration retention) {
        this.mongo = mongo;
        this.retention = retention;
    }

    @Override
    public String name() {
        return "event retention";
    }

    @Override
    public long purge(Instant now) {
        if (retention == null) {
            return 0;
        }
        return mongo.remove(query(where("creation_timestamp").lt(Date.from(now.minus(retention)))),
                EventStore.COLLECTION).getDeletedCount();
    }
}
