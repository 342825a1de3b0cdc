package dev.turnout.dataplane.session;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Failed AUTHs by client address, so that guessing passwords gets slower: after {@value #FREE_FAILURES} failures
 * in a row, each WRONGPASS is delayed, 100 ms doubling up to {@value #MAX_DELAY_MILLIS} ms. A success, or a
 * quiet minute, forgets an address. Shared by every event loop.
 */
final class AuthFailures {

    static final int FREE_FAILURES = 3;
    static final long MAX_DELAY_MILLIS = 5_000;
    private static final long FORGET_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final int MAX_ADDRESSES = 100_000;

    private record Failures(int count, long lastNanos) {
    }

    private final ConcurrentHashMap<InetAddress, Failures> byAddress = new ConcurrentHashMap<>();

    /** Records a failure from {@code address}; returns how long to delay its WRONGPASS, in milliseconds. */
    long failed(InetAddress address) {
        if (address == null) {
            return 0;
        }
        if (byAddress.size() > MAX_ADDRESSES) {
            byAddress.clear(); // a flood of addresses: start over rather than grow without bound
        }
        long now = System.nanoTime();
        Failures f = byAddress.compute(address, (a, old) ->
                old == null || now - old.lastNanos > FORGET_NANOS ? new Failures(1, now) : new Failures(old.count + 1, now));
        int over = f.count - FREE_FAILURES;
        return over <= 0 ? 0 : Math.min(MAX_DELAY_MILLIS, 100L << Math.min(over - 1, 10));
    }

    void succeeded(InetAddress address) {
        if (address != null) {
            byAddress.remove(address);
        }
    }
}
