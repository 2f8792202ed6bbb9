package dev.medbase.events.dispatchers;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort.Direction;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

import dev.medbase.events.EventServiceProperties;
import dev.medbase.events.Housekeeping;
import dev.medbase.events.store.EventStore;
import dev.medbase.events.web.Bson;
import dev.medbase.platform.events.EventEnvelope;
import dev.medbase.platform.events.EventPublisher;

/**
 * Runs dispatchers from the event stream (ARCHITECTURE §6): for each event of every service's topic, the actions of
 * the dispatchers of its type are executed by publishing a command event on {@code medbase.events}, which mail-service
 * ({@code mail_requested}) and task-service ({@code task_requested}) consume. The command contents are a contract:
 * see {@code docs/events.md}.
 *
 * <p>At least once, idempotent per (dispatcher, action, event): the first execution records the command's event id
 * in {@code dispatches} ({@code _id = "<dispatcherId>:<actionId>:<eventId>"}); a redelivered event, or a retry after a
 * crash between publishing and recording, publishes the same command id again, which consumers drop as a duplicate.
 *
 * <p>A dispatcher acts on events created at or after its own creation, so a consumer that reads older events (after a
 * reset of its offsets, say) does not run new dispatchers on the past. Events on {@code medbase.events} (this
 * service's own, among them the commands) never trigger dispatchers, so no dispatcher can feed itself.
 */
@Component
public class DispatcherExecutor implements Housekeeping.Purge {

    private static final Logger log = LoggerFactory.getLogger(DispatcherExecutor.class);

    static final String RECORDS = "dispatches";
    static final String MAIL_REQUESTED = "mail_requested";
    static final String TASK_REQUESTED = "task_requested";

    private final Dispatchers dispatchers;
    private final MongoTemplate mongo;
    private final EventPublisher publisher;
    private final Clock clock;
    private final Duration recordRetention;

    public DispatcherExecutor(Dispatchers dispatchers, MongoTemplate mongo, EventPublisher publisher, Clock clock,
                              EventServiceProperties properties) {
        this.dispatchers = dispatchers;
        this.mongo = mongo;
        this.publisher = publisher;
        this.clock = clock;
        this.recordRetention = properties.dispatchers().recordRetention();
        mongo.indexOps(RECORDS).createIndex(new Index().on("creation_timestamp", Direction.ASC)
                .named("creation_timestamp"));
    }

    /** Runs the dispatchers of the event's type (none for this service's own events). */
    public void handle(EventEnvelope event) {
        if (EventStore.OWN_SOURCE.equals(event.source())) {
            return;
        }
        for (Document dispatcher : dispatchers.forEventType(event.type())) {
            Date created = dispatcher.getDate("creationTimestamp");
            if (created != null && event.time().isBefore(created.toInstant())) {
                continue;
            }
            for (Document action : dispatcher.getList("actions", Document.class, List.of())) {
                execute(dispatcher, action, event);
            }
        }
    }

    /** One action for one event, once. */
    void execute(Document dispatcher, Document action, EventEnvelope event) {
        String dispatcherId = dispatcher.getObjectId("_id").toHexString();
        String actionId = action.getObjectId("_id").toHexString();
        String commandType = Actions.MAIL.equals(action.getString("type")) ? MAIL_REQUESTED : TASK_REQUESTED;
        Document record = claim(dispatcherId + ":" + actionId + ":" + event.id(), dispatcherId, actionId, event,
                commandType);
        if (!"pending".equals(record.getString("status"))) {
            return; // published (or failed for good) before
        }
        Map<String, Object> content;
        try {
            content = commandType.equals(MAIL_REQUESTED)
                    ? mailCommand(action, event, dispatcherId, actionId)
                    : taskCommand(action, event, dispatcherId, actionId);
        } catch (UnresolvableAction e) {
            log.warn("Dispatcher {} action {} cannot run for event {} ({}): {}", dispatcherId, actionId, event.id(),
                    event.type(), e.getMessage());
            finish(record, "failed", e.getMessage());
            return;
        }
        try {
            publisher.publish(new EventEnvelope(record.getString("command_id"), commandType, EventStore.OWN_SOURCE,
                    record.getDate("command_time").toInstant(), event.aggregateId(), content));
        } catch (IllegalArgumentException tooLarge) {
            // the content (the event's, twice for a mail) exceeds what an event may carry: retrying cannot help,
            // and throwing would keep the event from the handlers after this one
            log.warn("Dispatcher {} action {} cannot run for event {}: {}", dispatcherId, actionId, event.id(),
                    tooLarge.getMessage());
            finish(record, "failed", tooLarge.getMessage());
            return;
        }
        finish(record, "published", null);
    }

