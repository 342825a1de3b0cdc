package dev.turnout.dataplane.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One real thread for tasks due now, virtual time for the rest: a task scheduled with a delay waits until
 * the test {@link #advance advances} the clock past it, so backoff and periodic reports need no sleeping.
 * Supports what the agent uses: {@code execute}, {@code submit} and {@code schedule(Runnable, delay, unit)}.
 */
final class ManualScheduler extends ScheduledThreadPoolExecutor {

    private final List<Delayed> pending = new ArrayList<>();
    private long nowNanos;

    ManualScheduler() {
        super(1, r -> {
            Thread t = new Thread(r, "test-agent");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        if (delay <= 0) {
            return super.schedule(command, 0, TimeUnit.NANOSECONDS);
        }
        synchronized (this) {
            Delayed task = new Delayed(command, nowNanos + unit.toNanos(delay));
            pending.add(task);
            return task;
        }
    }

    /** Moves the clock on and runs (on the scheduler's thread) every task due by then, in order. */
    void advance(Duration by) {
        List<Delayed> due = new ArrayList<>();
        synchronized (this) {
            nowNanos += by.toNanos();
            for (var it = pending.iterator(); it.hasNext(); ) {
                Delayed task = it.next();
                if (task.cancelled) {
                    it.remove();
                } else if (task.atNanos <= nowNanos) {
                    due.add(task);
                    it.remove();
                }
            }
        }
        due.sort(Comparator.comparingLong(t -> t.atNanos));
        for (Delayed task : due) {
            super.execute(task::run);
        }
    }

    /** The delays of the tasks waiting, from now, shortest first. */
    synchronized List<Duration> pendingDelays() {
        return pending.stream().filter(t -> !t.cancelled).map(t -> Duration.ofNanos(t.atNanos - nowNanos)).sorted().toList();
    }

    private final class Delayed implements ScheduledFuture<Object> {
        private final Runnable command;
        private final long atNanos;
        private volatile boolean cancelled;
        private volatile boolean done;

        Delayed(Runnable command, long atNanos) {
            this.command = command;
            this.atNanos = atNanos;
        }

        void run() {
            if (!cancelled) {
                done = true;
                command.run();
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            synchronized (ManualScheduler.this) {
                return unit.convert(atNanos - nowNanos, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public int compareTo(java.util.concurrent.Delayed o) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done) {
                return false;
            }
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException("the agent never waits for a delayed task");
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("the agent never waits for a delayed task");
        }
    }
}
