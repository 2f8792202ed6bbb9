package dev.medbase.data.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** §7.2: any ISO-8601 input, stored as UTC with milliseconds. */
class DateTimesTest {

    @ParameterizedTest
    @CsvSource({
            "2012, 2012-01-01T00:00:00.000Z",
            "2012-08, 2012-08-01T00:00:00.000Z",
            "2012-08-22, 2012-08-22T00:00:00.000Z",
            "2012-08-22T14:16, 2012-08-22T14:16:00.000Z",
            "2012-08-22T14:16:05, 2012-08-22T14:16:05.000Z",
            "2012-08-22T14:16:05.677+02:00, 2012-08-22T12:16:05.677Z",
            "2012-08-22T14:16:05.677+0200, 2012-08-22T12:16:05.677Z",
            "2012-08-22t14:16:05z, 2012-08-22T14:16:05.000Z",
            "2012-08-22T14:16:05.123456789Z, 2012-08-22T14:16:05.123Z",
            "1969-12-31T23:59:59.999Z, 1969-12-31T23:59:59.999Z"})
    void normalises(String input, String stored) {
        assertThat(DateTimes.normalize(input)).isEqualTo(stored);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "12", "yesterday", "2012-13", "2012-02-30", "2012-08-22T25:00", "2012-08-22 14:16",
            "2012-02-30T10:00:00.000Z", "2012-08-22T24:00:00.000Z", "2012-08-22T14:16:60.000Z",
            "2012-08-2xT14:16:05.677Z", "2012-08-22T14:16:05.67-Z",
            "2012-08-22T14:16:05+25:00", "999999-01-01", "20120822"})
    void rejects(String input) {
        assertThat(DateTimes.normalize(input)).isNull();
    }

    @Test
    void roundTripsAndOrdersLikeTheInstants() {
        Random random = new Random(42);
        String previous = null;
        long previousMillis = Long.MIN_VALUE;
        for (int i = 0; i < 2000; i++) {
            long millis = random.nextLong(-50_000_000_000_000L, 250_000_000_000_000L);
            String s = DateTimes.format(Instant.ofEpochMilli(millis));
            assertThat(DateTimes.normalize(s)).isEqualTo(s);
            assertThat(DateTimes.parse(s).toEpochMilli()).isEqualTo(millis);
            if (previous != null && millis >= 0 && previousMillis >= 0) {
                assertThat(Integer.signum(s.compareTo(previous))).isEqualTo(Long.signum(millis - previousMillis));
            }
            previous = s;
            previousMillis = millis;
        }
    }
}
