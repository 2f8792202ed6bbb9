package dev.medbase.platform.rql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Typing rules of §4.5, in particular JavaScript's {@code String(Number(t)) === t}. */
class RqlValueTest {

    /** Expected values were checked against node: {@code String(Number(t)) === t}. */
    @ParameterizedTest
    @CsvSource({
            "0, 0",
            "10, 10",
            "-7, -7",
            "-1.5, -1.5",
            "0.1, 0.1",
            "0.000001, 1.0E-6",
            "1e-7, 1.0E-7",
            "1.5e-7, 1.5E-7",
            "123456789, 123456789",
            "2147483648, 2147483648",
            "9007199254740992, 9007199254740992",
            "123456789012345680000, 1.2345678901234568E20",
            "1e+21, 1.0E21",
            "1.7976931348623157e+308, 1.7976931348623157E308",
            "5e-324, 4.9E-324",
            "0.30000000000000004, 0.30000000000000004",
    })
    void numbersJavaScriptPrintsTheSameWay(String text, String expected) {
        Number n = RqlValues.jsNumber(text);
        assertThat(n).isNotNull();
        assertThat(n.toString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "-", "+1", "-0", "00", "010", "1.0", "1.50", ".5", "5.", "1e21", "1E+21", "1e+2", "100e+0",
            "0.0000001", "1000000000000000000000", "9007199254740993", "123456789012345678901", "0.1000000000000000055511",
            "Infinity", "-Infinity", "NaN", "0x10", " 1", "1 ", "1_000", "١٢",
    })
    void textsJavaScriptWouldPrintDifferently(String text) {
        assertThat(RqlValues.jsNumber(text)).isNull();
    }

    @Test
    void integralNumbersAreIntegerOrLong() {
        assertThat(RqlValues.jsNumber("42")).isInstanceOf(Integer.class);
        assertThat(RqlValues.jsNumber("4200000000")).isInstanceOf(Long.class);
        assertThat(RqlValues.jsNumber("4.2")).isInstanceOf(Double.class);
    }

    @Test
    void typedFallsBackToText() {
        assertThat(RqlValue.typed("abc")).isEqualTo(new RqlValue.Text("abc", false));
        assertThat(RqlValue.typed(":abc")).isEqualTo(new RqlValue.Text(":abc", false));
        assertThat(RqlValue.typed("'")).isEqualTo(new RqlValue.Text("'", false));
        assertThat(RqlValue.typed("''")).isEqualTo(new RqlValue.Text("", true));
        assertThat(RqlValue.typed("string:")).isEqualTo(new RqlValue.Text("", true));
    }

    @Test
    void textRemembersWhatWasWritten() {
        assertThat(RqlValue.typed("number:0010").text()).isEqualTo("0010");
        assertThat(RqlValue.typed("true").text()).isEqualTo("true");
        assertThat(RqlValue.typed("null").text()).isEqualTo("null");
        assertThat(RqlValue.typed("epoch:0").text()).isEqualTo("0");
    }

    @Test
    void likeEscapesEveryRegexMetacharacter() {
        String nasty = "a.b*c+d?e(f)g[h]i{j}k|l^m$n\\o-p/q#r";
        String quoted = RqlValues.quoteRegex(nasty);
        assertThat(java.util.regex.Pattern.compile(quoted).matcher(nasty).matches()).isTrue();
        assertThat(java.util.regex.Pattern.compile(quoted).matcher("aXb*c+d?e(f)g[h]i{j}k|l^m$n\\o-p/q#r").matches()).isFalse();
        assertThat(RqlValues.quoteRegex("a.b")).isEqualTo("a\\.b");
    }

    @Test
    void globIsAnchoredAndLiteralOutsideWildcards() {
        assertThat(RqlValues.glob("a*.txt")).isEqualTo("^a.*\\.txt$");
        assertThat(RqlValues.glob("?x")).isEqualTo("^.x$");
    }
}
