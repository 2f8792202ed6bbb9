package dev.medbase.platform.rql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.rql.RqlNode.And;
import dev.medbase.platform.rql.RqlNode.Compare;
import dev.medbase.platform.rql.RqlNode.CompareOp;
import dev.medbase.platform.rql.RqlNode.Contains;
import dev.medbase.platform.rql.RqlNode.Excludes;
import dev.medbase.platform.rql.RqlNode.In;
import dev.medbase.platform.rql.RqlNode.Or;
import dev.medbase.platform.rql.RqlNode.Out;
import dev.medbase.platform.rql.RqlQuery.SortField;
import dev.medbase.platform.rql.RqlValue.Bool;
import dev.medbase.platform.rql.RqlValue.DateTime;
import dev.medbase.platform.rql.RqlValue.Null;
import dev.medbase.platform.rql.RqlValue.Num;
import dev.medbase.platform.rql.RqlValue.Regex;
import dev.medbase.platform.rql.RqlValue.Text;

/** Raw query string in, AST and options out (contract §4.1-4.5). */
class RqlParseTest {

    private static final String ID = "5e9fff9d90135a2a9a718e2f";

    private static RqlNode filter(String raw) {
        return Rql.parse(raw).filter();
    }

    private static Compare eq(String field, RqlValue value) {
        return new Compare(CompareOp.EQ, field, value);
    }

    private static Num num(int n) {
        return new Num(n, Integer.toString(n), false);
    }

    /** §4.7: every builder output, as it arrives on the wire. */
    @Nested
    class TestVectors {

        @Test
        void doubleEncodedSpacesAndDashes() {
            assertThat(filter("?eq(name,Hypertension%2520%252D%2520STAGE%25201)"))
                    .isEqualTo(eq("name", new Text("Hypertension - STAGE 1")));
        }

        @Test
        void doubleEncodedEmailKeepsItsPlus() {
            assertThat(filter("?eq(email,john%252Edoe%252B1%2540example%252Ecom)"))
                    .isEqualTo(eq("email", new Text("john.doe+1@example.com")));
        }

        @Test
        void doubleEncodedParenthesisIsNotSyntax() {
            assertThat(filter("?like(description,a%2529a)"))
                    .isEqualTo(new Compare(CompareOp.LIKE, "description", new Text("a)a")));
        }

        @Test
        void isoTimestampStaysTextUntilTheFieldTypeIsKnown() {
            assertThat(filter("?gt(creationTimestamp,1970%252D01%252D01T00%253A00%253A00%252E000Z)"))
                    .isEqualTo(new Compare(CompareOp.GT, "creationTimestamp", new Text("1970-01-01T00:00:00.000Z")));
        }

        @Test
        void dottedFieldPath() {
            assertThat(filter("?eq(data.deviceId,dev%252D1)")).isEqualTo(eq("data.deviceId", new Text("dev-1")));
        }

        @Test
        void objectIdIsText() {
            assertThat(filter("?eq(id," + ID + ")")).isEqualTo(eq("id", new Text(ID)));
        }

        @Test
        void trueIsBoolean() {
            assertThat(filter("?eq(data.x,true)")).isEqualTo(eq("data.x", new Bool(true, false)));
        }

        @Test
        void inWithFlatValues() {
            assertThat(filter("?in(status,new,in%2520progress)"))
                    .isEqualTo(new In("status", List.of(new Text("new"), new Text("in progress"))));
        }

        @Test
        void selectSortLimit() {
            RqlQuery q = Rql.parse("?select(id,data.value)&sort(-creationTimestamp,id)&limit(10,20)");
            assertThat(q.filter()).isEqualTo(RqlNode.MATCH_ALL);
            assertThat(q.hasFilter()).isFalse();
            assertThat(q.select()).containsExactly("id", "data.value");
            assertThat(q.sort()).containsExactly(new SortField("creationTimestamp", true), new SortField("id", false));
            assertThat(q.limit()).isEqualTo(10);
            assertThat(q.offset()).isEqualTo(20);
            assertThat(q.skipCount()).isFalse();
        }

        @Test
        void orOfTwoConditions() {
            assertThat(filter("?or(eq(a,1),eq(b,x%2520y))"))
                    .isEqualTo(new Or(List.of(eq("a", num(1)), eq("b", new Text("x y")))));
        }

