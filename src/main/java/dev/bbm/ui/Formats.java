package dev.bbm.ui;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the admin pages write times, durations and numbers: one way on every page. */
final class Formats {

    /** Times in UTC, as the database and the logs keep them, so that they can be compared. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Formats() {}

    static String time(OffsetDateTime time) {
        return time == null ? "—" : TIME.format(time.withOffsetSameInstant(ZoneOffset.UTC));
    }

    /** For {@code <time datetime>}: machine-readable, so that assistive technology can read it out. */
    static String isoTime(OffsetDateTime time) {
        return time == null ? "" : time.withOffsetSameInstant(ZoneOffset.UTC).toString();
    }

    static String clock(OffsetDateTime time) {
        return CLOCK.format(time.withOffsetSameInstant(ZoneOffset.UTC));
    }

    /** {@code 2 h 05 min}, {@code 3 min 20 s}, {@code 45 s}; a dash when unknown. */
    static String duration(Long seconds) {
        if (seconds == null) {
            return "—";
        }
        long s = Math.max(0, seconds);
        if (s >= 86_400) {
            return "%d d %d h".formatted(s / 86_400, s % 86_400 / 3600);
        }
        if (s >= 3600) {
            return "%d h %02d min".formatted(s / 3600, s % 3600 / 60);
        }
        if (s >= 60) {
            return "%d min %02d s".formatted(s / 60, s % 60);
        }
        return s + " s";
    }

    static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.2f s", seconds);
    }

    static String number(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    static String number(Long value) {
        return value == null ? "—" : number(value.longValue());
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    /** {@code 42.5}: trailing zeros dropped, never in scientific notation. */
    static String percent(BigDecimal percent) {
        return percent.stripTrailingZeros().toPlainString();
    }
}
