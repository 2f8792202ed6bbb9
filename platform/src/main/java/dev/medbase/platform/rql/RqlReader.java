package dev.medbase.platform.rql;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.rql.RqlNode.CompareOp;
import dev.medbase.platform.rql.RqlQuery.SortField;
import dev.medbase.platform.rql.RqlSyntax.Array;
import dev.medbase.platform.rql.RqlSyntax.Call;
import dev.medbase.platform.rql.RqlSyntax.Term;
import dev.medbase.platform.rql.RqlSyntax.Value;

/**
 * Step 4 of the decoding procedure and the operator rules: turns the untyped tree of {@link RqlSyntax} into an
 * {@link RqlQuery}. Checks operator names and arity, decodes and types values (§4.5), and hoists {@code select},
 * {@code sort}, {@code limit} and {@code skipCount} from anywhere in the tree (a later one replaces an earlier one).
 */
final class RqlReader {

    private static final int MAX_FIELD_LENGTH = 512;

    private List<String> select = List.of();
    private List<SortField> sort = List.of();
    private Integer limit;
    private int offset;
    private boolean skipCount;

    private RqlReader() {
    }

    static RqlQuery read(Call top) {
        RqlReader reader = new RqlReader();
        RqlNode filter = reader.condition(top);
        return new RqlQuery(filter, reader.select, reader.sort, reader.limit, reader.offset, reader.skipCount);
    }

    /** The condition {@code call} stands for, or null for a hoisted option or an and/or that only held options. */
    private RqlNode condition(Call call) {
        List<Term> args = call.args();
        switch (call.name()) {
            case "and", "or" -> {
                List<RqlNode> conditions = conditions(call, args);
                if (conditions.size() <= 1) {
                    return conditions.isEmpty() ? null : conditions.get(0);
                }
                return call.name().equals("and") ? new RqlNode.And(conditions) : new RqlNode.Or(conditions);
            }
            case "eq", "ne", "gt", "ge", "lt", "le", "like" -> {
                if (args.size() != 2) {
                    throw error(call, call.name() + "() takes 2 arguments (field, value) but got " + args.size());
                }
                CompareOp op = CompareOp.valueOf(call.name().toUpperCase(Locale.ROOT));
                return new RqlNode.Compare(op, field(call, args.get(0)), value(call, args.get(1)));
            }
            case "in", "out" -> {
                if (args.isEmpty()) {
                    throw error(call, call.name() + "() takes a field and values but got no arguments");
                }
                List<RqlValue> values = new ArrayList<>();
                for (Term arg : args.subList(1, args.size())) {
                    if (arg instanceof Array array) {
                        for (Term item : array.items()) {
                            values.add(value(call, item));
                        }
                    } else {
                        values.add(value(call, arg));
                    }
                }
                String field = field(call, args.get(0));
                return call.name().equals("in") ? new RqlNode.In(field, values) : new RqlNode.Out(field, values);
            }
            case "contains", "excludes" -> {
                if (args.isEmpty()) {
                    throw error(call, call.name() + "() takes a field and optionally conditions but got no arguments");
                }
                String field = field(call, args.get(0));
                List<RqlNode> conditions = conditions(call, args.subList(1, args.size()));
                RqlNode condition = conditions.isEmpty() ? null
                        : conditions.size() == 1 ? conditions.get(0) : new RqlNode.And(conditions);
                return call.name().equals("contains")
                        ? new RqlNode.Contains(field, condition) : new RqlNode.Excludes(field, condition);
            }
            case "select" -> {
                Set<String> fields = new LinkedHashSet<>();
                for (Term arg : flatten(args)) {
                    String name = text(call, arg);
                    if (name.startsWith("-")) {
                        throw error(arg, "select() cannot exclude fields ('" + Rql.excerpt(name) + "'); list the fields to return");
                    }
                    fields.add(checkField(arg, name.startsWith("+") ? name.substring(1) : name));
                }
                select = List.copyOf(fields);
                return null;
            }
            case "sort" -> {
                List<SortField> keys = new ArrayList<>();
                for (Term arg : flatten(args)) {
                    String key = text(call, arg);
                    boolean descending = key.startsWith("-");
                    String name = descending || key.startsWith("+") ? key.substring(1) : key;
                    keys.add(new SortField(checkField(arg, name), descending));
                }
                sort = List.copyOf(keys);
                return null;
            }
            case "limit" -> {
                if (args.isEmpty() || args.size() > 2) {
                    throw error(call, "limit() takes 1 or 2 arguments (count[, offset]) but got " + args.size());
                }
                long count = integer(call, args.get(0), "count");
                if (count < 1) {
                    throw error(args.get(0), "limit() count must be at least 1");
                }
                limit = (int) Math.min(count, Integer.MAX_VALUE); // the translator caps it anyway
                long skip = args.size() == 2 ? integer(call, args.get(1), "offset") : 0;
                if (skip > Integer.MAX_VALUE) {
                    throw error(args.get(1), "limit() offset is too large");
                }
                offset = (int) skip;
                return null;
            }
            case "skipCount", "skip_count" -> {
                if (!args.isEmpty()) {
                    throw error(call, call.name() + "() takes no arguments");
                }
                skipCount = true;
                return null;
            }
            default -> throw error(call, "unknown operator '" + Rql.excerpt(call.name()) + "'");
        }
    }

