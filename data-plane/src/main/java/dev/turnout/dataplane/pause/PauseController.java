package dev.turnout.dataplane.pause;

import dev.turnout.dataplane.session.DrainState;
import dev.turnout.dataplane.session.LoopSessions;
import dev.turnout.dataplane.session.Sessions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pauses and resumes one data plane. {@link #pause} closes every event loop's gate and then checks, every
 * few milliseconds, whether anything is still in flight upstream, asking blocked sessions to end their
 * blocking command each time; once nothing is, the data plane is PAUSED. Held commands older than the hold
 * limit get {@code -TRYAGAIN} meanwhile. {@link #resume} opens the gates. A pause is a lease: without
 * {@link #renewLease()} for the lease time, the data plane resumes on its own and says so.
 *
 * <p>Progress goes to the listener (the control-plane agent) on every phase change and every
 * {@value #REPORT_INTERVAL_MILLIS} ms while draining. State is guarded by this object's lock; loop work runs
 * on the loops, and the waiting on them on this controller's own thread, never on an event loop.
 */
public final class PauseController implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PauseController.class);

    static final long REPORT_INTERVAL_MILLIS = 250;
    private static final long FAST_TICK_MICROS = 1_000;
    private static final long SLOW_TICK_MICROS = 10_000;
    private static final long FAST_TICKS_FOR_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long EXPIRY_INTERVAL_MILLIS = 100;
    private static final long LOOP_ANSWER_MILLIS = 1_000;

    private final Collection<LoopSessions> loops;
    private final Consumer<PauseProgress> listener;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "turnout-pause");
        t.setDaemon(true);
        return t;
    });

    private PausePhase phase = PausePhase.SERVING;
    private String operationId = "";
    private long pausedAtNanos;
    private long leaseNanos;
    private long inflightAtStart = -1;
    private long lastReportNanos;
    private long lastReportedHeld;
    /** What the last tick saw (a renewal while PAUSED reports it rather than asking the loops under the lock). */
    private DrainState lastState = DrainState.EMPTY;
    /** Bumped by every pause start and resume: a tick from an earlier one ignores what it saw. */
    private long generation;
    private long lastExpiryNanos;
    private ScheduledFuture<?> tick;
    private ScheduledFuture<?> lease;
    private long lastPauseHeldMillis;
    private String lastPauseEnd = "";

    public PauseController(Sessions sessions, Consumer<PauseProgress> listener) {
        this.loops = sessions.loops();
        this.listener = listener;
    }

    /**
     * Pauses (or, if paused already, renews the lease and reports PAUSED again).
     *
     * @param leaseTime  resume on its own after this long without hearing from the control plane
     * @param holdLimit  longest a command is held before {@code -TRYAGAIN}
     * @param maxHeld    bound on held commands for the whole data plane
     */
    public synchronized void pause(String operationId, Duration leaseTime, Duration holdLimit, int maxHeld) {
        this.operationId = operationId;
        this.leaseNanos = leaseTime.toNanos();
        long holdNanos = holdLimit.toNanos();
        int perLoop = Math.max(1, maxHeld / Math.max(1, loops.size()));
        for (LoopSessions loop : loops) {
            loop.eventLoop().execute(() -> loop.close(holdNanos, perLoop));
        }
        switch (phase) {
            case SERVING -> {
                generation++;
                phase = PausePhase.DRAINING;
                pausedAtNanos = System.nanoTime();
                inflightAtStart = -1;
                lastReportNanos = 0;
                lastExpiryNanos = pausedAtNanos;
                log.info("Pausing (operation {}): holding new commands, draining those in flight", operationId);
                scheduleTick(0);
            }
            case DRAINING -> {
                // The tick reports soon.
            }
            case PAUSED -> report(PausePhase.PAUSED, lastState, inflightAtStart, "");
        }
        renewLease();
    }

    /** Resumes (idempotent: when serving already, reports SERVING again). */
    public synchronized void resume(String operationId, String why) {
        if (phase == PausePhase.SERVING) {
            listener.accept(new PauseProgress(operationId, PausePhase.SERVING, 0, 0, 0, List.of(), 0,
                    lastPauseHeldMillis, lastPauseEnd));
            return;
        }
        this.operationId = operationId.isEmpty() ? this.operationId : operationId;
        for (LoopSessions loop : loops) {
            loop.eventLoop().execute(loop::open);
        }
        cancel(tick);
        cancel(lease);
        tick = null;
        lease = null;
        generation++;
        phase = PausePhase.SERVING;
        lastPauseHeldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pausedAtNanos);
        lastPauseEnd = why;
        log.info("Resumed (operation {}, {}): traffic was held for {} ms", this.operationId, why, lastPauseHeldMillis);
        listener.accept(new PauseProgress(this.operationId, PausePhase.SERVING, 0, 0, 0, List.of(),
                lastPauseHeldMillis, lastPauseHeldMillis, why));
    }

    /** The control plane was heard from: a paused data plane's lease starts again. */
    public synchronized void renewLease() {
        if (phase == PausePhase.SERVING) {
            return;
        }
        cancel(lease);
        long nanos = leaseNanos;
        lease = scheduler.schedule(() -> leaseExpired(nanos), nanos, TimeUnit.NANOSECONDS);
    }

    private synchronized void leaseExpired(long nanos) {
        if (phase == PausePhase.SERVING) {
            return;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
        log.warn("Paused (operation {}) without hearing from the control plane for {} ms: resuming on my own",
                operationId, millis);
        resume(operationId, "lease expired after " + millis + " ms without the control plane");
    }

    /** Phase, in flight and held now, and how the last pause went. */
    public PauseSnapshot snapshot() {
        PausePhase p;
        long heldMillis;
        String end;
        synchronized (this) {
            p = phase;
            heldMillis = lastPauseHeldMillis;
            end = lastPauseEnd;
        }
        DrainState state = drainState();
        return new PauseSnapshot(p, state.inflight(), state.held(), heldMillis, end);
    }

    public synchronized PausePhase phase() {
        return phase;
    }

    private void scheduleTick(long delayMicros) {
        tick = scheduler.schedule(this::tick, delayMicros, TimeUnit.MICROSECONDS);
    }

    private void tick() {
        // Ask the loops first, outside the lock: a resume must never wait for them.
        long now = System.nanoTime();
        boolean expire;
        long seenGeneration;
        synchronized (this) {
            if (phase == PausePhase.SERVING) {
                return;
            }
            seenGeneration = generation;
            expire = now - lastExpiryNanos >= TimeUnit.MILLISECONDS.toNanos(EXPIRY_INTERVAL_MILLIS);
            if (expire) {
                lastExpiryNanos = now;
            }
        }
        boolean draining = phase() == PausePhase.DRAINING;
        DrainState state = onLoops(loop -> {
            if (expire) {
                loop.expireHeld(System.nanoTime());
            }
            if (draining) {
                loop.unblockAll();
            }
            return loop.drainState();
        });
        synchronized (this) {
            if (phase == PausePhase.SERVING || generation != seenGeneration) {
                return; // resumed (and maybe paused again, with a tick of its own) while the loops answered
            }
            lastState = state;
            if (inflightAtStart < 0) {
                inflightAtStart = state.inflight();
            }
            if (phase == PausePhase.DRAINING) {
                if (state.drained()) {
                    phase = PausePhase.PAUSED;
                    log.info("Paused (operation {}) after {} ms: {} command(s) drained, {} held", operationId,
                            TimeUnit.NANOSECONDS.toMillis(now - pausedAtNanos), inflightAtStart, state.held());
                    report(PausePhase.PAUSED, state, inflightAtStart, "");
                } else if (now - lastReportNanos >= TimeUnit.MILLISECONDS.toNanos(REPORT_INTERVAL_MILLIS)) {
                    report(PausePhase.DRAINING, state, Math.max(0, inflightAtStart - state.inflight()), "");
                }
            } else if (state.held() != lastReportedHeld) {
                // While paused, the held count is what an operator watches: report it when it changes.
                report(PausePhase.PAUSED, state, inflightAtStart, "");
            }
            long delay = phase == PausePhase.PAUSED ? TimeUnit.MILLISECONDS.toMicros(EXPIRY_INTERVAL_MILLIS)
                    : now - pausedAtNanos < FAST_TICKS_FOR_NANOS ? FAST_TICK_MICROS : SLOW_TICK_MICROS;
            scheduleTick(delay);
        }
    }

    private void report(PausePhase reported, DrainState state, long drained, String end) {
        lastReportNanos = System.nanoTime();
        lastReportedHeld = state.held();
        listener.accept(new PauseProgress(operationId, reported, drained, state.inflight(), state.held(),
                state.busy(), TimeUnit.NANOSECONDS.toMillis(lastReportNanos - pausedAtNanos), 0, end));
    }

    private DrainState drainState() {
        return onLoops(LoopSessions::drainState);
    }

    /** Runs {@code task} on every loop and sums what they answer (a loop that does not answer in time counts as busy). */
    private DrainState onLoops(Function<LoopSessions, DrainState> task) {
        List<CompletableFuture<DrainState>> answers = new ArrayList<>(loops.size());
        for (LoopSessions loop : loops) {
            CompletableFuture<DrainState> answer = new CompletableFuture<>();
            try {
                loop.eventLoop().execute(() -> {
                    try {
                        answer.complete(task.apply(loop));
                    } catch (RuntimeException e) {
                        answer.completeExceptionally(e);
                    }
                });
            } catch (RuntimeException e) {
                answer.complete(DrainState.EMPTY); // the loop is shutting down: nothing of it is in flight
            }
            answers.add(answer);
        }
        DrainState sum = DrainState.EMPTY;
        for (CompletableFuture<DrainState> answer : answers) {
            try {
                sum = sum.plus(answer.get(LOOP_ANSWER_MILLIS, TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return sum.plus(new DrainState(0, 0, 1, List.of("interrupted while asking an event loop")));
            } catch (ExecutionException | TimeoutException e) {
                log.warn("An event loop did not say how busy it is: {}", e.toString());
                sum = sum.plus(new DrainState(0, 0, 1, List.of("an event loop that did not answer in time")));
            }
        }
        return sum;
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
