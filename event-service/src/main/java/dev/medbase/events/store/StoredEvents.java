package dev.medbase.events.store;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.LongStream;

import org.bson.Document;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

import dev.medbase.events.web.Bson;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;

/** Reads of the event store: RQL pages, single events, and the store's sequence for followers. */
@Component
public class StoredEvents {

    /**
     * The wire fields of an event (contract §10) and their stored names; {@code content.*} reaches into the content,
     * {@code creationTimestamp} is accepted for {@code creation_timestamp} (the SDK's users write camelCase).
     */
    public static final RqlTranslator RQL = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("type", FieldType.STRING)
            .field("content")
            .field("creation_timestamp", FieldType.DATE)
            .camelCaseAliases()
            .build();

    private final MongoTemplate mongo;

    public StoredEvents(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** One page; unsorted queries come in creation order, and ties are broken by id so paging is stable. */
    public PageEnvelope<Map<String, Object>> find(RqlQuery rql) {
        Query query = RQL.toQuery(rql);
        if (rql.sort().isEmpty()) {
            query.with(Sort.by(Sort.Order.asc("creation_timestamp")));
        }
        if (rql.sort().stream().noneMatch(s -> RQL.storedField(s.field()).equals("_id"))) {
            query.with(Sort.by(Sort.Order.asc("_id")));
        }
        return RqlPaging.find(mongo, query, rql, Document.class, EventStore.COLLECTION, StoredEvents::wire);
    }

    /** The store's sequence number of an event, if it is stored (and has one). */
    public OptionalLong seqOf(String eventId) {
        Query query = query(where("_id").is(Bson.storedId(eventId)));
        query.fields().include("seq");
        Document found = mongo.findOne(query, Document.class, EventStore.COLLECTION);
        return found != null && found.get("seq") instanceof Number seq ? OptionalLong.of(seq.longValue())
                : OptionalLong.empty();
    }

    /**
     * Which of the sequence numbers {@code from..to} (inclusive, at most a few thousand) are stored, ascending. Asked
     * by number ({@code $in}) rather than by range so that it is a lookup in the unique {@code seq} index on any
     * MongoDB-wire server: the embedded one walks an index only for exact values, and a range query would scan the
     * whole store on every poll of the stream.
     */
    public List<Long> storedSeqs(long from, long to) {
        if (to < from) {
            return List.of();
        }
        List<Long> numbers = LongStream.rangeClosed(from, to).boxed().toList();
        Query query = query(where("seq").in(numbers));
        query.fields().include("seq").exclude("_id");
        return mongo.find(query, Document.class, EventStore.COLLECTION).stream()
                .map(d -> ((Number) d.get("seq")).longValue()).sorted().toList();
    }

    /** The highest sequence number stored, as a list of one (empty when nothing is stored). */
    public List<Long> lastSeq() {
        Query query = new Query(where("seq").exists(true)).with(Sort.by(Sort.Order.desc("seq"))).limit(1);
        query.fields().include("seq").exclude("_id");
        return mongo.find(query, Document.class, EventStore.COLLECTION).stream()
                .map(d -> ((Number) d.get("seq")).longValue()).toList();
    }

    /** Stored events with {@code from < seq <= to} that also match {@code filter}, in store order. */
    public List<Document> range(long from, long to, Criteria filter, int limit) {
        Criteria range = where("seq").gt(from).lte(to);
        Query query = new Query(filter == null ? range : new Criteria().andOperator(range, filter))
                .with(Sort.by("seq")).limit(limit);
        return mongo.find(query, Document.class, EventStore.COLLECTION);
    }

    /** Stored events from a time on, of some types (all when null), in store order. */
    public List<Document> since(Date from, Long fromSeq, List<String> types, int limit) {
        Criteria criteria = fromSeq != null ? where("seq").gte(fromSeq) : where("creation_timestamp").gte(from);
        if (types != null) {
            criteria = criteria.and("type").in(types);
        }
        return mongo.find(new Query(criteria).with(Sort.by("seq")).limit(limit), Document.class,
                EventStore.COLLECTION);
    }

    /** The ExH event object of a stored event: {@code {id, type, content, creation_timestamp}} (fields selected). */
    public static Map<String, Object> wire(Document stored) {
        Map<String, Object> event = new LinkedHashMap<>();
        if (stored.containsKey("_id")) {
            event.put("id", Bson.toJson(stored.get("_id")));
        }
        if (stored.containsKey("type")) {
            event.put("type", stored.get("type"));
        }
        if (stored.containsKey("content")) {
            event.put("content", Bson.toJson(stored.get("content")));
        }
        if (stored.get("creation_timestamp") instanceof Date time) {
            event.put("creation_timestamp", time.getTime());
        }
        return event;
    }
}
