package dev.medbase.users.web;

import java.time.Instant;
import java.util.Date;

/** The users service speaks epoch milliseconds on the wire (contract §2.4) and stores {@code Date}s. */
public final class Times {

    private Times() {
    }

    public static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    public static Date date(Instant instant) {
        return instant == null ? null : Date.from(instant);
    }
}
