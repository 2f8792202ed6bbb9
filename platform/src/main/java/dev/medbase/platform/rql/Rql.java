package dev.medbase.platform.rql;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Entry point: parses the raw query string of an RQL endpoint (contract §4).
 *
 * <pre>{@code
 * RqlQuery rql = Rql.parse(request.getQueryString());   // "eq(name,a%2520b)&limit(10)", still percent-encoded
 * Query query = translator.toQuery(rql);
 * }</pre>
 */
public final class Rql {

    /** Longest raw query string accepted (characters). */
    public static final int MAX_LENGTH = 16 * 1024;
    /** Deepest parenthesis nesting accepted. */
    public static final int MAX_DEPTH = 32;

    private static final Logger log = LoggerFactory.getLogger(Rql.class);

    private Rql() {
    }

    /**
     * Parses a raw, still percent-encoded RQL query string as {@code HttpServletRequest.getQueryString()} returns it;
     * a leading {@code ?} is allowed. Null or empty gives {@link RqlQuery#EMPTY}.
     *
     * @throws ExhException {@link ExhError#INVALID_RQL_EXCEPTION} for any malformed input; nothing else is thrown
     */
    public static RqlQuery parse(String rawQueryString) {
        try {
            return parseUnguarded(rawQueryString);
        } catch (ExhException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            // Defence in depth: the parser is written (and fuzzed, without this net) never to get here.
            log.warn("RQL parser bug on input of {} characters", rawQueryString.length(), e); // length > 0 here
            throw invalid("the query could not be parsed");
        }
    }

    /** {@link #parse} without the safety net, so tests see any exception the parser itself lets escape. */
    static RqlQuery parseUnguarded(String rawQueryString) {
        if (rawQueryString == null || rawQueryString.isEmpty() || rawQueryString.equals("?")) {
            return RqlQuery.EMPTY;
        }
        if (rawQueryString.length() > MAX_LENGTH) {
            throw invalid("the query is longer than " + MAX_LENGTH + " characters");
        }
        return RqlReader.read(RqlSyntax.parse(rawQueryString));
    }

    static ExhException invalid(String problem) {
        return new ExhException(ExhError.INVALID_RQL_EXCEPTION, "Invalid RQL: " + problem);
    }

    /** A short, printable excerpt of user input for error messages. */
    static String excerpt(String s) {
        String t = s.length() > 60 ? s.substring(0, 57) + "..." : s;
        StringBuilder out = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }
}
