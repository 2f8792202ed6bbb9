package dev.medbase.platform.rql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.data.mongodb.core.query.Query;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/**
 * Fuzzing: no input makes parsing or translation throw anything but INVALID_RQL_EXCEPTION, and whatever the SDK
 * builder can produce parses, with every value decoded back to what the caller wrote. Runs the parser without the
 * safety net of {@link Rql#parse}, so a leaking exception fails here.
 */
class RqlPropertyTest {

    private static final RqlTranslator PERMISSIVE = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("t", FieldType.DATE)
            .field("n", FieldType.NUMBER)
            .field("s", FieldType.STRING)
            .field("b", FieldType.BOOLEAN)
            .allowUnknownFields()
            .build();

    private static final RqlTranslator STRICT = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("a")
            .camelCaseAliases()
            .build();

    private static final Pattern KNOWN_PREFIX = Pattern.compile("^(string|number|boolean|date|isodate|epoch|re|RE|glob):.*", Pattern.DOTALL);

    private static final List<String> FRAGMENTS = List.of(
            "eq(", "ne(", "lt(", "like(", "and(", "or(", "in(", "out(", "limit(", "select(", "sort(", "contains(",
            "excludes(", "skipCount()", "skip_count(", "foo(", ")", "(", "((", "))", ",", ",,", "&", "|", "?",
            "%25", "%2528", "%2529", "%252C", "%28", "%29", "%2C", "%26", "%C3%A9", "%C3", "%E2%82", "%00", "%2500",
            "%", "%2", "%G0", "'", "''", "\\", "\\u00", "\\n", "=", "==", "=ne=", "=in=", "<", ">=", "!=", "!", "+", "-",
            "*", "string:", "number:", "date:", "isodate:", "epoch:", "re:", "RE:", "glob:", "boolean:", "true",
            "null", "0", "1", "-1.5", "1e+21", "010", "99999999999999999999", "id", "a", "data.x", "a.b", "$where",
            "..", ".", "roles.5", "5e9fff9d90135a2a9a718e2f", "2020-01-01T00:00:00Z", "1970%252D01%252D01", " ", "é",
            "\u0000", "\t", "\uD83D\uDE00");

    @Property(tries = 2000)
    void arbitraryStrings(@ForAll @StringLength(max = 120) String raw) {
        parsesOrIsInvalidRql(raw);
    }

    @Property(tries = 3000)
    void rqlAlphabetStrings(@ForAll("rqlAlphabet") String raw) {
        parsesOrIsInvalidRql(raw);
    }

    @Property(tries = 3000)
    void rqlFragmentSoup(@ForAll("fragmentSoup") String raw) {
        parsesOrIsInvalidRql(raw);
    }

    @Property(tries = 3000)
    void operatorsWithJunkArguments(@ForAll("junkCalls") String raw) {
        parsesOrIsInvalidRql(raw);
    }

    @Property(tries = 1000)
    void randomlyNestedCalls(@ForAll("nested") String raw) {
        parsesOrIsInvalidRql(raw);
    }

    @Property(tries = 1500)
    void whatTheSdkBuilderEmitsAlwaysParsesAndTranslates(@ForAll("sdkQueries") String raw) {
        Assume.that(raw.length() <= Rql.MAX_LENGTH);
        RqlQuery query = Rql.parseUnguarded(raw);
        Query mongo = PERMISSIVE.toQuery(query);
        assertThat(mongo.getQueryObject().toJson()).isNotEmpty();
    }

    @Property(tries = 2000)
    void sdkDoubleEncodedValuesDecodeToWhatWasWritten(@ForAll("values") String value) {
        Assume.that(!KNOWN_PREFIX.matcher(value).matches());
        Assume.that(!(value.length() >= 2 && value.startsWith("'") && value.endsWith("'")));
        RqlQuery query = Rql.parseUnguarded("?eq(f," + sdkEncode(sdkEncode(value)) + ")");
        RqlValue typed = ((RqlNode.Compare) query.filter()).value();
        assertThat(typed.text()).isEqualTo(value);
        assertThat(typed).isEqualTo(RqlValue.typed(value));
    }

    private static void parsesOrIsInvalidRql(String raw) {
        RqlQuery query;
        try {
            query = Rql.parseUnguarded(raw);
        } catch (ExhException e) {
            assertInvalidRql(e);
            return;
        }
        for (RqlTranslator translator : List.of(PERMISSIVE, STRICT)) {
            try {
                Query mongo = translator.toQuery(query);
                mongo.getQueryObject().toJson();
                mongo.getSortObject().toJson();
                mongo.getFieldsObject().toJson();
            } catch (ExhException e) {
                assertInvalidRql(e);
            }
        }
    }

    private static void assertInvalidRql(ExhException e) {
        assertThat(e.error()).isEqualTo(ExhError.INVALID_RQL_EXCEPTION);
        assertThat(e.getMessage()).startsWith("Invalid RQL: ");
    }

    /** encodeURIComponent plus the builder's extra escapes (- _ . ! ~ * ' ( )): everything but ASCII letters and digits. */
    static String sdkEncode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 128 && Character.isLetterOrDigit(c)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    @Provide
    Arbitrary<String> rqlAlphabet() {
        return Arbitraries.strings().withChars("abcxyz0159()&|,%'=:.-+<>!$*_?\\ ABCDEF").ofMaxLength(80);
    }

