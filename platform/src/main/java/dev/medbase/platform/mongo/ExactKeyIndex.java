package dev.medbase.platform.mongo;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.index.Index;

/**
 * A unique index on {@code _id} followed by other fields, for a conditional single-document write
 * ({@code {_id: X, field: value, …}}, a compare-and-set). Unique by {@code _id} already, and on a real MongoDB the
 * {@code _id} index would serve such a query anyway; it exists for the embedded MongoDB-wire server (mongo-java-server),
 * which walks an index only when a query names exactly its keys and otherwise scans the whole collection — on every
 * claim, rotation or lock, over everything the collection ever held. A missing field is indexed as null, so
 * {@code {field: null}} finds documents without it too.
 */
public final class ExactKeyIndex {

    private ExactKeyIndex() {
    }

    /** {@code {_id: 1, fields…: 1}}, unique, named {@code name}. */
    public static Index of(String name, String... fields) {
        Index index = new Index("_id", Sort.Direction.ASC);
        for (String field : fields) {
            index.on(field, Sort.Direction.ASC);
        }
        return index.unique().named(name);
    }
}
