package dev.medbase.tasks.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;
import dev.medbase.platform.mongo.ExactKeyIndex;
import dev.medbase.tasks.support.Wire;

/**
 * The task queue (collection {@code tasks}). Every state change is one conditional single-document update, so it
 * holds without transactions and with several replicas:
 * <ul>
 *   <li>claim: {@code findAndModify} of a due task read a moment before (the best first) — {@code new} with
 *       {@code startTimestamp <= now}, or
 *       {@code inProgress} whose {@code leaseUntil} has passed (its worker died; a direct execution found so is
 *       failed, not run again, as its caller is gone) — ordered by {@code priority} desc,
 *       then {@code startTimestamp}, then id; it becomes {@code inProgress} with {@code leaseOwner} and
 *       {@code leaseUntil}, and {@code claims} counts up;</li>
 *   <li>finish, extend: only while {@code status = inProgress} and {@code leaseOwner} is the caller, so a worker that
 *       lost its lease cannot overwrite the newer run;</li>
 *   <li>cancel: only while {@code status = new}.</li>
 * </ul>
 */
@Component
public class TaskQueue {

    public static final String COLLECTION = "tasks";

    public static final RqlTranslator RQL = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("functionName", FieldType.STRING)
            .field("status", FieldType.STRING)
            .field("statusChangedTimestamp", FieldType.DATE)
            .field("data")
            .field("tags", FieldType.STRING)
            .field("startTimestamp", FieldType.DATE)
            .field("priority", FieldType.NUMBER)
            .field("createdByApplicationId", FieldType.STRING)
            .field("createdByUserId", FieldType.STRING)
            .field("retriedByTaskId", FieldType.STRING)
            .field("retryForTaskIds", FieldType.STRING)
            .field("error")
            .field("error.type", FieldType.STRING)
            .field("error.name", FieldType.STRING)
            .field("error.message", FieldType.STRING)
            .field("creationTimestamp", FieldType.DATE)
            .field("updateTimestamp", FieldType.DATE)
            .build();

    private final MongoTemplate mongo;
    private final Clock clock;
    /** Told the start time of every task queued here (the worker wakes up then); none until a worker registers. */
    private volatile Consumer<Instant> onQueued = start -> { };

    public TaskQueue(MongoTemplate mongo, Clock clock) {
        this.mongo = mongo;
        this.clock = clock;
        try {
            mongo.indexOps(COLLECTION).createIndex(new Index().on("status", Sort.Direction.ASC)
                    .on("priority", Sort.Direction.DESC).on("startTimestamp", Sort.Direction.ASC));
            // extend and finish (owned()) and the claim of a new task: {_id, status, leaseOwner}
            mongo.indexOps(COLLECTION).createIndex(ExactKeyIndex.of("owned", "status", "leaseOwner"));
        } catch (RuntimeException e) {
            // an index is an optimisation; mongo-java-server and read-only users may refuse it
        }
    }

    /** A new task's fields, before it is stored. */
    public record NewTask(String functionName, Map<String, Object> data, List<String> tags, Instant startTimestamp,
                          int priority, String userId, String applicationId, List<String> retryForTaskIds,
                          String sourceEventId) {
    }

    /** Registers who is told the start time of every task queued from now on: the running worker of this replica. */
    public void onQueued(Consumer<Instant> listener) {
        this.onQueued = listener;
    }

    public Document create(NewTask task) {
        Document doc = document(task, "new");
        mongo.insert(doc, COLLECTION);
        onQueued.accept(doc.getDate("startTimestamp").toInstant());
        return doc;
    }

    /**
     * Creates the task once per source event: replays of the same event find the task created the first time
     * (an upsert on {@code sourceEventId}, one atomic single-document write).
     */
    public Document createOnce(NewTask task) {
        Document doc = document(task, "new");
        Update update = new Update();
        doc.forEach((k, v) -> {
            if (!k.equals("sourceEventId")) {
                update.setOnInsert(k, v);
            }
        });
        Document stored = mongo.findAndModify(Query.query(Criteria.where("sourceEventId").is(task.sourceEventId())),
                update, FindAndModifyOptions.options().upsert(true).returnNew(true), Document.class, COLLECTION);
        if (stored != null && "new".equals(stored.getString("status"))) {
            onQueued.accept(stored.getDate("startTimestamp").toInstant());
        }
        return stored;
    }

