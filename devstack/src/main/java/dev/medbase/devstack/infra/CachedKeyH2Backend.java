package dev.medbase.devstack.infra;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;

/**
 * mongo-java-server's H2 backend, with cheaper unique-index lookups. Its index maps are keyed by {@link KeyValue},
 * which H2 neither knows nor can compare, so H2 orders those keys by their Java serialization and serializes both
 * keys on every comparison: a lookup by {@code _id} in a collection of 10k documents serialized some 30 objects, and
 * under load that was over a third of the devstack's CPU. Here the index maps compare keys exactly as before (same
 * bytes, same order, so data files written before stay valid) but take the bytes from a small cache of recently
 * compared keys, by identity: the keys of the upper levels of a tree and the probe of a lookup are serialized once.
 * And documents are stored as BSON ({@link BsonDocumentType}) rather than Java-serialized.
 */
final class CachedKeyH2Backend extends H2Backend {

    private static final IndexKeyType INDEX_KEYS = new IndexKeyType();

    /** Null unless scans are reported (static: the backend's constructor opens the stored databases already). */
    private static final ScanReport scans = ScanReport.fromSystemProperty();

    CachedKeyH2Backend(String fileName) {
        super(fileName);
    }

    /** The scan report of this JVM's file-backed servers; null when {@code medbase.devstack.scan-report} is unset. */
    static ScanReport scanReport() {
        return scans;
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new Database(databaseName);
    }

    /**
     * H2's database with our index key type, documents stored as BSON, and {@link SecondaryIndex}es. An inner class:
     * H2Database's constructor reopens the stored collections and indexes through the overrides below, before any
     * field of a subclass is set, but the enclosing backend (its store) is known by then.
     */
    private final class Database extends H2Database {

        Database(String databaseName) {
            super(databaseName, getMvStore(), getCursorRegistry());
        }

        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName,
                                                        List<IndexKey> keys, boolean sparse) {
            // Opening the index map first with our key type makes H2Database's own openMap(name) return that map
            // (an open map is returned as it is); the map name H2Database uses: "<db>.<collection>._index_<index>".
            getMvStore().openMap(databaseName + "." + collectionName + "._index_" + indexName,
                    new MVMap.Builder<KeyValue, Object>().keyType(INDEX_KEYS));
            return super.openOrCreateUniqueIndex(collectionName, indexName, keys, sparse);
        }