        @Test
        void containsWithAndWrappedCondition() {
            assertThat(filter("?contains(staff_enlistments,and(eq(group_id," + ID + ")))"))
                    .isEqualTo(new Contains("staff_enlistments", eq("group_id", new Text(ID))));
        }

        @Test
        void excludesAndSkipCount() {
            RqlQuery q = Rql.parse("?excludes(data.flag)&skipCount()");
            assertThat(q.filter()).isEqualTo(new Excludes("data.flag"));
            assertThat(q.skipCount()).isTrue();
        }

        @Test
        void limitWithOffset() {
            RqlQuery q = Rql.parse("?eq(x,1)&limit(50,50)");
            assertThat(q.filter()).isEqualTo(eq("x", num(1)));
            assertThat(q.limit()).isEqualTo(50);
            assertThat(q.offset()).isEqualTo(50);
        }

        @Test
        void encodedStringPrefixKeepsDigitsAString() {
            assertThat(filter("?eq(phone_number,string%253A12345678)"))
                    .isEqualTo(eq("phone_number", new Text("12345678", true)));
        }
    }

    @Nested
    class Structure {

        @ParameterizedTest
        @NullAndEmptySource
        @ValueSource(strings = {"?", "&", "&&"})
        void noQueryIsTheEmptyQuery(String raw) {
            assertThat(Rql.parse(raw)).isEqualTo(RqlQuery.EMPTY);
        }

        @Test
        void questionMarkIsOptional() {
            assertThat(Rql.parse("eq(a,1)")).isEqualTo(Rql.parse("?eq(a,1)"));
        }

        @Test
        void topLevelAmpersandIsAnd() {
            assertThat(filter("eq(a,1)&ne(b,2)&gt(c,3)")).isEqualTo(new And(List.of(
                    eq("a", num(1)), new Compare(CompareOp.NE, "b", num(2)), new Compare(CompareOp.GT, "c", num(3)))));
        }

        @Test
        void topLevelPipeIsOr() {
            assertThat(filter("eq(a,1)|eq(b,2)")).isEqualTo(new Or(List.of(eq("a", num(1)), eq("b", num(2)))));
        }

        @Test
        void trailingAmpersandIsTolerated() {
            assertThat(filter("eq(a,1)&")).isEqualTo(eq("a", num(1)));
        }

        @Test
        void parenthesesGroupConditions() {
            assertThat(filter("(eq(a,1)|eq(b,2))&eq(c,3)")).isEqualTo(new And(List.of(
                    new Or(List.of(eq("a", num(1)), eq("b", num(2)))), eq("c", num(3)))));
        }

        @Test
        void nestedAndOr() {
            assertThat(filter("and(or(eq(a,1),eq(a,2)),lt(b,3))")).isEqualTo(new And(List.of(
                    new Or(List.of(eq("a", num(1)), eq("a", num(2)))), new Compare(CompareOp.LT, "b", num(3)))));
        }

        @Test
        void everyComparisonOperator() {
            assertThat(filter("eq(a,1)&ne(a,1)&gt(a,1)&ge(a,1)&lt(a,1)&le(a,1)&like(a,1)")).isEqualTo(new And(
                    Stream.of(CompareOp.values()).<RqlNode>map(op -> new Compare(op, "a", num(1))).toList()));
        }

        @Test
        void persvrArrayForm() {
            assertThat(filter("in(x,(a,b))")).isEqualTo(new In("x", List.of(new Text("a"), new Text("b"))));
            assertThat(filter("out(x,(1,2),3)")).isEqualTo(new Out("x", List.of(num(1), num(2), num(3))));
        }

        @Test
        void inWithoutValuesMatchesNothing() {
            assertThat(filter("in(x)")).isEqualTo(new In("x", List.of()));
        }

        @Test
        void emptyValues() {
            assertThat(filter("eq(a,)")).isEqualTo(eq("a", new Text("")));
            assertThat(filter("in(a,,)")).isEqualTo(new In("a", List.of(new Text(""), new Text(""))));
        }

