package dev.medbase.platform.rql;

import java.time.Instant;

/**
 * A typed RQL value (contract §4.5). Every value remembers the decoded {@link #text()} it was typed from, so a field
 * type hint can re-type it later ({@code eq(phone,12345678)} on a string field compares the string), unless it was
 * typed {@link #explicit() explicitly} with a prefix such as {@code string:} or with quotes.
 */
public sealed interface RqlValue {

    /** The decoded text this value was typed from, without type prefix or quotes. */
    String text();

    /** True when the value carried a type prefix or quotes: field type hints leave such values alone. */
    boolean explicit();

    record Text(String value, boolean explicit) implements RqlValue {
        public Text(String value) {
            this(value, false);
        }

        @Override
        public String text() {
            return value;
        }
    }

    /** A number: {@link Integer} or {@link Long} when integral and exact, else {@link Double}. */
    record Num(Number value, String text, boolean explicit) implements RqlValue {
    }

    record Bool(boolean value, boolean explicit) implements RqlValue {
        @Override
        public String text() {
            return Boolean.toString(value);
        }
    }

    record Null() implements RqlValue {
        @Override
        public String text() {
            return "null";
        }

        @Override
        public boolean explicit() {
            return false;
        }
    }

    /** From {@code date:}, {@code isodate:} or {@code epoch:}. */
    record DateTime(Instant value, String text) implements RqlValue {
        @Override
        public boolean explicit() {
            return true;
        }
    }

    /** From {@code re:} (case-insensitive), {@code RE:} or {@code glob:} (case-insensitive, anchored). */
    record Regex(String pattern, boolean caseInsensitive) implements RqlValue {
        @Override
        public String text() {
            return pattern;
        }

        @Override
        public boolean explicit() {
            return true;
        }
    }

    /**
     * Types a fully decoded value token (§4.5): a known {@code prefix:} converts explicitly; otherwise {@code true},
     * {@code false}, {@code null}, numbers that round-trip like JavaScript's {@code String(Number(t)) === t}, and
     * {@code 'quoted'} strings are recognised; anything else is a string. An unknown prefix is part of a string.
     *
     * @throws dev.medbase.platform.error.ExhException INVALID_RQL_EXCEPTION when an explicit conversion fails
     */
    static RqlValue typed(String text) {
        int colon = text.indexOf(':');
        if (colon > 0) {
            String rest = text.substring(colon + 1);
            switch (text.substring(0, colon)) {
                case "string":
                    return new Text(rest, true);
                case "number":
                    return new Num(RqlValues.number(rest, text), rest, true);
                case "boolean":
                    return new Bool(RqlValues.bool(rest, text), true);
                case "date":
                    return new DateTime(RqlValues.date(rest, text), rest);
                case "isodate":
                    return new DateTime(RqlValues.date(RqlValues.padIsoDate(rest), text), rest);
                case "epoch":
                    return new DateTime(RqlValues.epoch(rest, text), rest);
                case "re":
                    return new Regex(RqlValues.regex(rest, text), true);
                case "RE":
                    return new Regex(RqlValues.regex(rest, text), false);
                case "glob":
                    return new Regex(RqlValues.glob(rest), true);
                default:
                    break;
            }
        }
        switch (text) {
            case "true":
                return new Bool(true, false);
            case "false":
                return new Bool(false, false);
            case "null":
                return new Null();
            default:
                break;
        }
        Number number = RqlValues.jsNumber(text);
        if (number != null) {
            return new Num(number, text, false);
        }
        if (text.length() >= 2 && text.charAt(0) == '\'' && text.charAt(text.length() - 1) == '\'') {
            return new Text(RqlValues.jsonUnescape(text.substring(1, text.length() - 1)), true);
        }
        return new Text(text, false);
    }
}
