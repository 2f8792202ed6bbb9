package dev.medbase.platform.rql;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.BsonRegularExpression;
import org.bson.types.ObjectId;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import dev.medbase.platform.rql.RqlQuery.SortField;

/**
 * Translates an {@link RqlQuery} into a Spring Data MongoDB {@link Query} for one endpoint: filter criteria, sort,
 * projection, skip and the effective (capped) limit. Configure one per endpoint, once, and share it (it is immutable):
 *
 * <pre>{@code
 * static final RqlTranslator USERS = RqlTranslator.builder()
 *         .field("id", "_id", FieldType.OBJECT_ID)
 *         .field("first_name", FieldType.STRING)
 *         .field("creation_timestamp", FieldType.DATE)
 *         .field("staff_enlistments")                  // also allows staff_enlistments.group_id …
 *         .field("staff_enlistments.group_id", FieldType.OBJECT_ID)
 *         .camelCaseAliases()                          // firstName → first_name
 *         .build();
 * }</pre>
 *
 * Fields: a wire name is looked up exactly, then by its longest declared parent ({@code data} admits every
 * {@code data.*} path), then, with {@link Builder#camelCaseAliases()}, as snake_case. Anything else is rejected with
 * INVALID_RQL (so a query cannot probe fields the endpoint does not expose, such as password hashes) unless
 * {@link Builder#allowUnknownFields()} was set.
 */
public final class RqlTranslator {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    private record Field(String stored, FieldType type) {
    }

    /** Where field names are resolved: the root, or the element of an array inside {@code contains(array, …)}. */
    private record Scope(String wirePrefix, String storedPrefix) {
        static final Scope ROOT = new Scope("", "");
    }

    private final Map<String, Field> fields;
    private final boolean camelCaseAliases;
    private final boolean allowUnknownFields;
    private final int defaultLimit;
    private final int maxLimit;

