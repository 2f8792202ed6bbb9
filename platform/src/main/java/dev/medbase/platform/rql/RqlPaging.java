package dev.medbase.platform.rql;

import java.util.List;
import java.util.function.Function;

import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.query.Query;

/**
 * Runs a translated query as one page (contract §2.6): {@code find} with the query's skip and limit, plus a count of
 * all matches unless the RQL said {@code skipCount()}.
 *
 * <pre>{@code
 * Query query = translator.toQuery(rql, Criteria.where("schemaId").is(schemaId));
 * return RqlPaging.find(mongo, query, rql, DocumentEntity.class, "documents", Document::fromEntity);
 * }</pre>
 */
public final class RqlPaging {

    private RqlPaging() {
    }

    /**
     * @param query      from {@link RqlTranslator#toQuery}: its skip and limit are the effective offset and limit
     * @param rql        the parsed query, for {@code skipCount()}
     * @param type       the stored type to read
     * @param collection the collection to read
     * @param toWire     maps a stored item to its wire form
     */
    public static <D, T> PageEnvelope<T> find(MongoOperations mongo, Query query, RqlQuery rql, Class<D> type,
                                              String collection, Function<? super D, ? extends T> toWire) {
        List<T> data = mongo.find(query, type, collection).stream().<T>map(toWire).toList();
        Long total = null;
        if (!rql.skipCount()) {
            // count ignores sort and projection; reset skip and limit, which MongoTemplate.count would apply
            total = mongo.count(Query.of(query).skip(0).limit(0), type, collection);
        }
        return PageEnvelope.of(data, total, query.getSkip(), query.getLimit());
    }

    /** {@link #find(MongoOperations, Query, RqlQuery, Class, String, Function)} on the type's mapped collection. */
    public static <D, T> PageEnvelope<T> find(MongoOperations mongo, Query query, RqlQuery rql, Class<D> type,
                                              Function<? super D, ? extends T> toWire) {
        return find(mongo, query, rql, type, mongo.getCollectionName(type), toWire);
    }
}
