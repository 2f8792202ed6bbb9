package dev.medbase.platform.rql;

import java.util.List;

/**
 * A filter condition of an RQL query (contract §4.4). Field names are the wire names as written in the query; the
 * {@link RqlTranslator} maps them to stored names. {@code and}/{@code or} with a single condition are flattened to
 * that condition, and query options ({@code select}, {@code sort}, {@code limit}, {@code skipCount}) never appear
 * here: they are hoisted into {@link RqlQuery}.
 */
public sealed interface RqlNode {

    /** The empty filter: matches every record. */
    And MATCH_ALL = new And(List.of());

    /** All conditions hold. Empty only as {@link #MATCH_ALL}. */
    record And(List<RqlNode> conditions) implements RqlNode {
        public And {
            conditions = List.copyOf(conditions);
        }
    }

    /** At least one condition holds. */
    record Or(List<RqlNode> conditions) implements RqlNode {
        public Or {
            conditions = List.copyOf(conditions);
        }
    }

    enum CompareOp {
        EQ, NE, GT, GE, LT, LE,
        /** Case-insensitive substring match on strings (and arrays of strings). */
        LIKE
    }

    /** {@code eq(field,value)}, {@code ne}, {@code gt}, {@code ge}, {@code lt}, {@code le}, {@code like}. */
    record Compare(CompareOp op, String field, RqlValue value) implements RqlNode {
    }

    /** {@code in(field,v1,v2,…)}: the field equals (for arrays: an element equals) one of the values. */
    record In(String field, List<RqlValue> values) implements RqlNode {
        public In {
            values = List.copyOf(values);
        }
    }

    /** {@code out(field,v1,v2,…)}: the field equals (for arrays: no element equals) none of the values. */
    record Out(String field, List<RqlValue> values) implements RqlNode {
        public Out {
            values = List.copyOf(values);
        }
    }

    /**
     * {@code contains(field)}: the field exists. {@code contains(field,condition)}: the field is an array and at least
     * one element satisfies {@code condition}, whose field names are relative to the element. {@code condition} is
     * null for the existence form.
     */
    record Contains(String field, RqlNode condition) implements RqlNode {
        public Contains(String field) {
            this(field, null);
        }
    }

    /** The negation of {@link Contains}: the field is absent, or no element satisfies {@code condition}. */
    record Excludes(String field, RqlNode condition) implements RqlNode {
        public Excludes(String field) {
            this(field, null);
        }
    }
}
