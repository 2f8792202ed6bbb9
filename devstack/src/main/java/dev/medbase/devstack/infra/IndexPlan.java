package dev.medbase.devstack.infra;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.regex.Pattern;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;

/**
 * How a query can use a {@link SecondaryIndex}: the range of entries that holds every match, and whether walking it
 * gives the documents in the query's sort order (then a {@code limit} stops the walk early). Conditions come from the
 * query's top level and its {@code $and}s: equality with a value, {@code $eq}, {@code $gt}/{@code $gte}/{@code $lt}/
 * {@code $lte} and {@code $in} (as the range from its least to its greatest value). Bounds are inclusive and widened
 * where exactness would need care (exclusive bounds, {@code $in}, type brackets): the server matches every document
 * of the range against the whole query, so a range only has to hold every match.
 *
 * @param from    first entry values, in the index's order (values, {@link SecondaryIndex#LOW}/{@code HIGH})
 * @param to      last entry values
 * @param score   how narrow the range is: 4 per leading key fixed by equality, 2 for a range after them, 1 for order
 * @param ordered walking the range (forwards, or backwards when {@code reverse}) gives the query's sort order
 * @param exact   the range holds the matches and nothing else (the query is equalities on the leading keys only),
 *                so counting entries counts matches, as MongoDB's count scan does
 */
