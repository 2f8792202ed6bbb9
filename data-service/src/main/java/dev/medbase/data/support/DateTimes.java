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
        Instant instant = parse(text);
        return instant == null ? null : format(instant);
    }

    /** Lenient ISO-8601: year, year-month, date, date-time with or without seconds, fraction and offset. */
    public static Instant parse(String text) {
        if (text == null || text.length() < 4 || text.length() > 40) {
            return null;
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
