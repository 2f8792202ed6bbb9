package dev.medbase.tasks.schedules;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;
import dev.medbase.tasks.TasksProperties;
import dev.medbase.tasks.functions.FunctionService;
import dev.medbase.tasks.queue.TaskQueue;
import dev.medbase.tasks.support.Body;
import dev.medbase.tasks.support.TaskServiceLimits;
import dev.medbase.tasks.support.Wire;

/**
 * Schedules (collection {@code schedules}): a fixed {@code interval} in seconds from {@code startTimestamp}.
 * {@link #tick()} turns every due schedule into one task per tick with a compare-and-set on {@code nextTimestamp}
 * (only the replica whose update matched the old value creates the task); ticks missed while no replica ran are
 * skipped, not replayed.
 */
@Service
public class ScheduleService {

    public static final String COLLECTION = "schedules";
    private static final Set<String> FIELDS = Set.of("interval", "functionName", "data", "priority",
            "startTimestamp");
    private static final RqlTranslator RQL = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("functionName", FieldType.STRING)
            .field("interval", FieldType.NUMBER)
            .field("data")
            .field("priority", FieldType.NUMBER)
            .field("startTimestamp", FieldType.DATE)
            .field("nextTimestamp", FieldType.DATE)
            .field("creationTimestamp", FieldType.DATE)
            .field("updateTimestamp", FieldType.DATE)
            .build();

    private final MongoTemplate mongo;
    private final TaskQueue queue;
    private final FunctionService functions;
    private final TasksProperties properties;
    private final Clock clock;

    public ScheduleService(MongoTemplate mongo, TaskQueue queue, FunctionService functions,
                           TasksProperties properties, Clock clock) {
        this.mongo = mongo;
        this.queue = queue;
        this.functions = functions;
        this.properties = properties;
        this.clock = clock;
    }

    public Map<String, Object> create(JsonNode json) {
        Body body = Body.of(json).allowOnly(FIELDS);
        Integer interval = body.integer("interval");
        if (interval == null) {
            throw Body.missing("interval");
        }
        if (interval < 1) {
            throw Body.format("interval", "must be at least 1 (second)");
        }
        String functionName = body.requiredText("functionName");
        functions.require(functionName);
        JsonNode data = body.get("data");
        if (data != null && !data.isNull() && !data.isObject()) {
            throw Body.format("data", "must be an object");
        }
        if (data != null && data.isObject()) {
            TaskServiceLimits.checkData(data, properties);
        }
        Instant now = clock.instant();
        Instant start = body.instant("startTimestamp") == null ? now : body.instant("startTimestamp");
        Document doc = new Document("_id", new ObjectId()).append("functionName", functionName)
                .append("interval", interval);
        if (data != null && data.isObject()) {
            doc.append("data", Document.parse(data.toString()));
        }
        Integer priority = body.integer("priority");
        if (priority != null) {
            doc.append("priority", priority);
        }
        doc.append("startTimestamp", Date.from(start)).append("nextTimestamp", Date.from(start))
                .append("creationTimestamp", Date.from(now)).append("updateTimestamp", Date.from(now));
        mongo.insert(doc, COLLECTION);
        return wire(doc);
    }

    public PageEnvelope<Map<String, Object>> list(RqlQuery rql) {
        return RqlPaging.find(mongo, RQL.toQuery(rql), rql, Document.class, COLLECTION, ScheduleService::wire);
    }

    public Map<String, Object> delete(String id) {
        long n = mongo.remove(Query.query(Criteria.where("_id").is(Wire.objectId(id))), COLLECTION)
                .getDeletedCount();
        if (n == 0) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Schedule '" + id + "' is unknown");
        }
        return Wire.affected(n);
    }

    /** Creates the tasks of every due schedule; returns how many. Safe to run on every replica at once. */
    public int tick() {
        int created = 0;
        for (int guard = 0; guard < 1000; guard++) {
            Instant now = clock.instant();
            Document due = mongo.findOne(Query.query(Criteria.where("nextTimestamp").lte(Date.from(now)))
                    .with(Sort.by("nextTimestamp")), Document.class, COLLECTION);
            if (due == null) {
                return created;
            }
            Date tick = due.getDate("nextTimestamp");
            long intervalMs = due.getInteger("interval") * 1000L;
            long behind = now.toEpochMilli() - tick.getTime();
            Date next = new Date(tick.getTime() + (behind / intervalMs + 1) * intervalMs);
            boolean mine = mongo.updateFirst(Query.query(Criteria.where("_id").is(due.getObjectId("_id"))
                            .and("nextTimestamp").is(tick)),
                    new Update().set("nextTimestamp", next).set("updateTimestamp", Date.from(now)), COLLECTION)
                    .getModifiedCount() == 1;
            if (!mine) {
                continue; // another replica took this tick
            }
            String fn = due.getString("functionName");
            Integer priority = due.getInteger("priority");
            if (priority == null) {
                priority = functions.find(fn).map(f -> f.defaultPriority()).orElse(null);
            }
            Document data = due.get("data", Document.class);
            queue.create(new TaskQueue.NewTask(fn, data, java.util.List.of(), tick.toInstant(),
                    priority == null ? 0 : priority, null, null, null, null));
            created++;
        }
        return created;
    }

    static Map<String, Object> wire(Document d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", d.getObjectId("_id").toHexString());
        out.put("functionName", d.getString("functionName"));
        out.put("interval", d.getInteger("interval"));
        if (d.get("data") != null) {
            out.put("data", Wire.plain(d.get("data")));
        }
        if (d.get("priority") != null) {
            out.put("priority", d.getInteger("priority"));
        }
        out.put("startTimestamp", Wire.iso(d.getDate("startTimestamp")));
        out.put("nextTimestamp", Wire.iso(d.getDate("nextTimestamp")));
        out.put("creationTimestamp", Wire.iso(d.getDate("creationTimestamp")));
        out.put("updateTimestamp", Wire.iso(d.getDate("updateTimestamp")));
        return out;
    }
}