    private RqlTranslator(Builder b) {
        this.fields = Map.copyOf(b.fields);
        this.camelCaseAliases = b.camelCaseAliases;
        this.allowUnknownFields = b.allowUnknownFields;
        this.defaultLimit = b.defaultLimit;
        this.maxLimit = b.maxLimit;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The whole query: filter, sort, projection, {@code skip(offset)} and {@code limit(effectiveLimit)}. */
    public Query toQuery(RqlQuery rql) {
        return toQuery(rql, null);
    }

    /**
     * Like {@link #toQuery(RqlQuery)}, with {@code scope} ANDed to the filter: what the endpoint always imposes, such
     * as "documents of this schema" or "records the caller may see". Null for none.
     */
    public Query toQuery(RqlQuery rql, Criteria scope) {
        Query query = new Query();
        if (rql.hasFilter() && scope != null) {
            query.addCriteria(new Criteria().andOperator(scope, toCriteria(rql.filter())));
        } else if (rql.hasFilter()) {
            query.addCriteria(toCriteria(rql.filter()));
        } else if (scope != null) {
            query.addCriteria(scope);
        }
        if (!rql.sort().isEmpty()) {
            query.with(toSort(rql.sort()));
        }
        if (!rql.select().isEmpty()) {
            query.fields().include(projection(rql.select()).toArray(String[]::new));
        }
        return query.skip(rql.offset()).limit(effectiveLimit(rql));
    }

    /** The filter alone; {@link RqlNode#MATCH_ALL} gives the empty criteria. */
    public Criteria toCriteria(RqlNode filter) {
        return criteria(filter, Scope.ROOT);
    }

    public Sort toSort(List<SortField> sort) {
        List<Sort.Order> orders = new ArrayList<>();
        for (SortField key : sort) {
            String stored = resolve(Scope.ROOT, key.field()).stored();
            orders.add(key.descending() ? Sort.Order.desc(stored) : Sort.Order.asc(stored));
        }
        return Sort.by(orders);
    }

    /** The page size the query gets: its {@code limit(n)} or the default, capped at the maximum. */
    public int effectiveLimit(RqlQuery rql) {
        return Math.min(rql.limit() == null ? defaultLimit : rql.limit(), maxLimit);
    }

    /** The stored name a wire field maps to (INVALID_RQL when the field is not allowed). */
    public String storedField(String wireField) {
        return resolve(Scope.ROOT, wireField).stored();
    }

    private List<String> projection(List<String> select) {
        List<String> stored = new ArrayList<>();
        for (String wire : select) {
            String name = resolve(Scope.ROOT, wire).stored();
            if (stored.contains(name)) {
                continue; // an alias of a field already selected
            }
            for (String other : stored) {
                if (other.startsWith(name + ".") || name.startsWith(other + ".")) {
                    throw Rql.invalid("select() cannot name both a field and one of its sub-fields ('"
                            + Rql.excerpt(wire) + "')");
                }
            }
            stored.add(name);
        }
        return stored;
    }

    private Criteria criteria(RqlNode node, Scope scope) {
        if (node instanceof RqlNode.And and) {
            return and.conditions().isEmpty() ? new Criteria() : new Criteria().andOperator(all(and.conditions(), scope));
        }
        if (node instanceof RqlNode.Or or) {
            return new Criteria().orOperator(all(or.conditions(), scope));
        }
        if (node instanceof RqlNode.Compare compare) {
            return compare(compare, scope);
        }
        if (node instanceof RqlNode.In in) {
            Field field = resolve(scope, in.field());
            return Criteria.where(field.stored()).in(bson(in.values(), field.type()));
        }
        if (node instanceof RqlNode.Out out) {
            Field field = resolve(scope, out.field());
            return Criteria.where(field.stored()).nin(bson(out.values(), field.type()));
        }
        if (node instanceof RqlNode.Contains contains) {
            Field field = resolve(scope, contains.field());
            return contains.condition() == null
                    ? Criteria.where(field.stored()).exists(true)
                    : Criteria.where(field.stored()).elemMatch(element(scope, contains.field(), field, contains.condition()));
        }
        RqlNode.Excludes excludes = (RqlNode.Excludes) node;
        Field field = resolve(scope, excludes.field());
        return excludes.condition() == null
                ? Criteria.where(field.stored()).exists(false)
                : Criteria.where(field.stored()).not().elemMatch(element(scope, excludes.field(), field, excludes.condition()));
    }

    private List<Criteria> all(List<RqlNode> nodes, Scope scope) {
        List<Criteria> all = new ArrayList<>(nodes.size());
        for (RqlNode node : nodes) {
            all.add(criteria(node, scope));
        }
        return all;
    }

    private Criteria compare(RqlNode.Compare compare, Scope scope) {
        Field field = resolve(scope, compare.field());
        Criteria where = Criteria.where(field.stored());
        if (compare.op() == RqlNode.CompareOp.LIKE) {
            return where.regex(compare.value() instanceof RqlValue.Regex regex
                    ? regex(regex)
                    : new BsonRegularExpression(RqlValues.quoteRegex(compare.value().text()), "i"));
        }
        Object value = bson(compare.value(), field.type());
        return switch (compare.op()) {
            case EQ -> value instanceof BsonRegularExpression regex ? where.regex(regex) : where.is(value);
            case NE -> value instanceof BsonRegularExpression regex ? where.not().regex(regex) : where.ne(value);
            case GT -> where.gt(value);
            case GE -> where.gte(value);
            case LT -> where.lt(value);
            case LE -> where.lte(value);
            case LIKE -> throw new IllegalStateException("handled above");
        };
    }

    private static List<Object> bson(List<RqlValue> values, FieldType type) {
        List<Object> bson = new ArrayList<>(values.size());
        for (RqlValue value : values) {
            bson.add(bson(value, type));
        }
        return bson;
    }

    /** The BSON value to compare a field of this type with (§4.5 items 3 and 5; see {@link FieldType}). */
    static Object bson(RqlValue value, FieldType type) {
        String text = value.text();
        if (value instanceof RqlValue.Null) {
            return null;
        }
        if (type == FieldType.DATE_STRING) {
            String date = dateString(value);
            if (date != null) {
                return date;
            }
        }
        if (type == FieldType.OBJECT_ID && (value instanceof RqlValue.Text || !value.explicit())) {
            return ObjectId.isValid(text) ? new ObjectId(text) : text;
        }
        if (!value.explicit()) {
            switch (type) {
                case STRING -> {
                    return text;
                }
                case NUMBER -> {
                    Number number = RqlValues.parseDecimal(text);
                    if (number != null) {
                        return number;
                    }
                }
                case BOOLEAN -> {
                    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                        return Boolean.parseBoolean(text);
                    }
                }
                case DATE -> {
                    if (value instanceof RqlValue.Num number) {
                        return new Date(number.value().longValue());
                    }
                    Instant instant = RqlValues.parseIsoDate(text);
                    if (instant != null) {
                        return Date.from(instant);
                    }
                }
                default -> {
                }
            }
        }
        if (value instanceof RqlValue.Num number) {
            return number.value();
        }
        if (value instanceof RqlValue.Bool bool) {
            return bool.value();
        }
        if (value instanceof RqlValue.DateTime date) {
            return Date.from(date.value());
        }
        if (value instanceof RqlValue.Regex regex) {
            return regex(regex);
        }
        return text;
    }

