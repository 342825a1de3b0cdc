package dev.turnout.dataplane.access;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many connections one user has open, against its maximum: {@link #tryAcquire()} when a client authenticates
 * as the user, {@link #release()} when that connection closes or authenticates as someone else. Lock-free and
 * safe to use from every event loop.
 *
 * <p>Immutable but for the count, which {@link #withLimit} shares: a new configuration keeps the user's open
 * connections counted, and a changed maximum applies to the next connection (connections already open stay, even
 * above a lowered maximum). Connections are counted even without a maximum (0), so that one set later is measured
 * against the real number.
 */
public final class ConnectionQuota {

    private final String user;
    private final int max;
    private final AtomicInteger open;

    private ConnectionQuota(String user, int max, AtomicInteger open) {
        if (max < 0) {
            throw new IllegalArgumentException("max connections for user '" + user + "': " + max
                    + " (expected: >= 0, 0 for no limit)");
        }
        this.user = Objects.requireNonNull(user, "user");
        this.max = max;
        this.open = open;
    }

    /** A quota for {@code user} with no connection open; {@code max} 0 for no limit. */
    public static ConnectionQuota create(String user, int max) {
        return new ConnectionQuota(user, max, new AtomicInteger());
    }

    /** A quota with a new maximum that shares this one's count; this one if the maximum is the same. */
    public ConnectionQuota withLimit(int newMax) {
        return newMax == max ? this : new ConnectionQuota(user, newMax, open);
    }

    /** Counts one more connection; false, counting nothing, if the user has its maximum open already. */
    public boolean tryAcquire() {
        while (true) {
            int current = open.get();
            if (max != 0 && current >= max) {
                return false;
            }
            if (open.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /**
     * Counts one connection fewer: call once for each successful {@link #tryAcquire()}.
     *
     * @throws IllegalStateException if no connection is counted (a release without an acquire)
     */
    public void release() {
        while (true) {
            int current = open.get();
            if (current == 0) {
                throw new IllegalStateException("release() for user '" + user + "' with no connection counted"
                        + " (expected one release per successful tryAcquire())");
            }
            if (open.compareAndSet(current, current - 1)) {
                return;
            }
        }
    }

    /** The connections counted now. */
    public int current() {
        return open.get();
    }

    /** The maximum, 0 for no limit. */
    public int max() {
        return max;
    }

    /** The user whose connections this counts. */
    public String user() {
        return user;
    }

    /** The error for a refused connection, without the leading {@code -}. */
    public String refusal() {
        return "ERR max number of connections for user '" + user + "' reached (" + max + ")";
    }

    @Override
    public String toString() {
        return "ConnectionQuota[" + user + ", " + open.get() + (max == 0 ? " open, no limit]" : " of " + max + "]");
    }
}
