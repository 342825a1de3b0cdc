package dev.turnout.dataplane.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Commands per second on a fake clock: exact counts per window, the burst, and many threads at once. */
class RateLimiterTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /** Starts far from zero and near the wrap of nanoTime's range, where a careless comparison breaks. */
    private final AtomicLong clock = new AtomicLong(Long.MAX_VALUE - SECOND / 2);

    private int acquireAll(RateLimiter limiter) {
        int allowed = 0;
        while (limiter.tryAcquire()) {
            allowed++;
            assertThat(allowed).as("commands allowed at one instant").isLessThanOrEqualTo(1_000_000);
        }
        return allowed;
    }

    @Test
    void anIdleUserMayBurstOneSecondsWorthThenNothingAtTheSameInstant() {
        RateLimiter limiter = RateLimiter.create("alice", 10, clock::get);
        assertThat(acquireAll(limiter)).isEqualTo(10);
        assertThat(limiter.tryAcquire()).isFalse();
    }

    @Test
    void eachWindowGetsExactlyItsShare() {
        RateLimiter limiter = RateLimiter.create("alice", 10, clock::get);
        assertThat(acquireAll(limiter)).isEqualTo(10);
        clock.addAndGet(SECOND / 2);
        assertThat(acquireAll(limiter)).isEqualTo(5);
        clock.addAndGet(SECOND / 10 - 1);
        assertThat(acquireAll(limiter)).isZero();
        clock.addAndGet(1);
        assertThat(acquireAll(limiter)).isEqualTo(1);
        clock.addAndGet(SECOND);
        assertThat(acquireAll(limiter)).isEqualTo(10);
        clock.addAndGet(60 * SECOND);
        assertThat(acquireAll(limiter)).as("idle a minute: still one second's worth").isEqualTo(10);
    }

    @Test
    void aUserAtItsRateIsNeverRefused() {
        RateLimiter limiter = RateLimiter.create("alice", 1000, clock::get);
        for (int i = 0; i < 10_000; i++) {
            clock.addAndGet(SECOND / 1000);
            assertThat(limiter.tryAcquire()).as("command %d", i).isTrue();
        }
    }

    @Test
    void aLimitThatDoesNotDivideASecondStillGivesItsCountPerWindow() {
        RateLimiter limiter = RateLimiter.create("alice", 3, clock::get);
        for (int window = 0; window < 100; window++) {
            assertThat(acquireAll(limiter)).as("window %d", window).isEqualTo(3);
            clock.addAndGet(SECOND);
        }
    }

    @Test
    void aBatchIsTakenWholeOrNotAtAll() {
        RateLimiter limiter = RateLimiter.create("alice", 10, clock::get);
        assertThat(limiter.tryAcquire(7)).isTrue();
        assertThat(limiter.tryAcquire(4)).isFalse();
        assertThat(limiter.tryAcquire(3)).isTrue();
        assertThat(limiter.tryAcquire(0)).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
        clock.addAndGet(10 * SECOND);
        assertThat(limiter.tryAcquire(11)).as("more than a second's worth never fits").isFalse();
        assertThat(limiter.tryAcquire(10)).isTrue();
        assertThatThrownBy(() -> limiter.tryAcquire(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("commands: -1 (expected: >= 0)");
    }

    @Test
    void noLimitAllowsEverything() {
        RateLimiter limiter = RateLimiter.create("alice", 0, clock::get);
        for (int i = 0; i < 100_000; i++) {
            assertThat(limiter.tryAcquire()).isTrue();
        }
        assertThat(limiter.tryAcquire(Integer.MAX_VALUE)).isTrue();
        assertThat(limiter).hasToString("RateLimiter[alice, no limit]");
    }

    @Test
    void aNewLimitKeepsWhatTheUserSpent() {
        RateLimiter ten = RateLimiter.create("alice", 10, clock::get);
        assertThat(ten.withLimit(10)).isSameAs(ten);
        assertThat(acquireAll(ten)).isEqualTo(10);
        RateLimiter twenty = ten.withLimit(20);
        assertThat(twenty.perSecond()).isEqualTo(20);
        assertThat(twenty.tryAcquire()).as("a full second spent is a full bucket spent at any rate").isFalse();
        clock.addAndGet(SECOND / 2);
        assertThat(acquireAll(twenty)).isEqualTo(10);
        clock.addAndGet(SECOND / 2);
        assertThat(acquireAll(ten)).as("the old limit, on the shared bucket").isEqualTo(5);
        assertThat(twenty.tryAcquire()).isFalse();
        RateLimiter unlimited = twenty.withLimit(0);
        assertThat(unlimited.tryAcquire(1000)).isTrue();
        assertThat(twenty.tryAcquire()).as("commands without a limit are not counted").isFalse();
    }

    @Test
    void manyThreadsNeverGetMoreThanTheLimit() throws Exception {
        RateLimiter limiter = RateLimiter.create("alice", 1000, clock::get);
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> counts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                counts.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    int allowed = 0;
                    for (int i = 0; i < 20_000; i++) {
                        allowed += limiter.tryAcquire() ? 1 : 0;
                    }
                    return allowed;
                }));
            }
            assertThat(sum(counts)).as("at one instant").isEqualTo(1000);

            long from = clock.get();
            counts.clear();
            for (int t = 0; t < threads; t++) {
                counts.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    int allowed = 0;
                    for (int i = 0; i < 20_000; i++) {
                        if (i % 16 == 0) {
                            clock.addAndGet(SECOND / 5000); // a fifth of a command's time
                        }
                        allowed += limiter.tryAcquire(1 + i % 3) ? 1 + i % 3 : 0;
                    }
                    return allowed;
                }));
            }
            int allowed = sum(counts);
            long elapsed = clock.get() - from;
            long earned = elapsed / (SECOND / 1000);
            assertThat(elapsed).isEqualTo(threads * 1250 * (SECOND / 5000));
            assertThat(allowed).as("commands allowed while %d commands' time passed", earned)
                    .isLessThanOrEqualTo((int) earned).isGreaterThan((int) earned - 50);
        } finally {
            pool.shutdownNow();
        }
    }

    private static int sum(List<Future<Integer>> counts) throws Exception {
        int total = 0;
        for (Future<Integer> count : counts) {
            total += count.get(30, TimeUnit.SECONDS);
        }
        return total;
    }

    @Test
    void theRefusalNamesTheUserAndTheLimit() {
        RateLimiter limiter = RateLimiter.create("alice", 250);
        assertThat(limiter.refusal()).isEqualTo("ERR rate limited: user 'alice' may run 250 commands per second");
        assertThat(limiter.user()).isEqualTo("alice");
        assertThat(limiter).hasToString("RateLimiter[alice, 250/s]");
        assertThatThrownBy(() -> RateLimiter.create("bob", -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("commands per second for user 'bob': -1 (expected: >= 0, 0 for no limit)");
    }
}