        @Test
        void containsAndExcludesForms() {
            assertThat(filter("contains(tags)")).isEqualTo(new Contains("tags"));
            assertThat(filter("excludes(roles.5)")).isEqualTo(new Excludes("roles.5"));
            assertThat(filter("excludes(items,and(eq(a,1)))")).isEqualTo(new Excludes("items", eq("a", num(1))));
            assertThat(filter("contains(items,eq(a,1),eq(b,2))"))
                    .isEqualTo(new Contains("items", new And(List.of(eq("a", num(1)), eq("b", num(2))))));
        }

        @Test
        void plusIsNeverASpace() {
            assertThat(filter("eq(a,x+y)")).isEqualTo(eq("a", new Text("x+y")));
            assertThat(Rql.parse("sort(+a,-b)").sort()).containsExactly(new SortField("a", false), new SortField("b", true));
        }

        @Test
        void quotedValuesMayHoldSyntaxCharactersAndAreStrings() {
            assertThat(filter("eq(name,'a,b(c)&d')")).isEqualTo(eq("name", new Text("a,b(c)&d", true)));
            assertThat(filter("eq(n,'10')")).isEqualTo(eq("n", new Text("10", true)));
            assertThat(filter("eq(n,'it\\u0027s')")).isEqualTo(eq("n", new Text("it's", true)));
        }

        @Test
        void encodedQuotesAreQuotesToo() {
            assertThat(filter("eq(n,%2710%27)")).isEqualTo(eq("n", new Text("10", true)));       // single-encoded
            assertThat(filter("eq(n,%252710%2527)")).isEqualTo(eq("n", new Text("10", true)));   // SDK double-encoded
        }

        @Test
        void singleEncodedValueIsDecodedOnceAndMayCarrySpaces() {
            assertThat(filter("eq(name,a%20b)")).isEqualTo(eq("name", new Text("a b")));
        }

        @Test
        void fieldNamesAreDecodedLikeValues() {
            assertThat(filter("eq(data.my%2520field,1)")).isEqualTo(eq("data.my field", num(1)));
        }
    }

    @Nested
    class Hoisting {

        @Test
        void optionsInsideOrAreHoisted() {
            RqlQuery q = Rql.parse("?or(eq(firstName,Joe),eq(secondName,Bloggs),skipCount())");
            assertThat(q.filter()).isEqualTo(new Or(List.of(eq("firstName", new Text("Joe")), eq("secondName", new Text("Bloggs")))));
            assertThat(q.skipCount()).isTrue();
        }

        @Test
        void optionsInsideAndAreHoisted() {
            RqlQuery q = Rql.parse("and(eq(a,1),limit(5,10),select(a,b),sort(-a))");
            assertThat(q.filter()).isEqualTo(eq("a", num(1)));
            assertThat(q.limit()).isEqualTo(5);
            assertThat(q.offset()).isEqualTo(10);
            assertThat(q.select()).containsExactly("a", "b");
            assertThat(q.sort()).containsExactly(new SortField("a", true));
        }

        @Test
        void deeplyNestedOptionsAreHoisted() {
            RqlQuery q = Rql.parse("or(and(eq(a,1),or(skip_count(),limit(7))),eq(b,2))");
            assertThat(q.filter()).isEqualTo(new Or(List.of(eq("a", num(1)), eq("b", num(2)))));
            assertThat(q.skipCount()).isTrue();
            assertThat(q.limit()).isEqualTo(7);
        }

        @Test
        void anOrOfOnlyOptionsLeavesNoFilter() {
            RqlQuery q = Rql.parse("or(limit(3))");
            assertThat(q.hasFilter()).isFalse();
            assertThat(q.limit()).isEqualTo(3);
        }

        @Test
        void laterLimitReplacesEarlierOneOffsetIncluded() {
            assertThat(Rql.parse("limit(10)&eq(a,1)&limit(5,10)")).extracting(RqlQuery::limit, RqlQuery::offset)
                    .containsExactly(5, 10);
            assertThat(Rql.parse("limit(5,10)&limit(3)")).extracting(RqlQuery::limit, RqlQuery::offset)
                    .containsExactly(3, 0);
        }

        @Test
        void sdkAppendedLimitReplacesTheUsersOne() {
            assertThat(Rql.parse("?eq(x,1)&limit(50)&limit(50,50)")).extracting(RqlQuery::limit, RqlQuery::offset)
                    .containsExactly(50, 50);
        }

