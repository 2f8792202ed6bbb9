package dev.medbase.platform.rql;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.medbase.platform.error.ExhException;

/**
 * Steps 1-3 of the decoding procedure (contract §4.1-4.2): percent-decode the raw query once, then parse the grammar
 * into an untyped tree of calls, values and {@code (a,b)} arrays. Operator names, arity and value typing are checked
 * later by {@link RqlReader}.
 *
 * <pre>
 * list       = [ expression *( ("&amp;" / "|") expression ) ]     one conjunction per level; empty items tolerated at top
 * expression = "(" list ")" / call / fiql                     "(" here groups conditions: (a|b)&amp;c
 * call       = name "(" [ argument *( "," argument ) ] ")"
 * argument   = "(" [ argument *( "," argument ) ] ")" / "'" text "'" / call / fiql / token    "(" here is an array
 * fiql       = token ( "=" / "==" / "!=" / "&lt;" / "&lt;=" / "&gt;" / "&gt;=" / "=" name "=" ) fiql-value
 * token      = any characters but ( ) , &amp; | = &lt; &gt; and "!="      (possibly empty)
 * </pre>
 */
final class RqlSyntax {

    sealed interface Term permits Call, Value, Array {
        /** Offset in the once-decoded query, for error messages. */
        int position();
    }

    /** {@code name(args)}; a top-level or parenthesised list is a call to "and" or "or". */
    record Call(String name, List<Term> args, int position) implements Term {
    }

    /** A value or field token as it stands after the first decoding; {@code quoted}: it was written {@code 'text'}. */
    record Value(String text, boolean quoted, int position) implements Term {
    }

    /** The persvr array form {@code (a,b)}. */
    record Array(List<Term> items, int position) implements Term {
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern FIQL_NAMED = Pattern.compile("=([A-Za-z0-9_]+)=");
    private static final String TOKEN_STOP = "(),&|=<>";

    private final String s;
    private int pos;
    private int depth;

    private RqlSyntax(String s) {
        this.s = s;
    }

    /** Parses a raw query (still percent-encoded; one leading "?" allowed) into a top-level "and"/"or" call. */
    static Call parse(String raw) {
        String query = percentDecode(raw.startsWith("?") ? raw.substring(1) : raw, "the query");
        if (query.indexOf('\0') >= 0) {
            throw Rql.invalid("the query contains a NUL character");
        }
        return new RqlSyntax(query).topLevel();
    }