    private List<RqlNode> conditions(Call parent, List<Term> args) {
        List<RqlNode> conditions = new ArrayList<>();
        for (Term arg : args) {
            if (!(arg instanceof Call call)) {
                throw error(arg, parent.name() + "() expects query operators as arguments, not a value or array");
            }
            RqlNode condition = condition(call);
            if (condition != null) {
                conditions.add(condition);
            }
        }
        return conditions;
    }

    private static List<Term> flatten(List<Term> args) {
        List<Term> flat = new ArrayList<>();
        for (Term arg : args) {
            if (arg instanceof Array array) {
                flat.addAll(array.items());
            } else {
                flat.add(arg);
            }
        }
        return flat;
    }

    private static String field(Call call, Term arg) {
        return checkField(arg, text(call, arg));
    }

    /**
     * A field path: dot-separated, non-empty segments, none starting with {@code $} (that would let a query inject
     * MongoDB operators such as {@code $where}), no control characters.
     */
    private static String checkField(Term at, String name) {
        if (name.isEmpty()) {
            throw error(at, "missing field name");
        }
        if (name.length() > MAX_FIELD_LENGTH) {
            throw error(at, "field name longer than " + MAX_FIELD_LENGTH + " characters");
        }
        for (String segment : name.split("\\.", -1)) {
            if (segment.isEmpty()) {
                throw error(at, "field name '" + Rql.excerpt(name) + "' has an empty path segment");
            }
            if (segment.charAt(0) == '$') {
                throw error(at, "field name '" + Rql.excerpt(name) + "' may not start a segment with '$'");
            }
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw error(at, "field name '" + Rql.excerpt(name) + "' contains a control character");
            }
        }
        return name;
    }

    /** The decoded text of a plain value argument (field names, select/sort keys, limit numbers). */
    private static String text(Call call, Term arg) {
        if (!(arg instanceof Value value)) {
            throw error(arg, call.name() + "() expects a plain name or value here, not an operator or array");
        }
        return decode(value);
    }

    private static RqlValue value(Call call, Term arg) {
        if (!(arg instanceof Value value)) {
            throw error(arg, call.name() + "() expects a single value here, not an operator or array");
        }
        String text = decode(value);
        return value.quoted() ? new RqlValue.Text(text, true) : RqlValue.typed(text);
    }

    /** Step 4: decode once more; quoted text is then JSON-unescaped. */
    private static String decode(Value value) {
        String text = RqlSyntax.percentDecode(value.text(), "the value '" + Rql.excerpt(value.text()) + "'");
        if (value.quoted()) {
            text = RqlValues.jsonUnescape(text);
        }
        if (text.indexOf('\0') >= 0) {
            throw error(value, "a value contains a NUL character");
        }
        return text;
    }

    /** A non-negative decimal integer; absurdly long ones read as Long.MAX_VALUE. */
    private static long integer(Call call, Term arg, String what) {
        String text = text(call, arg);
        if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw error(arg, call.name() + "() " + what + " must be a non-negative integer, not '" + Rql.excerpt(text) + "'");
        }
        String digits = text.replaceFirst("^0+(?=.)", "");
        return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    private static ExhException error(Term at, String problem) {
        return Rql.invalid(problem + " at position " + at.position());
    }
}