        @Test
        void selectDropsDuplicatesAndLeadingPlus() {
            assertThat(Rql.parse("select(a,+b,a)").select()).containsExactly("a", "b");
        }

        @Test
        void hugeLimitIsKeptForTheTranslatorToCap() {
            assertThat(Rql.parse("limit(99999999999999999999999)").limit()).isEqualTo(Integer.MAX_VALUE);
        }

        @Test
        void requireFilterThrowsEmptyRql() {
            assertThatThrownBy(() -> Rql.parse("limit(5)").requireFilter())
                    .isInstanceOfSatisfying(ExhException.class, e -> assertThat(e.error()).isEqualTo(ExhError.EMPTY_RQL_EXCEPTION));
            RqlQuery q = Rql.parse("eq(a,1)");
            assertThat(q.requireFilter()).isSameAs(q);
        }
    }

    @Nested
    class Fiql {

        @ParameterizedTest
        @CsvSource(delimiter = ';', value = {
                "a=1;      EQ",
                "a==1;     EQ",
                "a=eq=1;   EQ",
                "a!=1;     NE",
                "a=ne=1;   NE",
                "a>1;      GT",
                "a=gt=1;   GT",
                "a>=1;     GE",
                "a%3E=1;   GE",
                "a<1;      LT",
                "a%3C1;    LT",
                "a<=1;     LE",
                "a%3C=1;   LE",
                "a=le=1;   LE",
                "a=like=1; LIKE",
        })
        void shorthandsAreComparisons(String raw, CompareOp op) {
            assertThat(filter(raw)).isEqualTo(new Compare(op, "a", num(1)));
        }

        @Test
        void shorthandsCombineAndNest() {
            assertThat(filter("status=in=(new,open)&age>=18")).isEqualTo(new And(List.of(
                    new In("status", List.of(new Text("new"), new Text("open"))),
                    new Compare(CompareOp.GE, "age", num(18)))));
            assertThat(filter("or(a=1,b=x)")).isEqualTo(new Or(List.of(eq("a", num(1)), eq("b", new Text("x")))));
        }

        @Test
        void emptyValue() {
            assertThat(filter("a=")).isEqualTo(eq("a", new Text("")));
        }
    }

    @Nested
    class Typing {

        private RqlValue valueOf(String encodedValue) {
            return ((Compare) filter("eq(f," + encodedValue + ")")).value();
        }

        @Test
        void literals() {
            assertThat(valueOf("true")).isEqualTo(new Bool(true, false));
            assertThat(valueOf("false")).isEqualTo(new Bool(false, false));
            assertThat(valueOf("null")).isEqualTo(new Null());
            assertThat(valueOf("True")).isEqualTo(new Text("True"));
        }

        @Test
        void numbersThatRoundTripLikeJavaScript() {
            assertThat(valueOf("10")).isEqualTo(new Num(10, "10", false));
            assertThat(valueOf("-1.5")).isEqualTo(new Num(-1.5, "-1.5", false));
            assertThat(valueOf("3000000000")).isEqualTo(new Num(3_000_000_000L, "3000000000", false));
            assertThat(valueOf("010")).isEqualTo(new Text("010"));
            assertThat(valueOf("1.0")).isEqualTo(new Text("1.0"));
            assertThat(valueOf("%252D1")).isEqualTo(new Num(-1, "-1", false)); // SDK-encoded "-1"
        }

        @Test
        void typedPrefixes() {
            assertThat(valueOf("string:12")).isEqualTo(new Text("12", true));
            assertThat(valueOf("number:010")).isEqualTo(new Num(10, "010", true));
            assertThat(valueOf("number:1.5e3")).isEqualTo(new Num(1500, "1.5e3", true));
            assertThat(valueOf("boolean:true")).isEqualTo(new Bool(true, true));
            assertThat(valueOf("boolean:false")).isEqualTo(new Bool(false, true));
            assertThat(valueOf("date:2020-05-17T10%253A11%253A12.5Z"))
                    .isEqualTo(new DateTime(Instant.parse("2020-05-17T10:11:12.500Z"), "2020-05-17T10:11:12.5Z"));
            assertThat(valueOf("date:2020-05-17")).isEqualTo(new DateTime(Instant.parse("2020-05-17T00:00:00Z"), "2020-05-17"));
            assertThat(valueOf("isodate:2020")).isEqualTo(new DateTime(Instant.parse("2020-01-01T00:00:00Z"), "2020"));
            assertThat(valueOf("isodate:2020-05")).isEqualTo(new DateTime(Instant.parse("2020-05-01T00:00:00Z"), "2020-05"));
            assertThat(valueOf("epoch:86400000")).isEqualTo(new DateTime(Instant.parse("1970-01-02T00:00:00Z"), "86400000"));
            assertThat(valueOf("re:^ab")).isEqualTo(new Regex("^ab", true));
            assertThat(valueOf("RE:^ab")).isEqualTo(new Regex("^ab", false));
            assertThat(valueOf("glob:a*b%253F.c")).isEqualTo(new Regex("^a.*b.\\.c$", true));
        }