    /** The record of this execution: created now, or the one a previous attempt left. */
    private Document claim(String key, String dispatcherId, String actionId, EventEnvelope event,
                           String commandType) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Document record = new Document("_id", key)
                .append("dispatcher_id", dispatcherId)
                .append("action_id", actionId)
                .append("event_id", event.id())
                .append("event_type", event.type())
                .append("command_type", commandType)
                .append("command_id", new ObjectId(Date.from(now)).toHexString())
                .append("command_time", Date.from(now))
                .append("status", "pending")
                .append("creation_timestamp", Date.from(now));
        try {
            mongo.insert(record, RECORDS);
            return record;
        } catch (DuplicateKeyException executedBefore) {
            return mongo.findOne(query(where("_id").is(key)), Document.class, RECORDS);
        }
    }

    private void finish(Document record, String status, String error) {
        Update update = new Update().set("status", status).set("update_timestamp", Date.from(clock.instant()));
        if (error != null) {
            update.set("error", error);
        }
        mongo.updateFirst(query(where("_id").is(record.get("_id"))), update, RECORDS);
    }

    /**
     * {@code mail_requested}: the body of an ExH {@code POST /mail/v1/} with a template (snake_case), plus where it
     * came from.
     */
    static Map<String, Object> mailCommand(Document action, EventEnvelope event, String dispatcherId,
                                           String actionId) {
        Document recipients = action.get("recipients", Document.class);
        Map<String, Object> resolved = new LinkedHashMap<>();
        for (String field : List.of("to", "cc", "bcc")) {
            resolved.put(field, resolve(recipients.getList(field, String.class, List.of()), event));
        }
        if (((List<?>) resolved.get("to")).isEmpty()) {
            throw new UnresolvableAction("no 'to' recipient: " + recipients.getList("to", String.class)
                    + " found no address in the event's content");
        }
        Map<String, Object> templateContent = new LinkedHashMap<>(event.content());
        templateContent.put("event", eventObject(event));
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("recipients", resolved);
        command.put("template_id", action.getObjectId("templateId").toHexString());
        command.put("content", templateContent);
        command.put("dispatcher_id", dispatcherId);
        command.put("action_id", actionId);
        command.put("event_id", event.id());
        command.put("event_type", event.type());
        return command;
    }

    /**
     * {@code task_requested}: the body of an ExH {@code POST /tasks/v1/} (camelCase, like data-service's
     * {@code task_requested}), plus where it came from.
     */
    static Map<String, Object> taskCommand(Document action, EventEnvelope event, String dispatcherId,
                                           String actionId) {
        Map<String, Object> data = new LinkedHashMap<>(Bson.toJsonMap(action.get("data")));
        data.put("event", eventObject(event)); // as in Extra Horizon: the event is added to the data, overriding
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("functionName", action.getString("functionName"));
        command.put("data", data);
        command.put("tags", action.getList("tags", String.class, List.of()));
        command.put("priority", action.get("priority"));
        Date start = action.getDate("startTimestamp");
        command.put("startTimestamp", start == null ? null : Bson.iso(start));
        command.put("dispatcherId", dispatcherId);
        command.put("actionId", actionId);
        command.put("eventId", event.id());
        command.put("eventType", event.type());
        return command;
    }

    /** The ExH event object, {@code {id, type, content, creation_timestamp}}, with the content as received. */
    static Map<String, Object> eventObject(EventEnvelope event) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("id", event.id());
        object.put("type", event.type());
        object.put("content", event.content());
        object.put("creation_timestamp", event.time().toEpochMilli());
        return object;
    }

    /** Addresses as written, and those a {@code $content.<path>} placeholder finds in the event. */
    private static List<String> resolve(List<String> recipients, EventEnvelope event) {
        Set<String> out = new LinkedHashSet<>();
        for (String recipient : recipients) {
            if (!recipient.startsWith("$content.")) {
                out.add(recipient);
                continue;
            }
            Object value = event.content();
            for (String key : recipient.substring("$content.".length()).split("\\.")) {
                value = value instanceof Map<?, ?> map ? map.get(key) : null;
            }
            if (value instanceof String address && address.contains("@")) {
                out.add(address);
            } else if (value instanceof List<?> list) {
                list.stream().filter(v -> v instanceof String s && s.contains("@"))
                        .forEach(v -> out.add((String) v));
            }
        }
        return new ArrayList<>(out);
    }

    @Override
    public String name() {
        return "dispatch records";
    }

    @Override
    public long purge(Instant now) {
        return mongo.remove(query(where("creation_timestamp").lt(Date.from(now.minus(recordRetention)))), RECORDS)
                .getDeletedCount();
    }

    /** An action that cannot run for this event (no recipient found): recorded as failed, not retried. */
    static final class UnresolvableAction extends RuntimeException {
        UnresolvableAction(String message) {
            super(message, null, false, false);
        }
    }
}
