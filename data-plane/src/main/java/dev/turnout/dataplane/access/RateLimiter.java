package dev.turnout.dataplane.access;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One user's commands-per-second limit, shared by all the user's connections on every event loop: lock-free
 * (one {@link AtomicLong} and a compare-and-set) and cheap enough to ask before every command.
 *
 * <p>A token bucket that holds one second's worth of commands, kept as GCRA (the generic cell rate algorithm):
 * each command costs {@code 1 s / perSecond} of time (rounded down to whole nanoseconds), and the state is the
 * instant at which the bucket is full again. A command is allowed if, after paying for it, that instant is at
 * most one second away. So an idle user may send a burst of {@code perSecond} commands at once, then
 * {@code perSecond} a second: over any span of {@code t} seconds at most {@code perSecond * (1 + t)} commands
 * pass (give or take the rounding, under one command a second for limits up to 30,000).
 *
 * <p>Immutable but for the bucket, which {@link #withLimit} shares: a new configuration that changes a user's
 * limit keeps the user's bucket (the state is a time, meaningful for any limit), and the new limit applies from
 * the next command. A limit of 0 means no limit: {@link #tryAcquire} then always succeeds without touching the
 * bucket.
 */
public final class RateLimiter {

    private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String user;
    private final int perSecond;
    private final long nanosPerCommand;
    private final long burstNanos;
    private final AtomicLong fullAt;
    private final LongSupplier nanoClock;

    private RateLimiter(String user, int perSecond, AtomicLong fullAt, LongSupplier nanoClock) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("commands per second for user '" + user + "': " + perSecond
                    + " (expected: >= 0, 0 for no limit)");
        }
        this.user = Objects.requireNonNull(user, "user");
        this.perSecond = perSecond;
        this.nanosPerCommand = perSecond == 0 ? 0 : Math.max(1, SECOND_NANOS / perSecond);
        this.burstNanos = perSecond * nanosPerCommand;
        this.fullAt = fullAt;
        this.nanoClock = nanoClock;
    }

    /**
     * A limiter for {@code user} with a full bucket.
     *
     * @param perSecond commands per second, 0 for no limit
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}; a fake one in tests)
     */
    public static RateLimiter create(String user, int perSecond, LongSupplier nanoClock) {
        Objects.requireNonNull(nanoClock, "nanoClock");
        return new RateLimiter(user, perSecond, new AtomicLong(nanoClock.getAsLong()), nanoClock);
    }

    /** A limiter for {@code user} on {@link System#nanoTime()}. */
    public static RateLimiter create(String user, int perSecond) {
        return create(user, perSecond, System::nanoTime);
    }

    /**
     * A limiter with a new limit that shares this one's bucket, so what the user has spent still counts; this
     * one if the limit is the same.
     */
    public RateLimiter withLimit(int newPerSecond) {
        return newPerSecond == perSecond ? this : new RateLimiter(user, newPerSecond, fullAt, nanoClock);
    }

    /** Takes one command from the bucket; false if the user is over its limit (reply {@link #refusal()}). */
    public boolean tryAcquire() {
        return tryAcquire(1);
    }

    /**
     * Takes {@code commands} at once (a pipelined batch), all or none. A batch larger than one second's worth
     * never fits: acquire such a batch in parts, or command by command.
     *
     * @return false if they do not all fit: none is taken
     */
    public boolean tryAcquire(int commands) {
        if (commands < 0) {
            throw new IllegalArgumentException("commands: " + commands + " (expected: >= 0)");
        }
        if (perSecond == 0 || commands == 0) {
            return true;
        }
        if (commands > perSecond) {
            return false;
        }
        long cost = commands * nanosPerCommand;
        long now = nanoClock.getAsLong();
        while (true) {
            long full = fullAt.get();
            long next = (full - now < 0 ? now : full) + cost; // a bucket full before now starts from now
            if (next - now > burstNanos) {
                return false;
            }
            if (fullAt.compareAndSet(full, next)) {
                return true;
            }
        }
    }

    /** The user whose commands this limits. */
    public String user() {
        return user;
    }

    /** Commands per second, 0 for no limit. */
    public int perSecond() {
        return perSecond;
    }

    /** The error for a refused command, without the leading {@code -}: {@code ERR rate limited: ...}. */
    public String refusal() {
        return "ERR rate limited: user '" + user + "' may run " + perSecond + " commands per second";
    }

    @Override
    public String toString() {
        return "RateLimiter[" + user + ", " + (perSecond == 0 ? "no limit" : perSecond + "/s") + "]";
    }
}