        @Test
        void prefixIsRecognisedBeforeAndAfterTheSecondDecoding() {
            assertThat(valueOf("string:12345678")).isEqualTo(new Text("12345678", true));      // typed in raw RQL
            assertThat(valueOf("string%3A12345678")).isEqualTo(new Text("12345678", true));    // single-encoded
            assertThat(valueOf("string%253A12345678")).isEqualTo(new Text("12345678", true));  // SDK double-encoded
        }

        @Test
        void unknownPrefixesAndDatesAreJustText() {
            assertThat(valueOf("http%253A%252F%252Fexample%252Ecom")).isEqualTo(new Text("http://example.com"));
            assertThat(valueOf("2020-01-01T10:00:00Z")).isEqualTo(new Text("2020-01-01T10:00:00Z"));
        }
    }

    @Nested
    class Errors {

        static Stream<Arguments> malformed() {
            return Stream.of(
                    Arguments.of("eq(a,1", "'(' is never closed"),
                    Arguments.of("(eq(a,1)", "'(' is never closed"),
                    Arguments.of("eq(a,1))", "unbalanced ')'"),
                    Arguments.of(")", "unbalanced ')'"),
                    Arguments.of("eq(a,1)x", "unexpected 'x'"),
                    Arguments.of("abc", "expected a query operator"),
                    Arguments.of("()", "expected a query operator"),
                    Arguments.of("'quoted'", "expected a query operator"),
                    Arguments.of("(a,b)", "expected a query operator"),
                    Arguments.of("eq(a,1)|eq(b,2)&eq(c,3)", "cannot be mixed"),
                    Arguments.of("and(eq(a,1)&eq(b,2))", "unexpected '&' in an argument list"),
                    Arguments.of("foo(a,1)", "unknown operator 'foo'"),
                    Arguments.of("a=foo=1", "unknown operator 'foo'"),
                    Arguments.of("not(eq(a,1))", "unknown operator 'not'"),
                    Arguments.of("e-q(a,1)", "invalid operator name 'e-q'"),
                    Arguments.of("(", "'(' is never closed"),
                    Arguments.of("eq(a)", "eq() takes 2 arguments (field, value) but got 1"),
                    Arguments.of("like(a,1,2)", "like() takes 2 arguments (field, value) but got 3"),
                    Arguments.of("in()", "in() takes a field and values but got no arguments"),
                    Arguments.of("contains()", "contains() takes a field"),
                    Arguments.of("skipCount(1)", "skipCount() takes no arguments"),
                    Arguments.of("limit()", "limit() takes 1 or 2 arguments"),
                    Arguments.of("limit(1,2,3)", "limit() takes 1 or 2 arguments"),
                    Arguments.of("limit(abc)", "limit() count must be a non-negative integer"),
                    Arguments.of("limit(-1)", "limit() count must be a non-negative integer"),
                    Arguments.of("limit(1.5)", "limit() count must be a non-negative integer"),
                    Arguments.of("limit(0)", "limit() count must be at least 1"),
                    Arguments.of("limit(10,x)", "limit() offset must be a non-negative integer"),
                    Arguments.of("limit(10,99999999999)", "limit() offset is too large"),
                    Arguments.of("eq(,1)", "missing field name"),
                    Arguments.of("=1", "missing field name"),
                    Arguments.of("eq($where,1)", "may not start a segment with '$'"),
                    Arguments.of("eq(a.$gt,1)", "may not start a segment with '$'"),
                    Arguments.of("eq(a..b,1)", "empty path segment"),
                    Arguments.of("eq(a.,1)", "empty path segment"),
                    Arguments.of("eq(a%2509b,1)", "control character"),
                    Arguments.of("and(1)", "and() expects query operators"),
                    Arguments.of("contains(items,x)", "contains() expects query operators"),
                    Arguments.of("eq(a,(1,2))", "eq() expects a single value"),
                    Arguments.of("eq(a,eq(b,1))", "eq() expects a single value"),
                    Arguments.of("eq(eq(b,1),1)", "eq() expects a plain name"),
                    Arguments.of("select(-a)", "select() cannot exclude fields"),
                    Arguments.of("eq(a,'unterminated)", "unterminated quoted value"),
                    Arguments.of("eq(a,'x'y)", "unexpected 'y' after a quoted value"),
                    Arguments.of("a=b<c", "unexpected '<' after a FIQL value"),
                    Arguments.of("eq(a,'\\q')", "invalid escape"),
                    Arguments.of("eq(a,'\\u12')", "truncated \\u escape"),
                    Arguments.of("eq(a,%ZZ)", "malformed percent-encoding '%ZZ'"),
                    Arguments.of("eq(a,%2)", "malformed percent-encoding"),
                    Arguments.of("eq(a,%)", "malformed percent-encoding"),
                    Arguments.of("eq(a,%25ZZ)", "malformed percent-encoding '%ZZ' at position 0 of the value '%ZZ'"),
                    Arguments.of("eq(a,50%25)", "malformed percent-encoding"),
                    Arguments.of("eq(a,%C3%28)", "not valid UTF-8"),
                    Arguments.of("eq(a,%25C3)", "not valid UTF-8"),
                    Arguments.of("eq(a,%00)", "NUL"),
                    Arguments.of("eq(a,%2500)", "NUL"),
                    Arguments.of("eq(a,number:abc)", "'number:abc' is not a valid number"),
                    Arguments.of("eq(a,number:1e999)", "not a valid number"),
                    Arguments.of("eq(a,boolean:yes)", "not a valid boolean"),
                    Arguments.of("eq(a,date:yesterday)", "not a valid ISO-8601 date"),
                    Arguments.of("eq(a,date:2020-13-01)", "not a valid ISO-8601 date"),
                    Arguments.of("eq(a,epoch:abc)", "not a valid epoch time"),
                    Arguments.of("eq(a,re:%2528)", "not a valid regular expression"),
                    Arguments.of("eq(a,re:" + "%2528".repeat(40) + ")", "nested too deeply"),
                    Arguments.of("and(".repeat(40) + "eq(a,1)" + ")".repeat(40), "nested more than 32 levels deep"),
                    Arguments.of("(".repeat(40), "nested more than 32 levels deep"),
                    Arguments.of("in(a," + "(".repeat(40), "nested more than 32 levels deep"),
                    Arguments.of("eq(a," + "x".repeat(Rql.MAX_LENGTH) + ")", "longer than 16384 characters"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("malformed")
        void malformedQueriesAreInvalidRqlWithAUsefulMessage(String raw, String expectedMessage) {
            assertThatThrownBy(() -> Rql.parse(raw))
                    .isInstanceOfSatisfying(ExhException.class, e -> {
                        assertThat(e.error()).isEqualTo(ExhError.INVALID_RQL_EXCEPTION);
                        assertThat(e.error().code()).isEqualTo(19);
                        assertThat(e.getMessage()).startsWith("Invalid RQL: ").contains(expectedMessage);
                    });
        }

        @Test
        void syntaxErrorsNamePositionAndContext() {
            assertThatThrownBy(() -> Rql.parse("eq(a,1)&ne(b,2)x"))
                    .hasMessage("Invalid RQL: unexpected 'x' at position 15 (near 'eq(a,1)&ne(b,2)x')");
            assertThatThrownBy(() -> Rql.parse("eq(a,1)&bogus(b)"))
                    .hasMessage("Invalid RQL: unknown operator 'bogus' at position 8");
        }

        @Test
        void nestingUpToTheLimitIsFine() {
            String raw = "and(".repeat(Rql.MAX_DEPTH - 1) + "eq(a,1)" + ")".repeat(Rql.MAX_DEPTH - 1);
            assertThat(filter(raw)).isEqualTo(eq("a", num(1)));
        }
    }
}
