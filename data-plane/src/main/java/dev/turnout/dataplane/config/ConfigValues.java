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

    /** {@code 1024}, {@code 64kb}, {@code 512mb}, {@code 1gb} (powers of 1024, as Redis reads them). */
    public static long size(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        String digits = s;
        if (s.endsWith("kb") || s.endsWith("k")) {
            unit = 1024;
            digits = s.substring(0, s.length() - (s.endsWith("kb") ? 2 : 1));
        } else if (s.endsWith("mb") || s.endsWith("m")) {
            unit = 1024 * 1024;
            digits = s.substring(0, s.length() - (s.endsWith("mb") ? 2 : 1));
        } else if (s.endsWith("gb") || s.endsWith("g")) {
            unit = 1024L * 1024 * 1024;
            digits = s.substring(0, s.length() - (s.endsWith("gb") ? 2 : 1));
        } else if (s.endsWith("b")) {
            digits = s.substring(0, s.length() - 1);
        }
        try {
            return Math.multiplyExact(Long.parseLong(digits.trim()), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("expected a size such as 1024, 64kb or 512mb, got '" + text + "'");
        }
    }
}
