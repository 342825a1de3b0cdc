package dev.turnout.dataplane.config;

import java.time.Duration;
import java.util.Locale;

/** Parses the scalar forms the configuration accepts: durations ({@code 10s}) and sizes ({@code 512mb}). */
public final class ConfigValues {

    private ConfigValues() {
    }

    /** {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}, or a bare number of seconds. */
    public static Duration duration(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
            }
            if (s.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1).trim()));
            }
            if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1).trim()));
            }
            if (s.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1).trim()));
            }
            return Duration.ofSeconds(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a duration such as 250ms, 10s, 5m or 1h, got '" + text + "'");
        }
    }

    /**
     * {@code 1024}, {@code 64kb}, {@code 512mb}, {@code 1gb}, read as redis.conf reads them: {@code kb},
     * {@code mb} and {@code gb} are powers of 1024, {@code k}, {@code m} and {@code g} powers of 1000.
     */
    public static long size(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        String digits = s;
        if (s.endsWith("kb")) {
            unit = 1024;
        } else if (s.endsWith("k")) {
            unit = 1000;
        } else if (s.endsWith("mb")) {
            unit = 1024 * 1024;
        } else if (s.endsWith("m")) {
            unit = 1000 * 1000;
        } else if (s.endsWith("gb")) {
            unit = 1024L * 1024 * 1024;
        } else if (s.endsWith("g")) {
            unit = 1000L * 1000 * 1000;
        }
        if (s.endsWith("b")) {
            digits = s.substring(0, s.length() - (unit == 1 ? 1 : 2));
        } else if (unit != 1) {
            digits = s.substring(0, s.length() - 1);
        }
        try {
            return Math.multiplyExact(Long.parseLong(digits.trim()), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("expected a size such as 1024, 64kb or 512mb, got '" + text + "'");
        }
    }
}
