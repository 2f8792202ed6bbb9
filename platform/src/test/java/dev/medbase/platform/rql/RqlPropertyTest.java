package dev.medbase.platform.rql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.query.Query;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Fuzzing: no input makes parsing or translation throw anything but INVALID_RQL_EXCEPTION, and whatever the SDK
 * builder can produce parses, with every value decoded back to what the caller wrote. Runs the parser without the
 * safety net of {@link Rql#parse}, so a leaking exception fails here.
 *
 * <p>Each property runs a fixed number of tries from a fixed seed, so runs are repeatable. A failure names the
 * try's own seed and the input: {@code generator(new Random(seed))} rebuilds that input alone.
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

    private static final String RQL_ALPHABET = "abcxyz0159()&|,%'=:.-+<>!$*_?\\ ABCDEF";

    /** Pieces that make a value typed (number, boolean, null, quoted) or close to it. */
    private static final List<String> VALUE_PIECES = List.of(
            "true", "false", "null", "0", "1", "-1.5", "1e+21", "1e21", "010", "0.1", "-0", "NaN", "Infinity", "'", "''",
            "\"", ":", "string", "date", "%", "%25", "(", ")", ",", "&", " ", "é", "\uD83D\uDE00");

    private static final List<String> FIELDS = List.of(
            "a", "b", "data.x", "id", "t", "n", "s", "roles.5", "staff_enlistments.group_id");
    /** Fields the translator accepts in select(): a positional or nested-array path is not one of them. */
    private static final List<String> SELECTABLE_FIELDS = List.of("a", "b", "data.x", "id", "t", "n", "s");

    @Test
    void arbitraryStrings() {
        Gen.forAll(0x5eed_0001L, 2000, r -> Gen.anyString(r, 120), RqlPropertyTest::parsesOrIsInvalidRql);
    }

    @Test
    void rqlAlphabetStrings() {
        Gen.forAll(0x5eed_0002L, 3000, r -> Gen.string(r, 80, RQL_ALPHABET), RqlPropertyTest::parsesOrIsInvalidRql);
    }

    @Test
    void rqlFragmentSoup() {
        Gen.forAll(0x5eed_0003L, 3000, r -> Gen.join(r, 0, 30, "", g -> Gen.of(g, FRAGMENTS)),
                RqlPropertyTest::parsesOrIsInvalidRql);
    }

    @Test
    void operatorsWithJunkArguments() {
        Gen.forAll(0x5eed_0004L, 3000, RqlPropertyTest::junkCalls, RqlPropertyTest::parsesOrIsInvalidRql);
    }

    @Test
    void randomlyNestedCalls() {
        Gen.forAll(0x5eed_0005L, 1000, r -> nestedCall(r, Gen.between(r, 0, 40)), RqlPropertyTest::parsesOrIsInvalidRql);
    }

    @Test
    void whatTheSdkBuilderEmitsAlwaysParsesAndTranslates() {
        Gen.forAll(0x5eed_0006L, 1500, RqlPropertyTest::sdkQuery, raw -> {
            RqlQuery query = Rql.parseUnguarded(raw);
            Query mongo = PERMISSIVE.toQuery(query);
            assertThat(mongo.getQueryObject().toJson()).isNotEmpty();
        });
    }

    @Test
    void sdkDoubleEncodedValuesDecodeToWhatWasWritten() {
        Gen.forAll(0x5eed_0007L, 2000, RqlPropertyTest::plainValue, value -> {
            RqlQuery query = Rql.parseUnguarded("?eq(f," + sdkEncode(sdkEncode(value)) + ")");
            RqlValue typed = ((RqlNode.Compare) query.filter()).value();
            assertThat(typed.text()).isEqualTo(value);
            assertThat(typed).isEqualTo(RqlValue.typed(value));
        });
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

    // Generators: each takes the Random of one try and returns one input.

    /** One to three calls of any operator joined by & or |, each with up to four arguments of junk fragments. */
    private static String junkCalls(Random r) {
        return Gen.join(r, 1, 3, Gen.of(r, "&", "|"), RqlPropertyTest::junkCall);
    }

    /** Every operator, with arguments made of a few fragments each: reaches the per-operator argument checks. */
    private static String junkCall(Random r) {
        String name = Gen.of(r, "eq", "ne", "gt", "ge", "lt", "le", "like", "in", "out", "contains", "excludes",
                "and", "or", "select", "sort", "limit", "skipCount", "skip_count", "foo", "");
        return name + "(" + Gen.join(r, 0, 4, ",", RqlPropertyTest::junkArgument) + ")";
    }

    private static String junkArgument(Random r) {
        return r.nextBoolean() ? Gen.of(r, FRAGMENTS) : Gen.join(r, 0, 3, "", g -> Gen.of(g, FRAGMENTS));
    }

    /** A call {@code depth} deep, e.g. {@code and(or(x&limit(5)),'q')}; separators are not always commas. */
    private static String nestedCall(Random r, int depth) {
        if (depth == 0) {
            return nestedLeaf(r);
        }
        String name = Gen.of(r, "and", "or", "eq", "in", "contains", "excludes", "select", "limit", "", "zz");
        String inner = nestedCall(r, depth - 1);
        String separator = Gen.of(r, ",", "&", "|", "");
        String others = Gen.join(r, 0, 2, separator, RqlPropertyTest::nestedLeaf);
        return name + "(" + inner + (others.isEmpty() ? "" : separator + others) + ")";
    }

    private static String nestedLeaf(Random r) {
        return Gen.of(r, "eq(a,1)", "x", "", "(1,2)", "'q'", "limit(5)", "a=b", "%2528", "skipCount()");
    }

    /**
     * A value the SDK would send as written: no explicit type prefix and not 'quoted' (both mean something else),
     * no NUL. Mostly any characters, sometimes built from pieces that look like numbers, booleans, null or quotes.
     */
    private static String plainValue(Random r) {
        return Gen.filter(r, RqlPropertyTest::anyValue, v -> !KNOWN_PREFIX.matcher(v).matches()
                && !(v.length() >= 2 && v.startsWith("'") && v.endsWith("'")));
    }

    private static String anyValue(Random r) {
        if (r.nextInt(4) == 0) {
            return Gen.join(r, 1, 3, "", g -> Gen.of(g, VALUE_PIECES));
        }
        return Gen.filter(r, g -> Gen.anyString(g, 12), v -> v.indexOf('\0') < 0 && Gen.isValidUtf16(v));
    }

    /** A query string as the SDK's builder emits it: conditions and options, values double-encoded. */
    private static String sdkQuery(Random r) {
        return Gen.filter(r, g -> "?" + Gen.join(g, 1, 4, "&", h -> Gen.oneOf(h, i -> condition(i, 3), RqlPropertyTest::option)),
                raw -> raw.length() <= Rql.MAX_LENGTH);
    }

    private static String condition(Random r, int depth) {
        int kinds = depth == 0 ? 3 : 5;
        switch (r.nextInt(kinds)) {
            case 0:
                return Gen.of(r, "eq", "ne", "gt", "ge", "lt", "le", "like") + "(" + field(r) + "," + encodedValue(r) + ")";
            case 1:
                return Gen.of(r, "in", "out") + "(" + field(r) + "," + Gen.join(r, 1, 3, ",", RqlPropertyTest::encodedValue) + ")";
            case 2:
                return Gen.of(r, "contains", "excludes") + "(" + field(r) + ")";
            case 3:
                return Gen.of(r, "and", "or") + "(" + children(r, depth) + ")";
            default:
                return Gen.of(r, "contains", "excludes") + "(" + field(r) + ",and(" + children(r, depth) + "))";
        }
    }

    private static String children(Random r, int depth) {
        return Gen.join(r, 1, 3, ",", g -> Gen.oneOf(g, h -> condition(h, depth - 1), RqlPropertyTest::option));
    }

    private static String option(Random r) {
        switch (r.nextInt(5)) {
            case 0:
                return "select(" + String.join(",", Gen.distinct(r, 1, 3, SELECTABLE_FIELDS)) + ")";
            case 1:
                return "sort(" + Gen.of(r, "", "-", "+") + field(r) + ")";
            case 2:
                return "limit(" + Gen.between(r, 1, 1000) + ")";
            case 3:
                return "limit(" + Gen.between(r, 1, 1000) + "," + Gen.between(r, 0, 100_000) + ")";
            default:
                return Gen.of(r, "skipCount()", "skip_count()");
        }
    }

    private static String field(Random r) {
        return Gen.of(r, FIELDS);
    }

    private static String encodedValue(Random r) {
        return sdkEncode(sdkEncode(plainValue(r)));
    }

    /** Just enough random generation for the properties above. */
    static final class Gen {

        private Gen() {
        }

        /**
         * Runs {@code property} on {@code tries} inputs. Try {@code i} generates its input from its own seed, the
         * {@code i}-th long of {@code new Random(seed)}; a failure reports that seed and the input.
         */
        static <T> void forAll(long seed, int tries, Function<Random, T> generator, Consumer<T> property) {
            Random seeds = new Random(seed);
            for (int i = 1; i <= tries; i++) {
                long trySeed = seeds.nextLong();
                T input = generator.apply(new Random(trySeed));
                try {
                    property.accept(input);
                } catch (RuntimeException | AssertionError | StackOverflowError e) {
                    throw new AssertionError(String.format(
                            "try %d of %d (seed %#xL) failed: generator(new Random(%#xL)) gave the input %s%n%s",
                            i, tries, seed, trySeed, literal(input), e), e);
                }
            }
        }

        /** Uniform in [min, max]. */
        static int between(Random r, int min, int max) {
            return min + r.nextInt(max - min + 1);
        }

        @SafeVarargs
        static <T> T of(Random r, T... choices) {
            return choices[r.nextInt(choices.length)];
        }

        static <T> T of(Random r, List<T> choices) {
            return choices.get(r.nextInt(choices.size()));
        }

        /** Picks one generator, then generates with it. */
        @SafeVarargs
        static <T> T oneOf(Random r, Function<Random, T>... generators) {
            return of(r, generators).apply(r);
        }

        /** Generates until {@code accept} holds. */
        static <T> T filter(Random r, Function<Random, T> generator, Predicate<T> accept) {
            while (true) {
                T value = generator.apply(r);
                if (accept.test(value)) {
                    return value;
                }
            }
        }

        /** {@code min} to {@code max} generated elements, joined. */
        static String join(Random r, int min, int max, String separator, Function<Random, String> element) {
            int n = between(r, min, max);
            List<String> parts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                parts.add(element.apply(r));
            }
            return String.join(separator, parts);
        }

        /** {@code min} to {@code max} distinct elements of {@code choices}, in random order. */
        static <T> List<T> distinct(Random r, int min, int max, List<T> choices) {
            List<T> shuffled = new ArrayList<>(choices);
            Collections.shuffle(shuffled, r);
            return shuffled.subList(0, between(r, min, max));
        }

        /** Up to {@code maxLength} characters of {@code alphabet}. */
        static String string(Random r, int maxLength, String alphabet) {
            int n = between(r, 0, maxLength);
            StringBuilder out = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                out.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            return out.toString();
        }

        /**
         * Up to {@code maxCodePoints} code points of any kind: printable ASCII, control characters, any BMP
         * character (lone surrogate halves included), odd whitespace and non-characters, emoji and other
         * supplementary characters.
         */
        static String anyString(Random r, int maxCodePoints) {
            int n = between(r, 0, maxCodePoints);
            StringBuilder out = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                out.appendCodePoint(anyCodePoint(r));
            }
            return out.toString();
        }

        private static int anyCodePoint(Random r) {
            int kind = r.nextInt(20);
            if (kind < 8) {
                return between(r, 0x20, 0x7e);
            } else if (kind < 10) {
                return r.nextInt(8) == 0 ? 0x7f : between(r, 0, 0x1f);
            } else if (kind < 17) {
                return r.nextInt(0x10000);
            } else if (kind < 19) {
                return of(r, 0x85, 0xa0, 0xad, 0x2028, 0x202e, 0xfeff, 0xfffd, 0xffff, 0xd800, 0xdfff);
            }
            return between(r, 0x10000, Character.MAX_CODE_POINT);
        }

        /** No lone surrogate halves: the string has a UTF-8 encoding. */
        static boolean isValidUtf16(String s) {
            return StandardCharsets.UTF_8.newEncoder().canEncode(s);
        }

        /** The input as a Java literal, non-ASCII escaped, to paste into a test. */
        static String literal(Object input) {
            if (!(input instanceof String s)) {
                return String.valueOf(input);
            }
            StringBuilder out = new StringBuilder("\"");
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c >= 0x20 && c < 0x7f) {
                    out.append(c);
                } else {
                    out.append(String.format("\\u%04x", (int) c));
                }
            }
            return out.append('"').toString();
        }
    }
}