        @Override
        protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName,
                                                           List<IndexKey> keys, boolean sparse) {
            return new SecondaryIndex(indexName, keys, sparse);
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            // the map names H2Database uses, its documents map opened first with documents stored as BSON
            String full = getFullCollectionNamespace(collectionName);
            MVStore mv = getMvStore();
            MVMap<Object, Document> documents = mv.openMap("databases." + full,
                    new MVMap.Builder<Object, Document>().valueType(new BsonDocumentType()));
            return new Collection(this, collectionName, options, documents, mv.openMap("meta." + full),
                    cursorRegistry);
        }

        /**
         * The server runs an aggregation over every document of the collection and matches them in its first stage;
         * a pipeline that starts with {@code $match} (the driver's {@code countDocuments}) is run here over the
         * documents a query with that filter finds, which uses the collection's indexes. The stage itself still
         * runs. Anything else, and any pipeline this path fails on, goes the server's own way (errors included).
         */
        @Override
        public Document handleCommand(Channel channel, String command, Document query, DatabaseResolver resolver,
                                      Oplog oplog) {
            if (command.equalsIgnoreCase("aggregate")) {
                Document answer = aggregateFromMatch(query, resolver, oplog);
                if (answer != null) {
                    return answer;
                }
            }
            return super.handleCommand(channel, command, query, resolver, oplog);
        }

        private Document aggregateFromMatch(Document command, DatabaseResolver resolver, Oplog oplog) {
            if (!(command.get("pipeline") instanceof List<?> pipeline) || pipeline.isEmpty()
                    || !(pipeline.get(0) instanceof Document first) || first.size() != 1
                    || !(first.get("$match") instanceof Document match) || command.containsKey("let")
                    || mentions(match, "$expr") || mentions(match, "$where")
                    || pipeline.stream().anyMatch(stage -> stage instanceof Document d
                            && (d.containsKey("$out") || d.containsKey("$merge") || d.containsKey("$changeStream")))) {
                return null;
            }
            String name = String.valueOf(command.get("aggregate"));
            MongoCollection<Object> collection = resolveCollection(name, false);
            if (collection == null) {
                return null;
            }
            try {
                List<Document> result = countStages(pipeline, collection, match);
                if (result == null) {
                    Aggregation aggregation = Aggregation.fromPipeline(pipeline, resolver, this, collection, oplog);
                    aggregation.validate(command);
                    result = aggregation.runStages(collection.handleQueryAsStream(match));
                }
                Document cursor = new Document("id", 0L).append("ns", getFullCollectionNamespace(name))
                        .append("firstBatch", result);
                Document response = new Document("cursor", cursor);
                Utils.markOkay(response);
                return response;
            } catch (RuntimeException e) {
                return null;
            }
        }

        /**
         * The result of the driver's {@code countDocuments} pipeline ({@code $match}, optional {@code $skip} and
         * {@code $limit}, {@code $group} of a constant {@code _id} with a {@code $sum: 1}) from the collection's
         * count, which counts index entries where they are the matches; null for any other pipeline.
         */
        private static List<Document> countStages(List<?> pipeline, MongoCollection<Object> collection,
                                                  Document match) {
            int skip = 0;
            int limit = 0;
            for (int i = 1; i < pipeline.size() - 1; i++) {
                Document stage = (Document) pipeline.get(i);
                if (stage.size() == 1 && stage.get("$skip") instanceof Number n && skip == 0 && limit == 0) {
                    skip = n.intValue();
                } else if (stage.size() == 1 && stage.get("$limit") instanceof Number n && limit == 0) {
                    limit = n.intValue();
                } else {
                    return null;
                }
            }
            if (pipeline.size() < 2 || !(pipeline.get(pipeline.size() - 1) instanceof Document last)
                    || last.size() != 1 || !(last.get("$group") instanceof Document group) || group.size() != 2
                    || !group.containsKey("_id") || group.get("_id") instanceof Document
                    || group.get("_id") instanceof String || group.get("_id") instanceof java.util.Collection) {
                return null;
            }
            String field = group.keySet().stream().filter(k -> !k.equals("_id")).findFirst().orElseThrow();
            if (!(group.get(field) instanceof Document sum) || sum.size() != 1
                    || !(sum.get("$sum") instanceof Number one) || one.doubleValue() != 1 || skip < 0 || limit < 0) {
                return null;
            }
            int n = collection.count(match, skip, limit);
            return n == 0 ? List.of() : List.of(new Document("_id", group.get("_id")).append(field, n));
        }

        private static boolean mentions(Object query, String operator) {
            if (query instanceof Document d) {
                return d.containsKey(operator) || d.values().stream().anyMatch(v -> mentions(v, operator));
            }
            if (query instanceof java.util.Collection<?> c) {
                return c.stream().anyMatch(v -> mentions(v, operator));
            }
            return false;
        }
    }

    /**
     * H2's collection, answering queries through a {@link SecondaryIndex} where one narrows them ({@link IndexPlan});
     * unique-index lookups and scans as before. Scans are reported when {@code medbase.devstack.scan-report} is set.
     */
    private static final class Collection extends H2Collection {

        Collection(MongoDatabase database, String name, CollectionOptions options, MVMap<Object, Document> documents,
                   MVMap<String, Object> meta, CursorRegistry cursors) {
            super(database, name, options, documents, meta, cursors);
        }

        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize,
                                             Document projection) {
            if (getIndexes().stream().anyMatch(index -> index.canHandle(query))) {
                return super.queryDocuments(query, orderBy, skip, limit, batchSize, projection); // an exact lookup
            }
            Iterable<Object> found = uniqueLookup(query);
            if (found != null) {
                Stream<Document> documents = StreamSupport.stream(found.spliterator(), false)
                        .map(this::getDocument).filter(Objects::nonNull);
                return matchDocumentsFromStream(documents, query, orderBy, skip, limit, batchSize, projection);
            }
            IndexPlan plan = plan(query, orderBy, limit);
            if (plan == null) {
                return super.queryDocuments(query, orderBy, skip, limit, batchSize, projection);
            }
            Stream<Object> positions = plan.entries().stream().map(SecondaryIndex.Entry::position);
            if (plan.index().multikey()) {
                positions = positions.distinct(); // one entry per element of an indexed array
            }
            Stream<Document> documents = positions.map(this::getDocument).filter(Objects::nonNull);
            if (plan.ordered()) {
                // in sort order already: the limit ends the walk
                return matchDocumentsFromStream(query, documents, skip, limit, batchSize, null, projection);
            }
            return matchDocumentsFromStream(documents, query, orderBy, skip, limit, batchSize, projection);
        }

        /**
         * Counts the entries of an index range when they are exactly the matches ({@link IndexPlan#exact()}): the
         * {@code page.total} of a list filtered by indexed fields reads no document.
         */
        @Override
        public synchronized int count(Document query, int skip, int limit) {
            IndexPlan plan = query == null || query.isEmpty() ? null : plan(query, null, 0);
            if (plan == null || !plan.exact()) {
                return super.count(query, skip, limit);
            }
            int n = Math.max(0, plan.entries().size() - skip);
            return limit > 0 ? Math.min(n, limit) : n;
        }

        /**
         * The document a unique index finds when the query fixes all its keys by equality beside other conditions
         * ({@code {_id, status}} without an index on both): mongo-java-server looks up only a query of exactly the
         * keys. Null when no unique index is fixed.
         */
        private Iterable<Object> uniqueLookup(Document query) {
            Map<String, List<Object>> conditions = null;
            for (Index<Object> index : getIndexes()) {
                if (!index.isUnique()) {
                    continue;
                }
                conditions = conditions == null ? IndexPlan.conditions(query) : conditions;
                Document exact = new Document();
                for (IndexKey key : index.getKeys()) {
                    Object value = IndexPlan.equality(conditions, key.getKey());
                    if (value == null) {
                        break;
                    }
                    exact.append(key.getKey(), value);
                }
                if (exact.size() == index.getKeys().size() && index.canHandle(exact)) {
                    return index.getPositions(exact);
                }
            }
            return null;
        }

        /** The narrowest plan of a secondary index, or null. */
        private IndexPlan plan(Document query, Document orderBy, int limit) {
            if (orderBy != null && orderBy.containsKey("$natural")) {
                return null;
            }
            IndexPlan best = null;
            for (Index<Object> index : getIndexes()) {
                if (index instanceof SecondaryIndex secondary) {
                    IndexPlan plan = IndexPlan.of(secondary, query, orderBy, limit);
                    if (plan != null && (best == null || plan.score() > best.score())) {
                        best = plan;
                    }
                }
            }
            return best;
        }

        @Override
        protected QueryResult matchDocuments(Document query, Document orderBy, int skip, int limit, int batchSize,
                                             Document projection) {
            if (scans == null) {
                return super.matchDocuments(query, orderBy, skip, limit, batchSize, projection);
            }
            long start = System.nanoTime();
            try {
                return super.matchDocuments(query, orderBy, skip, limit, batchSize, projection);
            } finally {
                scans.record(getFullName(), query, orderBy, count(), System.nanoTime() - start);
            }
        }
    }

    /** H2's object type, but {@link KeyValue}s are compared and written from cached serialized forms. */
    static final class IndexKeyType extends ObjectDataType {

        private static final int SLOTS = 1 << 14;
        /** H2's tag for a Java-serialized object ({@code ObjectDataType.TYPE_SERIALIZED_OBJECT}). */
        static final int SERIALIZED_OBJECT = 19;

        private record Serialized(Object key, byte[] bytes) {
        }

        private final AtomicReferenceArray<Serialized> cache = new AtomicReferenceArray<>(SLOTS);

        /** The same bytes as H2's own type writes for a key (tag, length, Java serialization), from the cache. */
        @Override
        public void write(WriteBuffer buff, Object obj) {
            if (!(obj instanceof KeyValue)) {
                super.write(buff, obj);
                return;
            }
            byte[] data = bytes(obj);
            buff.put((byte) SERIALIZED_OBJECT).putVarInt(data.length).put(data);
        }

        @Override
        public int compare(Object a, Object b) {
            if (a instanceof KeyValue && b instanceof KeyValue) {
                // What H2 does for two objects of a type it does not know and that are not Comparable.
                return a == b ? 0 : compareNotNull(bytes(a), bytes(b));
            }
            return super.compare(a, b);
        }

        private byte[] bytes(Object key) {
            int slot = System.identityHashCode(key) & (SLOTS - 1);
            Serialized cached = cache.get(slot);
            if (cached != null && cached.key() == key) {
                return cached.bytes();
            }
            byte[] bytes = serialize(key);
            cache.set(slot, new Serialized(key, bytes));
            return bytes;
        }
    }
}