    /** A direct execution's task: stored already running, never claimed by workers. */
    public Document createDirect(NewTask task, String owner, Duration lease) {
        Document doc = document(task, "inProgress");
        doc.put("direct", true);
        doc.put("leaseOwner", owner);
        doc.put("leaseUntil", Date.from(clock.instant().plus(lease)));
        doc.put("claims", 1);
        mongo.insert(doc, COLLECTION);
        return doc;
    }

    private Document document(NewTask task, String status) {
        Date now = Date.from(clock.instant());
        Document doc = new Document("_id", new ObjectId());
        doc.put("functionName", task.functionName());
        doc.put("status", status);
        doc.put("statusChangedTimestamp", now);
        doc.put("data", new Document(task.data() == null ? Map.of() : task.data()));
        doc.put("tags", task.tags() == null ? List.of() : task.tags());
        doc.put("startTimestamp", task.startTimestamp() == null ? now : Date.from(task.startTimestamp()));
        doc.put("priority", task.priority());
        if (task.applicationId() != null) {
            doc.put("createdByApplicationId", task.applicationId());
        }
        if (task.userId() != null) {
            doc.put("createdByUserId", task.userId());
        }
        if (task.retryForTaskIds() != null && !task.retryForTaskIds().isEmpty()) {
            doc.put("retryForTaskIds", task.retryForTaskIds());
        }
        if (task.sourceEventId() != null) {
            doc.put("sourceEventId", task.sourceEventId());
        }
        doc.put("creationTimestamp", now);
        doc.put("updateTimestamp", now);
        return doc;
    }

    public Document find(ObjectId id) {
        return mongo.findById(id, Document.class, COLLECTION);
    }

    public PageEnvelope<Map<String, Object>> list(RqlQuery rql) {
        return RqlPaging.find(mongo, RQL.toQuery(rql), rql, Document.class, COLLECTION, TaskQueue::wire);
    }

    /** {@code new} → {@code canceled}; false when the task is in another state (or gone). */
    public boolean cancel(ObjectId id) {
        Date now = Date.from(clock.instant());
        return mongo.updateFirst(Query.query(Criteria.where("_id").is(id).and("status").is("new")),
                new Update().set("status", "canceled").set("statusChangedTimestamp", now).set("updateTimestamp", now),
                COLLECTION).getModifiedCount() == 1;
    }

    /**
     * Claims the best due task for {@code owner}, or null. Functions in {@code busyFunctions} (at their concurrency
     * limit) are skipped.
     */
    public Document claim(String owner, Function<String, Duration> leaseOfFunction, Set<String> busyFunctions) {
        for (Document candidate : due(CANDIDATES, busyFunctions)) {
            Document claimed = claim(candidate, owner, leaseOfFunction.apply(candidate.getString("functionName")));
            if (claimed != null) {
                return claimed;
            }
        }
        return null;
    }

    /** Due tasks read per query by {@link #claim(String, Function, Set)}. */
    static final int CANDIDATES = 20;

    /**
     * Up to {@code max} due tasks, best first — {@code new} with {@code startTimestamp <= now}, or {@code inProgress}
     * whose lease ran out — as candidates for {@link #claim(Document, String, Duration)}; functions in
     * {@code busyFunctions} are left out. One query for several claims: on the embedded MongoDB-wire server it is a
     * scan of every task (no range indexes there), while the claims are lookups by exact keys.
     */
    public List<Document> due(int max, Set<String> busyFunctions) {
        Date now = Date.from(clock.instant());
        Criteria due = new Criteria().orOperator(
                Criteria.where("status").is("new").and("startTimestamp").lte(now),
                Criteria.where("status").is("inProgress").and("leaseUntil").lt(now));
        Criteria criteria = busyFunctions.isEmpty() ? due
                : new Criteria().andOperator(due, Criteria.where("functionName").nin(busyFunctions));
        Query query = Query.query(criteria).with(Sort.by(Sort.Order.desc("priority"),
                Sort.Order.asc("startTimestamp"), Sort.Order.asc("_id"))).limit(max);
        query.fields().include("_id", "status", "functionName");
        return mongo.find(query, Document.class, COLLECTION);
    }