    /**
     * Strict percent-decoding like JavaScript's {@code decodeURIComponent}: {@code %XX} runs are UTF-8, {@code +}
     * stays {@code +}; a malformed escape or invalid UTF-8 is an error (never an IllegalArgumentException).
     */
    static String percentDecode(String s, String what) {
        int i = s.indexOf('%');
        if (i < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        out.append(s, 0, i);
        byte[] bytes = new byte[s.length() / 3 + 1];
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            int start = i;
            int n = 0;
            while (i < s.length() && s.charAt(i) == '%') {
                int hi = i + 1 < s.length() ? hex(s.charAt(i + 1)) : -1;
                int lo = i + 2 < s.length() ? hex(s.charAt(i + 2)) : -1;
                if (hi < 0 || lo < 0) {
                    throw Rql.invalid("malformed percent-encoding '" + Rql.excerpt(s.substring(i, Math.min(i + 3, s.length())))
                            + "' at position " + i + " of " + what);
                }
                bytes[n++] = (byte) (hi * 16 + lo);
                i += 3;
            }
            try {
                out.append(StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, 0, n)));
            } catch (CharacterCodingException e) {
                throw Rql.invalid("the percent-encoded bytes at position " + start + " of " + what + " are not valid UTF-8");
            }
        }
        return out.toString();
    }

    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    private Call topLevel() {
        Call top = list(true);
        if (pos < s.length()) {
            throw error("unbalanced ')'");
        }
        return top;
    }

    private Call list(boolean topLevel) {
        int start = pos;
        List<Term> items = new ArrayList<>();
        char conjunction = 0;
        while (true) {
            if (atEnd() || peek() == ')' || peek() == '&' || peek() == '|') {
                if (!topLevel) {
                    throw error(atEnd() ? "'(' is never closed" : "expected a query operator such as eq(field,value)");
                }
                // top level: tolerate an empty item, e.g. a trailing or doubled '&'
            } else {
                items.add(expression());
            }
            if (atEnd() || peek() == ')') {
                break;
            }
            char c = peek();
            if (c != '&' && c != '|') {
                throw error("unexpected '" + c + "'");
            }
            if (conjunction != 0 && conjunction != c) {
                throw error("'&' and '|' cannot be mixed at one level; use and(...), or(...) or parentheses");
            }
            conjunction = c;
            pos++;
        }
        return new Call(conjunction == '|' ? "or" : "and", items, start);
    }

    private Term expression() {
        int start = pos;
        if (peek() == '(') {
            enter();
            pos++;
            Call group = list(false);
            close(start);
            return group;
        }
        Term term = argument();
        if (!(term instanceof Call)) {
            throw errorAt(start, "expected a query operator such as eq(field,value)");
        }
        return term;
    }

    private Term argument() {
        int start = pos;
        if (!atEnd() && peek() == '(') {
            return array();
        }
        if (!atEnd() && peek() == '\'') {
            return quoted();
        }
        String token = token();
        if (!atEnd() && peek() == '(') {
            if (!NAME.matcher(token).matches()) {
                throw errorAt(start, token.isEmpty() ? "'(' without an operator name" : "invalid operator name '" + Rql.excerpt(token) + "'");
            }
            enter();
            pos++;
            Call call = new Call(token, arguments(start), start);
            depth--;
            return call;
        }
        String operator = fiqlOperator();
        if (operator != null) {
            if (token.isEmpty()) {
                throw errorAt(start, "missing field name before a FIQL operator");
            }
            return new Call(operator, List.of(new Value(token, false, start), fiqlValue()), start);
        }
        return new Value(token, false, start);
    }

    private Array array() {
        int start = pos;
        enter();
        pos++;
        Array array = new Array(arguments(start), start);
        depth--;
        return array;
    }

    private Value quoted() {
        int start = pos;
        int end = s.indexOf('\'', pos + 1);
        if (end < 0) {
            throw error("unterminated quoted value");
        }
        pos = end + 1;
        if (!atEnd() && ",)&|".indexOf(peek()) < 0) {
            throw error("unexpected '" + peek() + "' after a quoted value");
        }
        return new Value(s.substring(start + 1, end), true, start);
    }

    /** Arguments after an opening parenthesis, up to and including the closing one. */
    private List<Term> arguments(int open) {
        List<Term> args = new ArrayList<>();
        if (!atEnd() && peek() == ')') {
            pos++;
            return args;
        }
        while (true) {
            args.add(argument());
            if (atEnd()) {
                throw errorAt(open, "'(' is never closed");
            }
            char c = peek();
            if (c == ')') {
                pos++;
                return args;
            }
            if (c != ',') {
                throw error("unexpected '" + c + "' in an argument list"
                        + (c == '&' || c == '|' ? " (inside parentheses combine conditions with and(...) or or(...))" : ""));
            }
            pos++;
        }
    }

    /** The value of a FIQL shorthand: a token, a quoted value or an array, but not another operator. */
    private Term fiqlValue() {
        int start = pos;
        Term value = atEnd() ? new Value("", false, pos)
                : peek() == '(' ? array()
                : peek() == '\'' ? quoted()
                : new Value(token(), false, start);
        if (!atEnd() && ",)&|".indexOf(peek()) < 0) {
            throw error("unexpected '" + peek() + "' after a FIQL value");
        }
        return value;
    }

    private String fiqlOperator() {
        if (atEnd()) {
            return null;
        }
        char c = peek();
        char next = pos + 1 < s.length() ? s.charAt(pos + 1) : 0;
        if (c == '!' && next == '=') {
            pos += 2;
            return "ne";
        }
        if (c == '<' || c == '>') {
            pos += next == '=' ? 2 : 1;
            return c == '<' ? (next == '=' ? "le" : "lt") : (next == '=' ? "ge" : "gt");
        }
        if (c == '=') {
            if (next == '=') {
                pos += 2;
                return "eq";
            }
            Matcher named = FIQL_NAMED.matcher(s).region(pos, s.length());
            if (named.lookingAt()) {
                pos = named.end();
                return named.group(1);
            }
            pos++;
            return "eq";
        }
        return null;
    }

    private String token() {
        int start = pos;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (TOKEN_STOP.indexOf(c) >= 0 || (c == '!' && pos + 1 < s.length() && s.charAt(pos + 1) == '=')) {
                break;
            }
            pos++;
        }
        return s.substring(start, pos);
    }

    private void close(int open) {
        if (atEnd() || peek() != ')') {
            throw errorAt(open, "'(' is never closed");
        }
        pos++;
        depth--;
    }

    private void enter() {
        if (++depth > Rql.MAX_DEPTH) {
            throw error("parentheses are nested more than " + Rql.MAX_DEPTH + " levels deep");
        }
    }

    private boolean atEnd() {
        return pos >= s.length();
    }

    private char peek() {
        return s.charAt(pos);
    }

    private ExhException error(String problem) {
        return errorAt(pos, problem);
    }

    private ExhException errorAt(int at, String problem) {
        int from = Math.max(0, at - 20);
        int to = Math.min(s.length(), at + 20);
        String near = (from > 0 ? "..." : "") + s.substring(from, to) + (to < s.length() ? "..." : "");
        return Rql.invalid(problem + " at position " + at + " (near '" + Rql.excerpt(near) + "')");
    }
}
