package dev.medbase.data.support;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Timestamps on the data wire: ISO-8601 UTC with milliseconds ({@code 2021-04-20T07:34:08.358Z}), contract §2.4. Values
 * of properties with {@code format: date-time} accept any ISO-8601 input ({@code 2012}, {@code 2012-08},
 * {@code 2012-08-22T14:16:05.677+02:00}, no offset = UTC) and are stored normalised to that UTC form (§7.2).
 */
public final class DateTimes {

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern YEAR = Pattern.compile("[+-]?[0-9]{4,6}");
    private static final Pattern YEAR_MONTH = Pattern.compile("[+-]?[0-9]{4,6}-[0-9]{2}");
    /** JavaScript's Date range (±8.64e15 ms), which is what the SDK can represent. */
    private static final long MAX_SECONDS = 8_640_000_000_000L;

    private DateTimes() {
    }

    public static String format(Instant instant) {
        return ISO_MILLIS.format(instant);
    }

    /** The normalised UTC form of an ISO-8601 date or date-time, or null when the text is not one. */
    public static String normalize(String text) {
        if (text != null && canonical(text) != null) {
            return text; // already the stored form (what the SDK sends): nothing to reformat
        }
        Instant instant = parse(text);
        return instant == null ? null : format(instant);
    }

    /** Lenient ISO-8601: year, year-month, date, date-time with or without seconds, fraction and offset. */
    public static Instant parse(String text) {
        if (text == null || text.length() < 4 || text.length() > 40) {
            return null;
        }
        Instant canonical = canonical(text);
        if (canonical != null) {
            return canonical;
        }
        String s = text.strip();
        Instant instant;
        try {
            if (YEAR.matcher(s).matches()) {
                instant = LocalDate.of(Integer.parseInt(s), 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else if (YEAR_MONTH.matcher(s).matches()) {
                int dash = s.lastIndexOf('-');
                instant = LocalDate.of(Integer.parseInt(s.substring(0, dash)), Integer.parseInt(s.substring(dash + 1)), 1)
                        .atStartOfDay(ZoneOffset.UTC).toInstant();
            } else if (s.indexOf('T') < 0 && s.indexOf('t') < 0) {
                instant = LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else {
                String upper = s.replace('t', 'T').replace('z', 'Z');
                instant = parseDateTime(upper);
            }
        } catch (java.time.DateTimeException | NumberFormatException e) {
            return null;
        }
        if (instant == null || Math.abs(instant.getEpochSecond()) > MAX_SECONDS) {
            return null;
        }
        return instant;
    }

    /**
     * The instant of a text in exactly the stored form ({@code 2021-04-20T07:34:08.358Z}), read without the general
     * ISO parser (most input is in that form); null for any other text.
     */
    private static Instant canonical(String s) {
        if (s.length() != 24 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(19) != '.' || s.charAt(23) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        int millis = digits(s, 20, 3);
        if ((year | month | day | hour | minute | second | millis) < 0) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, millis * 1_000_000)
                    .toInstant(ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return null; // e.g. 2012-02-30
        }
    }

    /** The decimal number of {@code length} ASCII digits at {@code from}, or -1. */
    private static int digits(String s, int from, int length) {
        int n = 0;
        for (int i = from; i < from + length; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static Instant parseDateTime(String s) {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            // no offset: UTC; also offsets written without a colon (+0200)
            String fixed = s.matches(".*[+-][0-9]{4}$")
                    ? s.substring(0, s.length() - 2) + ":" + s.substring(s.length() - 2) : null;
            if (fixed != null) {
                return OffsetDateTime.parse(fixed).toInstant();
            }
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        }
    }
}