record IndexPlan(SecondaryIndex index, Object[] from, Object[] to, int score, boolean ordered, boolean reverse,
                 boolean exact) {

    /** Entries of the range in walking order. */
    NavigableSet<SecondaryIndex.Entry> entries() {
        NavigableSet<SecondaryIndex.Entry> range = index.range(from, to);
        return reverse ? range.descendingSet() : range;
    }

    /**
     * The plan for {@code query} sorted by {@code orderBy} (null or empty: any order) on {@code index}, or null when
     * the index does not narrow the query (nor serves its sort under a limit).
     */
    static IndexPlan of(SecondaryIndex index, Document query, Document orderBy, int limit) {
        if (!index.usable()) {
            return null;
        }
        Map<String, List<Object>> conditions = conditions(query);
        List<IndexKey> keys = index.getKeys();
        int n = keys.size();
        Object[] lo = new Object[n];
        Object[] hi = new Object[n];
        int fixed = 0;
        boolean ranged = false;
        for (int i = 0; i < n; i++) {
            lo[i] = SecondaryIndex.LOW;
            hi[i] = SecondaryIndex.HIGH;
        }
        for (int i = 0; i < n && !ranged; i++) {
            Bounds bounds = Bounds.of(conditions.getOrDefault(keys.get(i).getKey(), List.of()), index);
            if (bounds == null) {
                break;
            }
            lo[i] = bounds.lo;
            hi[i] = bounds.hi;
            if (bounds.equality()) {
                fixed++;
            } else {
                ranged = true;
            }
        }
        Order order = order(index, fixed, orderBy);
        boolean bounded = fixed > 0 || ranged;
        if (!bounded && !(order.sorts && limit > 0 && !index.sparse())) {
            return null; // a walk of the whole index pays only when it replaces the sort and a limit cuts it short
        }
        Object[] from = new Object[n];
        Object[] to = new Object[n];
        for (int i = 0; i < n; i++) {
            boolean descending = index.descending(i);
            from[i] = descending ? hi[i] : lo[i];
            to[i] = descending ? lo[i] : hi[i];
        }
        int score = 4 * fixed + (ranged ? 2 : 0) + (order.sorts ? 1 : 0);
        int equalities = fixed;
        boolean exact = !index.multikey() && fieldsAndAndsOnly(query) && conditions.entrySet().stream()
                .allMatch(e -> fixedTo(keys, equalities, lo, e.getKey(), e.getValue()));
        return new IndexPlan(index, from, to, score, order.ordered, order.reverse, exact);
    }

    private record Order(boolean ordered, boolean sorts, boolean reverse) {
    }

    /**
     * Whether the walk gives {@code orderBy}'s order: after dropping the sort keys fixed by equality, the rest must be
     * the next index keys, all in the index's directions (walk forwards) or all against them (backwards).
     */
    private static Order order(SecondaryIndex index, int fixed, Document orderBy) {
        List<IndexKey> keys = index.getKeys();
        List<Map.Entry<String, Object>> sort = new ArrayList<>();
        if (orderBy != null) {
            for (Map.Entry<String, Object> e : orderBy.entrySet()) {
                boolean fixedKey = keys.subList(0, fixed).stream().anyMatch(k -> k.getKey().equals(e.getKey()));
                if (!fixedKey) {
                    sort.add(e);
                }
            }
        }
        if (sort.isEmpty()) {
            return new Order(true, false, false); // any order will do
        }
        if (index.multikey() || fixed + sort.size() > keys.size()) {
            return new Order(false, false, false);
        }
        Boolean reverse = null;
        for (int j = 0; j < sort.size(); j++) {
            IndexKey key = keys.get(fixed + j);
            if (!key.getKey().equals(sort.get(j).getKey()) || !(sort.get(j).getValue() instanceof Number direction)) {
                return new Order(false, false, false);
            }
            boolean against = (direction.intValue() > 0) != key.isAscending();
            if (reverse != null && reverse != against) {
                return new Order(false, false, false);
            }
            reverse = against;
        }
        return new Order(true, true, reverse);
    }

    /** Whether every condition on {@code field} is an equality with the value a leading key is fixed to. */
    private static boolean fixedTo(List<IndexKey> keys, int fixed, Object[] values, String field, List<Object> conditions) {
        for (int i = 0; i < fixed; i++) {
            if (keys.get(i).getKey().equals(field)) {
                Object value = values[i];
                return conditions.stream().allMatch(c -> {
                    Object eq = c instanceof Document d && d.size() == 1 && d.containsKey("$eq") ? d.get("$eq") : c;
                    return Bounds.isValue(eq) && SecondaryIndex.compareValues(eq, value) == 0
                            && (eq == null) == (value == null);
                });
            }
        }
        return false;
    }

    /** A query of field conditions and {@code $and}s of them, no other operator at its top. */
    private static boolean fieldsAndAndsOnly(Document query) {
        return query.entrySet().stream().allMatch(e -> !e.getKey().startsWith("$")
                || e.getKey().equals("$and") && e.getValue() instanceof Collection<?> all
                && all.stream().allMatch(part -> part instanceof Document d && fieldsAndAndsOnly(d)));
    }

    /** The equality value of a unique index's key in {@code query}, or null (none, or not a plain value). */
    static Object equality(Map<String, List<Object>> conditions, String key) {
        for (Object c : conditions.getOrDefault(key, List.of())) {
            Object eq = c instanceof Document d && d.size() == 1 && d.containsKey("$eq") ? d.get("$eq") : c;
            if (eq != null && Bounds.isValue(eq)) {
                return eq;
            }
        }
        return null;
    }

    /** The conditions on fields that every match satisfies: the top level and, recursively, {@code $and}. */
    static Map<String, List<Object>> conditions(Document query) {
        Map<String, List<Object>> conditions = new LinkedHashMap<>();
        collect(query, conditions);
        return conditions;
    }

    private static void collect(Document query, Map<String, List<Object>> conditions) {
        for (Map.Entry<String, Object> e : query.entrySet()) {
            if (e.getKey().equals("$and") && e.getValue() instanceof Collection<?> all) {
                for (Object part : all) {
                    if (part instanceof Document d) {
                        collect(d, conditions);
                    }
                }
            } else if (!e.getKey().startsWith("$")) {
                conditions.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
            }
        }
    }

    /** Value-space bounds of one key (inclusive; LOW/HIGH for open ends); equality when lo == hi. */
    private record Bounds(Object lo, Object hi, boolean equality) {

        /** Null when no condition bounds the key. */
        static Bounds of(List<Object> conditions, SecondaryIndex index) {
            Comparator<Object> cmp = SecondaryIndex::compareValues;
            Object lo = SecondaryIndex.LOW;
            Object hi = SecondaryIndex.HIGH;
            // In a multikey index, `a > 5 and a < 3` matches [1, 10]: one element each. Bounds from two conditions
            // then miss matches, so only the first is used.
            boolean one = index.multikey();
            for (Object condition : conditions) {
                if (isValue(condition) && (condition != null || !index.sparse())) {
                    return new Bounds(condition, condition, true); // a sparse index has no entry for a missing field
                }
                if (!(condition instanceof Document operators) || isRegex(condition)) {
                    continue;
                }
                Object eq = operators.get("$eq");
                if (operators.containsKey("$eq") && isValue(eq) && (eq != null || !index.sparse())) {
                    return new Bounds(eq, eq, true);
                }
                for (Map.Entry<String, Object> op : operators.entrySet()) {
                    Object v = op.getValue();
                    boolean lower = op.getKey().equals("$gt") || op.getKey().equals("$gte");
                    boolean upper = op.getKey().equals("$lt") || op.getKey().equals("$lte");
                    if (op.getKey().equals("$in") && v instanceof Collection<?> in && !in.isEmpty()
                            && in.stream().allMatch(x -> isValue(x) && x != null)) {
                        Object min = in.stream().min(cmp).orElseThrow();
                        Object max = in.stream().max(cmp).orElseThrow();
                        if (one) {
                            return new Bounds(min, max, false);
                        }
                        lo = max(lo, min, cmp);
                        hi = min(hi, max, cmp);
                    } else if ((lower || upper) && isValue(v) && v != null) {
                        if (one) {
                            return lower ? new Bounds(v, SecondaryIndex.HIGH, false)
                                    : new Bounds(SecondaryIndex.LOW, v, false);
                        }
                        lo = lower ? max(lo, v, cmp) : lo;
                        hi = upper ? min(hi, v, cmp) : hi;
                    }
                }
            }
            return lo == SecondaryIndex.LOW && hi == SecondaryIndex.HIGH ? null : new Bounds(lo, hi, false);
        }

        private static Object max(Object a, Object b, Comparator<Object> cmp) {
            return cmp.compare(a, b) >= 0 ? a : b;
        }

        private static Object min(Object a, Object b, Comparator<Object> cmp) {
            return cmp.compare(a, b) <= 0 ? a : b;
        }

        /** A value an index entry can equal: not a sub-document or array (matched as a whole), nor a pattern. */
        private static boolean isValue(Object v) {
            return !(v instanceof Document) && !(v instanceof Collection) && !(v instanceof Map) && !isRegex(v);
        }

        private static boolean isRegex(Object v) {
            return v instanceof Pattern || BsonRegularExpression.isRegularExpression(v);
        }
    }
}
