package dev.turnout.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes, so tests never sleep to wait for something.
 *
 * <pre>{@code
 * Await.until(Duration.ofSeconds(5), "the data plane to register", () -> registry.size() == 1);
 * String reply = Await.until(Duration.ofSeconds(5), "GET k to return v", () -> jedis.get("k"), "v"::equals);
 * }</pre>
 *
 * <p>The condition is polled on the calling thread, quickly at first and then every 50 ms. An exception
 * thrown by the condition is not retried: it propagates at once. On timeout an {@link AssertionError}
 * says what was awaited, for how long, and the last value seen.
 */
public final class Await {

    private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private Await() {
    }

    /**
     * Waits until {@code condition} returns true.
     *
     * @param timeout how long to wait at most
     * @param what what is awaited, for the failure message ("the upstream to reconnect")
     * @throws AssertionError if the condition still fails after {@code timeout}
     */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        Objects.requireNonNull(condition, "condition");
        until(timeout, what, condition::getAsBoolean, Boolean.TRUE::equals);
    }

    /**
     * Polls {@code value} until {@code done} accepts what it returned, and returns that value.
     *
     * @param timeout how long to wait at most
     * @param what what is awaited, for the failure message
     * @param value polled on each attempt; may return null
     * @param done decides whether a value ends the wait
     * @return the first value {@code done} accepted
     * @throws AssertionError if no accepted value came within {@code timeout}; the message shows the last value
     */
    public static <T> T until(Duration timeout, String what, Supplier<? extends T> value, Predicate<? super T> done) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(done, "done");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0)");
        }
        long start = System.nanoTime();
        long timeoutNanos = timeout.toNanos();
        long pause = FIRST_PAUSE_NANOS;
        int attempts = 0;
        T last;
        for (;;) {
            last = value.get();
            attempts++;
            if (done.test(last)) {
                return last;
            }
            long elapsed = System.nanoTime() - start;
            if (elapsed >= timeoutNanos) {
                break;
            }
            LockSupport.parkNanos(Math.min(pause, timeoutNanos - elapsed));
            if (Thread.currentThread().isInterrupted()) {
                throw new AssertionError("Interrupted while waiting for " + what + " (last value: " + last + ")");
            }
            pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
        }
        throw new AssertionError("Timed out after " + describe(timeout) + " waiting for " + what
                + " (" + attempts + " attempts; last value: " + last + ")");
    }

    private static String describe(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }
}
