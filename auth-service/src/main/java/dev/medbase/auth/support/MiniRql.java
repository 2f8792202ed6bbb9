package dev.medbase.auth.support;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * A deliberately tiny stand-in for the platform RQL library ({@code dev.medbase.platform.rql}, written concurrently):
 * understands only what the SDK sends to auth's list endpoints — {@code eq(field,value)} terms joined by {@code &}
 * and {@code limit(n[,offset])} — and refuses everything else with {@code 19 INVALID_RQL_EXCEPTION}. The raw query
 * string is decoded once, then each value once more (the SDK double-encodes values, contract §4.1). Swap this class
 * for the platform parser once it is merged; its callers only use {@link Parsed}.
 */
public final class MiniRql {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;
    private static final Pattern TERM = Pattern.compile("([a-zA-Z]+)\\((.*)\\)");

    /** {@code eq} filters by field name, and the effective limit and offset. */
    public record Parsed(Map<String, String> eq, int limit, int offset) {}

    private MiniRql() {
    }

    public static Parsed parse(String rawQuery, Set<String> fields) {
        Map<String, String> eq = new LinkedHashMap<>();
        int limit = DEFAULT_LIMIT;
        int offset = 0;
        if (rawQuery == null || rawQuery.isBlank()) {
            return new Parsed(eq, limit, offset);
        }
        String decoded = decode(rawQuery);
        for (String term : decoded.split("&")) {
            if (term.isEmpty()) {
                continue;
            }
            Matcher m = TERM.matcher(term);
            if (!m.matches()) {
                throw invalid(term);
            }
            String[] args = m.group(2).split(",", -1);
            switch (m.group(1)) {
                case "eq" -> {
                    if (args.length != 2 || !fields.contains(args[0])) {
                        throw invalid(term);
                    }
                    eq.put(args[0], decode(args[1]));
                }
                case "limit" -> {
                    if (args.length < 1 || args.length > 2) {
                        throw invalid(term);
                    }
                    limit = Math.min(number(args[0], term), MAX_LIMIT);
                    offset = args.length == 2 ? number(args[1], term) : 0;
                }
                default -> throw invalid(term);
            }
        }
        return new Parsed(eq, limit, offset);
    }

    private static int number(String value, String term) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 0) {
                throw invalid(term);
            }
            return n;
        } catch (NumberFormatException e) {
            throw invalid(term);
        }
    }

    /** Percent-decoding without the form rule that turns {@code +} into a space. */
    private static String decode(String value) {
        try {
            return java.net.URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ExhException(ExhError.INVALID_RQL_EXCEPTION, "The RQL query is not correctly encoded");
        }
    }

    private static ExhException invalid(String term) {
        return new ExhException(ExhError.INVALID_RQL_EXCEPTION,
                "Unsupported RQL term '" + (term.length() > 100 ? term.substring(0, 100) + "…" : term) + "'");
    }
}
