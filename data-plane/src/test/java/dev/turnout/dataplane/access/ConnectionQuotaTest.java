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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionQuotaTest {

    @Test
    void countsUpToTheMaximum() {
        ConnectionQuota quota = ConnectionQuota.create("alice", 2);
        assertThat(quota.tryAcquire()).isTrue();
        assertThat(quota.tryAcquire()).isTrue();
        assertThat(quota.tryAcquire()).isFalse();
        assertThat(quota.current()).isEqualTo(2);
        quota.release();
        assertThat(quota.current()).isEqualTo(1);
        assertThat(quota.tryAcquire()).isTrue();
        assertThat(quota).hasToString("ConnectionQuota[alice, 2 of 2]");
    }

    @Test
    void withoutAMaximumConnectionsAreStillCounted() {
        ConnectionQuota quota = ConnectionQuota.create("alice", 0);
        for (int i = 0; i < 1000; i++) {
            assertThat(quota.tryAcquire()).isTrue();
        }
        assertThat(quota.current()).isEqualTo(1000);
        ConnectionQuota limited = quota.withLimit(999);
        assertThat(limited.tryAcquire()).as("a maximum set later sees the real number").isFalse();
        assertThat(quota).hasToString("ConnectionQuota[alice, 1000 open, no limit]");
    }

    @Test
    void aNewMaximumKeepsTheCountAndAppliesToTheNextConnection() {
        ConnectionQuota five = ConnectionQuota.create("alice", 5);
        assertThat(five.withLimit(5)).isSameAs(five);
        for (int i = 0; i < 4; i++) {
            five.tryAcquire();
        }
        ConnectionQuota two = five.withLimit(2);
        assertThat(two.current()).isEqualTo(4);
        assertThat(two.tryAcquire()).as("open connections stay; new ones wait below the new maximum").isFalse();
        five.release(); // a connection counted under the old configuration closes
        five.release();
        assertThat(two.tryAcquire()).isFalse();
        two.release();
        assertThat(two.current()).isEqualTo(1);
        assertThat(two.tryAcquire()).isTrue();
        assertThat(five.current()).isEqualTo(2);
    }

    @Test
    void aReleaseWithoutAnAcquireIsABug() {
        ConnectionQuota quota = ConnectionQuota.create("alice", 3);
        assertThatThrownBy(quota::release).isInstanceOf(IllegalStateException.class)
                .hasMessage("release() for user 'alice' with no connection counted (expected one release per"
                        + " successful tryAcquire())");
        assertThat(quota.current()).isZero();
    }

    @Test
    void theRefusalNamesTheUserAndTheMaximum() {
        ConnectionQuota quota = ConnectionQuota.create("alice", 7);
        assertThat(quota.refusal()).isEqualTo("ERR max number of connections for user 'alice' reached (7)");
        assertThat(quota.user()).isEqualTo("alice");
        assertThat(quota.max()).isEqualTo(7);
        assertThatThrownBy(() -> ConnectionQuota.create("bob", -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max connections for user 'bob': -1 (expected: >= 0, 0 for no limit)");
    }

    @Test
    void concurrentConnectionsNeverExceedTheMaximum() throws Exception {
        ConnectionQuota quota = ConnectionQuota.create("alice", 37);
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> acquired = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                acquired.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    int count = 0;
                    for (int i = 0; i < 1000; i++) {
                        count += quota.tryAcquire() ? 1 : 0;
                    }
                    return count;
                }));
            }
            int total = 0;
            for (Future<Integer> count : acquired) {
                total += count.get(30, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(37);
            assertThat(quota.current()).isEqualTo(37);
            for (int i = 0; i < 37; i++) {
                quota.release();
            }

            AtomicInteger highest = new AtomicInteger();
            List<Future<?>> churn = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                churn.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < 20_000; i++) {
                        if (quota.tryAcquire()) {
                            highest.accumulateAndGet(quota.current(), Math::max);
                            quota.release();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> done : churn) {
                done.get(30, TimeUnit.SECONDS);
            }
            assertThat(highest.get()).isBetween(1, 37);
            assertThat(quota.current()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }
}