    @Provide
    Arbitrary<String> fragmentSoup() {
        return Arbitraries.of(FRAGMENTS).list().ofMaxSize(30).map(parts -> String.join("", parts));
    }

    /** Every operator, with arguments made of a few fragments each: reaches the per-operator argument checks. */
    @Provide
    Arbitrary<String> junkCalls() {
        Arbitrary<String> name = Arbitraries.of("eq", "ne", "gt", "ge", "lt", "le", "like", "in", "out", "contains",
                "excludes", "and", "or", "select", "sort", "limit", "skipCount", "skip_count", "foo", "");
        Arbitrary<String> argument = Arbitraries.oneOf(Arbitraries.of(FRAGMENTS),
                Arbitraries.of(FRAGMENTS).list().ofMaxSize(3).map(parts -> String.join("", parts)));
        Arbitrary<String> call = Combinators.combine(name, argument.list().ofMaxSize(4))
                .as((op, args) -> op + "(" + String.join(",", args) + ")");
        return Combinators.combine(call.list().ofMinSize(1).ofMaxSize(3), Arbitraries.of("&", "|"))
                .as((calls, conjunction) -> String.join(conjunction, calls));
    }

    @Provide
    Arbitrary<String> nested() {
        return Arbitraries.integers().between(0, 40).flatMap(this::nestedCall);
    }

    private Arbitrary<String> nestedCall(int depth) {
        Arbitrary<String> leaf = Arbitraries.of("eq(a,1)", "x", "", "(1,2)", "'q'", "limit(5)", "a=b", "%2528", "skipCount()");
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<String> name = Arbitraries.of("and", "or", "eq", "in", "contains", "excludes", "select", "limit", "", "zz");
        return Combinators.combine(name, nestedCall(depth - 1), leaf.list().ofMaxSize(2), Arbitraries.of(",", "&", "|", ""))
                .as((op, inner, others, sep) -> op + "(" + inner + (others.isEmpty() ? "" : sep + String.join(sep, others)) + ")");
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.strings().ofMaxLength(12)
                .filter(v -> v.chars().noneMatch(c -> c == 0 || Character.isSurrogate((char) c)));
    }

    @Provide
    Arbitrary<String> sdkQueries() {
        Arbitrary<String> part = Arbitraries.oneOf(condition(3), option());
        return part.list().ofMinSize(1).ofMaxSize(4).map(parts -> "?" + String.join("&", parts));
    }

    private Arbitrary<String> field() {
        return Arbitraries.of("a", "b", "data.x", "id", "t", "n", "s", "roles.5", "staff_enlistments.group_id");
    }

    private Arbitrary<String> encodedValue() {
        return values().filter(v -> !KNOWN_PREFIX.matcher(v).matches() && !(v.startsWith("'") && v.endsWith("'")))
                .map(v -> sdkEncode(sdkEncode(v)));
    }

    private Arbitrary<String> condition(int depth) {
        Arbitrary<String> compare = Combinators.combine(Arbitraries.of("eq", "ne", "gt", "ge", "lt", "le", "like"), field(), encodedValue())
                .as((op, f, v) -> op + "(" + f + "," + v + ")");
        Arbitrary<String> in = Combinators.combine(Arbitraries.of("in", "out"), field(), encodedValue().list().ofMinSize(1).ofMaxSize(3))
                .as((op, f, vs) -> op + "(" + f + "," + String.join(",", vs) + ")");
        Arbitrary<String> exists = Combinators.combine(Arbitraries.of("contains", "excludes"), field()).as((op, f) -> op + "(" + f + ")");
        if (depth == 0) {
            return Arbitraries.oneOf(compare, in, exists);
        }
        Arbitrary<String> children = Arbitraries.oneOf(condition(depth - 1), option()).list().ofMinSize(1).ofMaxSize(3)
                .map(list -> String.join(",", list));
        Arbitrary<String> logical = Combinators.combine(Arbitraries.of("and", "or"), children).as((op, c) -> op + "(" + c + ")");
        Arbitrary<String> element = Combinators.combine(Arbitraries.of("contains", "excludes"), field(), children)
                .as((op, f, c) -> op + "(" + f + ",and(" + c + "))");
        return Arbitraries.oneOf(compare, in, exists, logical, element);
    }

    private Arbitrary<String> option() {
        Arbitrary<String> fields = field().list().ofMinSize(1).ofMaxSize(3).uniqueElements().map(fs -> String.join(",", fs));
        return Arbitraries.oneOf(
                fields.filter(fs -> !fs.contains("roles.5") && !fs.contains("staff_enlistments.group_id")).map(fs -> "select(" + fs + ")"),
                Combinators.combine(Arbitraries.of("", "-", "+"), field()).as((sign, f) -> "sort(" + sign + f + ")"),
                Arbitraries.integers().between(1, 1000).map(n -> "limit(" + n + ")"),
                Combinators.combine(Arbitraries.integers().between(1, 1000), Arbitraries.integers().between(0, 100000))
                        .as((n, o) -> "limit(" + n + "," + o + ")"),
                Arbitraries.of("skipCount()", "skip_count()"));
    }
}
