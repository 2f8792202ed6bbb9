package dev.medbase.tasks.queue;

import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;
import dev.medbase.tasks.executors.Invocation;
import dev.medbase.tasks.support.Wire;

/** Log lines of runs (collection {@code task_logs}: {@code {taskId, message, timestamp, seq}}). */
@Component
public class LogStore {

    public static final String COLLECTION = "task_logs";
    private static final RqlTranslator RQL = RqlTranslator.builder()
            .field("timestamp", FieldType.DATE)
            .build();

    private final MongoTemplate mongo;
    private final Clock clock;
    private final AtomicLong seq = new AtomicLong();

    public LogStore(MongoTemplate mongo, Clock clock) {
        this.mongo = mongo;
        this.clock = clock;
    }

    public Invocation.LogSink sink(ObjectId taskId) {
        return message -> mongo.insert(new Document("taskId", taskId).append("message", message)
                .append("timestamp", Date.from(clock.instant())).append("seq", seq.incrementAndGet()), COLLECTION);
    }

    public boolean any(ObjectId taskId) {
        return mongo.exists(Query.query(Criteria.where("taskId").is(taskId)), COLLECTION);
    }

    /** {@code {page: {offset, limit}, data: [{message, timestamp}]}} (contract §2.6: no total). */
    public Map<String, Object> page(ObjectId taskId, RqlQuery rql) {
        Query query = RQL.toQuery(rql, Criteria.where("taskId").is(taskId))
                .with(Sort.by(Sort.Order.asc("timestamp"), Sort.Order.asc("seq")));
        List<Map<String, Object>> data = mongo.find(query, Document.class, COLLECTION).stream().map(d -> {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("message", d.getString("message"));
            line.put("timestamp", Wire.iso(d.getDate("timestamp")));
            return line;
        }).toList();
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("offset", query.getSkip());
        page.put("limit", query.getLimit());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("page", page);
        out.put("data", data);
        return out;
    }
}
