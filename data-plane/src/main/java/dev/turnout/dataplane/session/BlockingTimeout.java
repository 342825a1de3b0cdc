package dev.turnout.dataplane.session;

import dev.turnout.dataplane.resp.CommandFrame;
import java.math.BigDecimal;
import java.util.Map;

/**
 * Where a blocking command keeps its timeout, so a pause can end it upstream and re-issue it with the time it
 * had left: BLPOP-style commands end with seconds, BLMPOP and BZMPOP start with them, XREAD and XREADGROUP
 * take milliseconds after BLOCK. {@link #NONE} for a command the proxy cannot re-issue.
 */
enum BlockingTimeout {
    /** Seconds (a decimal) as the last argument: BLPOP, BRPOP, BZPOPMIN, BZPOPMAX, BRPOPLPUSH, BLMOVE. */
    SECONDS_LAST,
    /** Seconds (a decimal) as the first argument: BLMPOP, BZMPOP. */
    SECONDS_FIRST,
    /** Milliseconds after the BLOCK option: XREAD, XREADGROUP. */
    MILLIS_AFTER_BLOCK,
    NONE;

    private static final Map<String, BlockingTimeout> BY_COMMAND = Map.of(
            "blpop", SECONDS_LAST, "brpop", SECONDS_LAST, "bzpopmin", SECONDS_LAST, "bzpopmax", SECONDS_LAST,
            "brpoplpush", SECONDS_LAST, "blmove", SECONDS_LAST,
            "blmpop", SECONDS_FIRST, "bzmpop", SECONDS_FIRST,
            "xread", MILLIS_AFTER_BLOCK, "xreadgroup", MILLIS_AFTER_BLOCK);

    private static final byte[] BLOCK = Session.ascii("block");
    /** About 292 years: timeouts beyond it do not fit in a long of nanoseconds. */
    private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(9_000_000_000L);
    private static final byte[] STREAMS = Session.ascii("streams");
    private static final byte[] GROUP = Session.ascii("group");

    static BlockingTimeout of(String command) {
        return BY_COMMAND.getOrDefault(command, NONE);
    }

    /** Index of the timeout argument in {@code frame}, or -1 if there is none the proxy understands. */
    int argument(CommandFrame frame) {
        switch (this) {
            case SECONDS_LAST:
                return frame.argc() >= 3 ? frame.argc() - 1 : -1;
            case SECONDS_FIRST:
                return frame.argc() >= 3 ? 1 : -1;
            case MILLIS_AFTER_BLOCK:
                for (int i = 1; i + 1 < frame.argc(); i++) {
                    if (frame.argEqualsIgnoreCase(i, STREAMS)) {
                        return -1;
                    }
                    if (frame.argEqualsIgnoreCase(i, GROUP)) {
                        i += 2; // the group and consumer names, which may be any word, "block" included
                        continue;
                    }
                    if (frame.argEqualsIgnoreCase(i, BLOCK)) {
                        return i + 1;
                    }
                }
                return -1;
            default:
                return -1;
        }
    }

    /** The timeout in nanoseconds (0: forever), or -1 if Redis would refuse it anyway. */
    long parseNanos(String value) {
        try {
            if (this == MILLIS_AFTER_BLOCK) {
                long millis = Long.parseLong(value);
                return millis < 0 || millis > MAX_SECONDS.longValue() * 1000 ? -1 : millis * 1_000_000L;
            }
            BigDecimal seconds = new BigDecimal(value);
            if (seconds.signum() < 0) {
                return -1;
            }
            if (seconds.compareTo(MAX_SECONDS) > 0) {
                return -1; // beyond what the proxy can count down: not re-issued (the drain waits for it)
            }
            long nanos = seconds.movePointRight(9).longValue();
            return nanos == 0 && seconds.signum() > 0 ? 1_000_000 : nanos; // Redis rounds a tiny timeout up
        } catch (NumberFormatException | ArithmeticException e) {
            return -1;
        }
    }

    /** {@code nanos} (> 0) as this argument takes it, rounded up to the millisecond so it never becomes 0. */
    String format(long nanos) {
        long millis = Math.max(1, (nanos + 999_999) / 1_000_000);
        if (this == MILLIS_AFTER_BLOCK) {
            return Long.toString(millis);
        }
        return BigDecimal.valueOf(millis, 3).toPlainString();
    }
}