    /**
     * Claims a candidate of {@link #due} for {@code owner}, if it is still claimable: a {@code new} task by its id,
     * status and absent owner (an index lookup, see the {@code owned} index; a task never becomes {@code new}
     * again), one whose lease ran out by id, status and an expired lease (a scan on the embedded server, but only
     * after a worker died). Null when another worker took it or it was canceled meanwhile.
     */
    public Document claim(Document candidate, String owner, Duration lease) {
        Date now = Date.from(clock.instant());
        Query claimable = "new".equals(candidate.getString("status"))
                ? Query.query(Criteria.where("_id").is(candidate.get("_id")).and("status").is("new")
                        .and("leaseOwner").is(null))
                : Query.query(Criteria.where("_id").is(candidate.get("_id")).and("status").is("inProgress")
                        .and("leaseUntil").lt(now));
        Update update = new Update().set("status", "inProgress").set("leaseOwner", owner)
                .set("leaseUntil", Date.from(now.toInstant().plus(lease))).inc("claims", 1)
                .set("statusChangedTimestamp", now).set("updateTimestamp", now);
        return mongo.findAndModify(claimable, update, FindAndModifyOptions.options().returnNew(true), Document.class,
                COLLECTION);
    }

    /** Tasks running under a live lease, per function (all replicas). */
    public Map<String, Integer> runningCounts() {
        Query running = Query.query(Criteria.where("status").is("inProgress")
                .and("leaseUntil").gte(Date.from(clock.instant())));
        running.fields().include("functionName");
        Map<String, Integer> counts = new HashMap<>();
        for (Document d : mongo.find(running, Document.class, COLLECTION)) {
            counts.merge(d.getString("functionName"), 1, Integer::sum);
        }
        return counts;
    }

    public boolean extend(ObjectId id, String owner, Duration lease) {
        return mongo.updateFirst(owned(id, owner),
                new Update().set("leaseUntil", Date.from(clock.instant().plus(lease))), COLLECTION)
                .getModifiedCount() == 1;
    }

    /**
     * Ends a run: {@code complete}, {@code failed} or {@code retried} (with {@code retriedByTaskId}). False when the
     * owner no longer holds the task (its lease ran out and someone else claimed it).
     */
    public boolean finish(ObjectId id, String owner, String status, Map<String, Object> error, String retriedBy) {
        Date now = Date.from(clock.instant());
        Update update = new Update().set("status", status).set("statusChangedTimestamp", now)
                .set("updateTimestamp", now).unset("leaseOwner").unset("leaseUntil");
        if (error != null) {
            update.set("error", new Document(error));
        } else {
            update.unset("error");
        }
        if (retriedBy != null) {
            update.set("retriedByTaskId", retriedBy);
        }
        return mongo.updateFirst(owned(id, owner), update, COLLECTION).getModifiedCount() == 1;
    }

    public void delete(ObjectId id) {
        mongo.remove(Query.query(Criteria.where("_id").is(id)), COLLECTION);
    }

    private static Query owned(ObjectId id, String owner) {
        return Query.query(Criteria.where("_id").is(id).and("status").is("inProgress").and("leaseOwner").is(owner));
    }

    /** The wire Task (contract §9.1). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> wire(Document d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", d.getObjectId("_id").toHexString());
        out.put("functionName", d.getString("functionName"));
        out.put("status", d.getString("status"));
        out.put("statusChangedTimestamp", Wire.iso(d.getDate("statusChangedTimestamp")));
        out.put("data", Wire.plain(d.get("data")));
        out.put("tags", d.get("tags") == null ? List.of() : new ArrayList<>((List<String>) d.get("tags")));
        out.put("startTimestamp", Wire.iso(d.getDate("startTimestamp")));
        out.put("priority", d.get("priority"));
        if (d.get("createdByApplicationId") != null) {
            out.put("createdByApplicationId", d.getString("createdByApplicationId"));
        }
        if (d.get("createdByUserId") != null) {
            out.put("createdByUserId", d.getString("createdByUserId"));
        }
        if (d.get("retriedByTaskId") != null) {
            out.put("retriedByTaskId", d.getString("retriedByTaskId"));
        }
        if (d.get("retryForTaskIds") != null) {
            out.put("retryForTaskIds", Wire.plain(d.get("retryForTaskIds")));
        }
        if (d.get("error") != null) {
            out.put("error", Wire.plain(d.get("error")));
        }
        out.put("creationTimestamp", Wire.iso(d.getDate("creationTimestamp")));
        out.put("updateTimestamp", Wire.iso(d.getDate("updateTimestamp")));
        return out;
    }
}
