package dev.medbase.devstack.infra;

import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;

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
        MVStore store = getMvStore();
        // Opening the index map first with our key type makes H2Database's own openMap(name) return that map (an
        // open map is returned as it is). Runs from H2Database's constructor too, for the indexes it reopens.
        return new H2Database(databaseName, store, getCursorRegistry()) {
            @Override
            protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName,
                                                            List<IndexKey> keys, boolean sparse) {
                // the map name H2Database uses: "<database>.<collection>._index_<index>"
                store.openMap(databaseName + "." + collectionName + "._index_" + indexName,
                        new MVMap.Builder<KeyValue, Object>().keyType(INDEX_KEYS));
                return super.openOrCreateUniqueIndex(collectionName, indexName, keys, sparse);
            }

            @Override
            protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
                // the map names H2Database uses: its documents map opened first, with documents stored as BSON
                String full = getFullCollectionNamespace(collectionName);
                store.openMap("databases." + full, new MVMap.Builder<Object, Document>().valueType(new BsonDocumentType()));
                if (scans == null) {
                    return super.openOrCreateCollection(collectionName, options);
                }
                // with matchDocuments (a query no index serves) reported
                return new H2Collection(this, collectionName, options, store.openMap("databases." + full),
                        store.openMap("meta." + full), cursorRegistry) {
                    @Override
                    protected QueryResult matchDocuments(Document query, Document orderBy, int skip, int limit,
                                                         int batchSize, Document projection) {
                        long start = System.nanoTime();
                        try {
                            return super.matchDocuments(query, orderBy, skip, limit, batchSize, projection);
                        } finally {
                            scans.record(full, query, orderBy, count(), System.nanoTime() - start);
                        }
                    }
                };
            }
        };
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