    /** The normalised UTC ISO string of a date-like value, or null when it is none (then it compares as typed). */
    private static String dateString(RqlValue value) {
        Instant instant = null;
        if (value instanceof RqlValue.DateTime date) {
            instant = date.value();
        } else if (value.explicit() && !(value instanceof RqlValue.Num)) {
            return null; // string:2012 stays the string "2012"
        } else if (value instanceof RqlValue.Num number) {
            long millis = number.value().longValue();
            instant = number.value().doubleValue() == millis ? Instant.ofEpochMilli(millis) : null;
        } else if (value instanceof RqlValue.Text) {
            String text = value.text();
            instant = RqlValues.parseIsoDate(text);
            if (instant == null && text.matches("[0-9]{4}(-[0-9]{2})?")) {
                instant = RqlValues.parseIsoDate(RqlValues.padIsoDate(text));
            }
        }
        return instant == null ? null : RqlValues.isoString(instant);
    }

    private static BsonRegularExpression regex(RqlValue.Regex regex) {
        return new BsonRegularExpression(regex.pattern(), regex.caseInsensitive() ? "i" : "");
    }

    /** Resolves a field name of the query (relative to the array element inside contains/excludes). */
    private Field resolve(Scope scope, String wire) {
        if (scope == Scope.ROOT) {
            return resolve(wire);
        }
        Field full = resolve(scope.wirePrefix() + "." + wire);
        String prefix = scope.storedPrefix() + ".";
        return new Field(full.stored().startsWith(prefix) ? full.stored().substring(prefix.length()) : wire, full.type());
    }

    private Field resolve(String wire) {
        Field field = lookup(wire);
        if (field == null && camelCaseAliases) {
            String snake = snakeCase(wire);
            field = snake.equals(wire) ? null : lookup(snake);
        }
        if (field == null) {
            if (!allowUnknownFields) {
                throw Rql.invalid("unknown field '" + Rql.excerpt(wire) + "'");
            }
            field = new Field(wire, FieldType.ANY);
        }
        return field;
    }

    private Field lookup(String wire) {
        Field exact = fields.get(wire);
        if (exact != null) {
            return exact;
        }
        for (int dot = wire.lastIndexOf('.'); dot > 0; dot = wire.lastIndexOf('.', dot - 1)) {
            Field parent = fields.get(wire.substring(0, dot));
            if (parent != null) {
                return new Field(parent.stored() + wire.substring(dot), FieldType.ANY);
            }
        }
        return null;
    }

    /** The criteria of a contains/excludes condition, with field names relative to the array element. */
    private Criteria element(Scope scope, String wire, Field array, RqlNode condition) {
        Scope element = scope == Scope.ROOT
                ? new Scope(wire, array.stored())
                : new Scope(scope.wirePrefix() + "." + wire, scope.storedPrefix() + "." + array.stored());
        return criteria(condition, element);
    }

    static String snakeCase(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && camel.charAt(i - 1) != '.') {
                out.append('_');
            }
            out.append(Character.toLowerCase(c));
        }
        return out.toString();
    }

    public static final class Builder {

        private final Map<String, Field> fields = new LinkedHashMap<>();
        private boolean camelCaseAliases;
        private boolean allowUnknownFields;
        private int defaultLimit = DEFAULT_LIMIT;
        private int maxLimit = MAX_LIMIT;

        private Builder() {
        }

        /** Allows a wire field (and its sub-paths) stored under the same name, with no type coercion. */
        public Builder field(String wire) {
            return field(wire, wire, FieldType.ANY);
        }

        public Builder field(String wire, FieldType type) {
            return field(wire, wire, type);
        }

        /** Maps a wire field (and its sub-paths) to a stored one, e.g. {@code field("id", "_id", OBJECT_ID)}. */
        public Builder field(String wire, String stored, FieldType type) {
            if (wire.isEmpty() || stored.isEmpty() || type == null) {
                throw new IllegalArgumentException("field names must be non-empty and the type given");
            }
            fields.put(wire, new Field(stored, type));
            return this;
        }

        /** Also accept camelCase spellings of declared snake_case fields ({@code firstName} → {@code first_name}). */
        public Builder camelCaseAliases() {
            this.camelCaseAliases = true;
            return this;
        }

        /** Pass undeclared fields through unchanged instead of rejecting them with INVALID_RQL. */
        public Builder allowUnknownFields() {
            this.allowUnknownFields = true;
            return this;
        }

        /** Page size without {@code limit()} (default 20). */
        public Builder defaultLimit(int defaultLimit) {
            this.defaultLimit = defaultLimit;
            return this;
        }

        /** Largest page size; larger {@code limit()} values are capped (default 100). */
        public Builder maxLimit(int maxLimit) {
            this.maxLimit = maxLimit;
            return this;
        }

        public RqlTranslator build() {
            if (defaultLimit < 1 || maxLimit < 1) {
                throw new IllegalArgumentException("limits must be at least 1");
            }
            return new RqlTranslator(this);
        }
    }
}
