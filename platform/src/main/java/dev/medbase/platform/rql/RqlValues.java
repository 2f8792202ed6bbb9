package dev.medbase.platform.rql;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Conversion helpers shared by the value typing and the translator's field type hints. */
final class RqlValues {

    /** JavaScript's Date range, ±8.64e15 ms around the epoch. */
    private static final long MAX_EPOCH_MILLIS = 8_640_000_000_000_000L;
    private static final Pattern JS_PLAIN = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]*[1-9])?");
    private static final Pattern JS_EXPONENTIAL = Pattern.compile("-?[1-9](\\.[0-9]*[1-9])?e[+-](0|[1-9][0-9]*)");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final int MAX_REGEX_NESTING = 32;

    private RqlValues() {
    }

    /**
     * The number {@code t} denotes if JavaScript's {@code String(Number(t))} gives {@code t} back, else null. JS
     * prints the shortest digit string that reads back as the same double, in plain notation for magnitudes in
     * [1e-7, 1e21) and as {@code 1.5e+21} outside it; so {@code 10} and {@code -1.5} are numbers, {@code 010},
     * {@code 1.0}, {@code 1e21}, {@code -0} and {@code 9007199254740993} are not.
     */
    static Number jsNumber(String t) {
        if (t.isEmpty() || t.length() > 32) { // JS never prints more than 17 digits plus sign, zeros and exponent
            return null;
        }
        boolean plain = JS_PLAIN.matcher(t).matches();
        if (!plain && !JS_EXPONENTIAL.matcher(t).matches()) {
            return null;
        }
        double d = Double.parseDouble(t);
        if (Double.isInfinite(d)) {
            return null;
        }
        if (d == 0) {
            return t.equals("0") ? normalize(d) : null;
        }
        BigDecimal written = new BigDecimal(t).stripTrailingZeros();
        int k = written.precision();
        int n = k - written.scale(); // 10^(n-1) <= |d| < 10^n
        if (plain != (n > -6 && n <= 21)) {
            return null;
        }
        BigDecimal exact = new BigDecimal(d);
        BigDecimal nearest = exact.round(new MathContext(k, RoundingMode.HALF_EVEN));
        if (nearest.compareTo(written) != 0 && Double.parseDouble(nearest.toString()) == d) {
            return null; // a closer k-digit string exists: JS would print that one
        }
        if (k > 1) {
            for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
                BigDecimal shorter = exact.round(new MathContext(k - 1, mode));
                if (Double.parseDouble(shorter.toString()) == d) {
                    return null; // fewer digits suffice: JS would print those
                }
            }
        }
        return normalize(d);
    }

    /** Integral doubles within ±2^53 become Integer or Long (so criteria read {@code 10}, not {@code 10.0}). */
    static Number normalize(double d) {
        if (d == Math.rint(d) && Math.abs(d) <= 9_007_199_254_740_992d) {
            long l = (long) d;
            return l == (int) l ? (Number) (int) l : (Number) l;
        }
        return d;
    }

    /** Parses a decimal number (used for {@code number:} and NUMBER-typed fields), or null when it is none. */
    static Number parseDecimal(String s) {
        String t = s.strip();
        if (t.length() > 64 || !DECIMAL.matcher(t).matches()) {
            return null;
        }
        double d = Double.parseDouble(t);
        return Double.isInfinite(d) ? null : normalize(d);
    }

    static Number number(String s, String token) {
        Number n = parseDecimal(s);
        if (n == null) {
            throw Rql.invalid("'" + Rql.excerpt(token) + "' is not a valid number");
        }
        return n;
    }

    static boolean bool(String s, String token) {
        if (s.equals("true") || s.equals("false")) {
            return s.equals("true");
        }
        throw Rql.invalid("'" + Rql.excerpt(token) + "' is not a valid boolean (true or false)");
    }

    static Instant epoch(String s, String token) {
        Number n = parseDecimal(s);
        if (n == null || Math.abs(n.doubleValue()) > MAX_EPOCH_MILLIS) {
            throw Rql.invalid("'" + Rql.excerpt(token) + "' is not a valid epoch time in milliseconds");
        }
        return Instant.ofEpochMilli(n.longValue());
    }

    static Instant date(String s, String token) {
        Instant instant = parseIsoDate(s);
        if (instant == null) {
            throw Rql.invalid("'" + Rql.excerpt(token) + "' is not a valid ISO-8601 date");
        }
        return instant;
    }

    /**
     * ISO-8601 date or date-time: with {@code Z} or an offset, without one (read as UTC), or a bare date (UTC
     * midnight). Null when it is none or lies outside JavaScript's date range.
     */
    static Instant parseIsoDate(String s) {
        if (s.length() < 10 || s.length() > 40) {
            return null;
        }
        Instant instant = null;
        try {
            instant = OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                instant = LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                try {
                    instant = LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeParseException e3) {
                    return null;
                }
            }
        }
        if (instant.getEpochSecond() > MAX_EPOCH_MILLIS / 1000 || instant.getEpochSecond() < -MAX_EPOCH_MILLIS / 1000) {
            return null;
        }
        return instant;
    }

    private static final java.time.format.DateTimeFormatter ISO_MILLIS =
            java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** {@code 2012-08-22T12:16:05.677Z}: always UTC, always milliseconds, so the strings order like the instants. */
    static String isoString(Instant instant) {
        return ISO_MILLIS.format(instant);
    }

    /** {@code isodate:} accepts partial dates ({@code 2020}, {@code 2020-05}): pad them like persvr/rql does. */
    static String padIsoDate(String s) {
        String template = "0000-01-01T00:00:00Z";
        String date = s.length() < 4 ? "0000".substring(s.length()) + s : s;
        return date.length() < template.length() ? date + template.substring(date.length()) : date;
    }

    static String regex(String pattern, String token) {
        int depth = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '(' && ++depth > MAX_REGEX_NESTING) {
                throw Rql.invalid("the regular expression in '" + Rql.excerpt(token) + "' is nested too deeply");
            } else if (c == ')') {
                depth--;
            }
        }
        try {
            Pattern.compile(pattern);
            return pattern;
        } catch (PatternSyntaxException e) {
            throw Rql.invalid("'" + Rql.excerpt(token) + "' is not a valid regular expression");
        }
    }

    /** {@code glob:} wildcards: {@code *} any run, {@code ?} one character, the rest literal; anchored. */
    static String glob(String glob) {
        StringBuilder re = new StringBuilder("^");
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else {
                appendLiteral(re, c);
            }
        }
        return re.append('$').toString();
    }

    /** Escapes user text so it is matched literally as a regular expression (MongoDB PCRE and Java alike). */
    static String quoteRegex(String text) {
        StringBuilder re = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            appendLiteral(re, text.charAt(i));
        }
        return re.toString();
    }

    private static void appendLiteral(StringBuilder re, char c) {
        if ("\\^$.|?*+()[]{}-/#".indexOf(c) >= 0) {
            re.append('\\');
        }
        re.append(c);
    }

    /** The content of a {@code 'quoted'} value is JSON-unescaped ({@code \n}, {@code \'}, {@code \u00e9}…). */
    static String jsonUnescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i >= s.length()) {
                throw Rql.invalid("quoted value '" + Rql.excerpt(s) + "' ends with a lone backslash");
            }
            char e = s.charAt(i);
            switch (e) {
                case '"', '\\', '/', '\'' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (i + 4 >= s.length()) {
                        throw Rql.invalid("quoted value '" + Rql.excerpt(s) + "' has a truncated \\u escape");
                    }
                    String hex = s.substring(i + 1, i + 5);
                    if (!hex.matches("[0-9A-Fa-f]{4}")) {
                        throw Rql.invalid("quoted value '" + Rql.excerpt(s) + "' has an invalid \\u escape");
                    }
                    out.append((char) Integer.parseInt(hex, 16));
                    i += 4;
                }
                default -> throw Rql.invalid("quoted value '" + Rql.excerpt(s) + "' has an invalid escape \\" + e);
            }
        }
        return out.toString();
    }
}
