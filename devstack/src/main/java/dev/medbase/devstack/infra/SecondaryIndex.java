package dev.medbase.devstack.infra;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;

/**
 * A non-unique index for the embedded server, which otherwise accepts such indexes and ignores them (every query a
 * scan). Entries are (key values, document position), ordered as MongoDB orders the index: by each key in its
 * direction, BSON comparison order ({@link ValueComparator}), then by position. It lives in memory and is built from
 * the stored documents when the server opens the collection (mongo-java-server fills an empty index it is given), so
 * it can never disagree with the data after a crash; data files stay as they were.
 *
 * <p>{@link IndexPlan} decides which queries it serves; it only narrows which documents are read, the server still
 * matches each one against the whole query, so a plan needs to find a superset of the matches, never the exact set.
 */
final class SecondaryIndex extends Index<Object> {

    private static final Logger log = LoggerFactory.getLogger(SecondaryIndex.class);

    /** Bounds of a range: below and above every value. */
    static final Object LOW = new Object() {
        @Override
        public String toString() {
            return "LOW";
        }
    };
    static final Object HIGH = new Object() {
        @Override
        public String toString() {
            return "HIGH";
        }
    };

    record Entry(Object[] values, Object position) {
    }

    private final boolean[] descending;
    private final NavigableSet<Entry> entries;
    /** Some document gave more than one key (an indexed array): the walk order is then no sort order. */
    private volatile boolean multikey;
    /** A value the comparator cannot order was met: the index stops serving queries until it is rebuilt. */
    private volatile boolean unusable;

    SecondaryIndex(String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
        descending = new boolean[keys.size()];
        for (int i = 0; i < descending.length; i++) {
            descending[i] = !keys.get(i).isAscending();
        }
        entries = new ConcurrentSkipListSet<>(this::compare);
    }

    boolean usable() {
        return !unusable;
    }

    boolean multikey() {
        return multikey;
    }

    boolean sparse() {
        return isSparse();
    }

    boolean descending(int key) {
        return descending[key];
    }

    /** The entries from {@code from} to {@code to} (both inclusive, made of values and {@link #LOW}/{@link #HIGH}). */
    NavigableSet<Entry> range(Object[] from, Object[] to) {
        Entry first = new Entry(from, LOW);
        Entry last = new Entry(to, HIGH);
        if (compare(first, last) > 0) {
            return Collections.emptyNavigableSet(); // e.g. a > 30 and a < 20
        }
        return entries.subSet(first, true, last, true);
    }

    private int compare(Entry a, Entry b) {
        for (int i = 0; i < descending.length; i++) {
            int cmp = compareValues(a.values[i], b.values[i]);
            if (cmp != 0) {
                return descending[i] ? -cmp : cmp;
            }
        }
        return compareValues(a.position, b.position);
    }

    /** BSON order, with {@link #LOW} and {@link #HIGH} below and above everything (in the key's own direction). */
    static int compareValues(Object a, Object b) {
        if (a == b) {
            return 0;
        }
        if (a == LOW || b == HIGH) {
            return -1;
        }
        if (a == HIGH || b == LOW) {
            return 1;
        }
        return ValueComparator.asc().compare(a, b);
    }

    private static Object position(Document document) {
        // what H2Collection keys its documents by (and the _id index returns)
        return Missing.ofNullable(document.get("_id"));
    }

    private boolean skipped(Document document) {
        // a sparse index leaves out documents that lack every key (an explicit null counts as a value)
        return isSparse() && getKeys().stream()
                .allMatch(k -> Utils.getSubdocumentValue(document, k.getKey()) instanceof Missing);
    }

    private Set<KeyValue> keyValues(Document document) {
        Set<KeyValue> keyValues = getKeyValues(document);
        if (keyValues.size() > 1 || keyValues.stream().anyMatch(k -> k.stream().anyMatch(v -> v instanceof Collection))) {
            multikey = true;
        }
        return keyValues;
    }

    @Override
    public void add(Document document, Object position, MongoCollection<Object> collection) {
        if (skipped(document)) {
            return;
        }
        for (KeyValue keyValue : keyValues(document)) {
            try {
                entries.add(new Entry(keyValue.stream().toArray(), position));
            } catch (RuntimeException e) {
                // ValueComparator refuses some types; scans still answer correctly, so stop using the index
                log.warn("Index {} cannot order {}; queries scan instead: {}", getName(), keyValue, e.toString());
                unusable = true;
            }
        }
    }

    @Override
    public Object remove(Document document) {
        Object position = position(document);
        if (!skipped(document)) {
            for (KeyValue keyValue : getKeyValues(document)) {
                try {
                    entries.remove(new Entry(keyValue.stream().toArray(), position));
                } catch (RuntimeException e) {
                    unusable = true;
                }
            }
        }
        return position;
    }

    @Override
    public void updateInPlace(Document oldDocument, Document newDocument, Object position,
                              MongoCollection<Object> collection) {
        if (!nullAwareEqualsKeys(oldDocument, newDocument)) {
            remove(oldDocument);
            add(newDocument, position, collection);
        }
    }

    @Override
    public Object getPosition(Document document) {
        return null; // the _id index answers this
    }

    @Override
    public void checkAdd(Document document, MongoCollection<Object> collection) {
        getKeyValues(document); // refuses parallel arrays in a compound index, as MongoDB does
    }

    @Override
    public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<Object> collection) {
        getKeyValues(newDocument);
    }

    /** Queries go through {@link IndexPlan}, not through mongo-java-server's exact-key lookups. */
    @Override
    public boolean canHandle(Document query) {
        return false;
    }

    @Override
    public Iterable<Object> getPositions(Document query) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long getCount() {
        return entries.size();
    }

    @Override
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public long getDataSize() {
        return getCount();
    }

    @Override
    public void drop() {
        entries.clear();
    }
}
