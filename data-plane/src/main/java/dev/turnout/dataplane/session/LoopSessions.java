package dev.turnout.dataplane.session;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The client sessions of one event loop and the loop's gate, so that a pause can close the gate, ask the
 * sessions how busy they are, end their blocked commands, expire what they hold and let them go again. Every
 * method runs on {@link #eventLoop()} (the pause controller submits them there), so the gate is a plain field
 * that sessions read on every command, and opening it and resuming the sessions happen in one step.
 *
 * <p>While the gate is closed sessions hold new commands that would go upstream (a session inside MULTI is let
 * through to EXEC or DISCARD), each for at most the hold limit; past the bound on held commands new ones are
 * refused at once with {@link #TRYAGAIN}.
 */
public final class LoopSessions {

    /** What a held command gets when it waited too long, or when too many are held already. */
    static final String TRYAGAIN = "TRYAGAIN proxy paused";

    private final EventLoop eventLoop;
    private final Set<Session> sessions = new LinkedHashSet<>();
    boolean closed;
    long holdLimitNanos;
    int maxHeld;
    /** Commands the sessions of this loop hold because the gate is closed (the bound's count). */
    int heldByPause;

    LoopSessions(EventLoop eventLoop) {
        this.eventLoop = eventLoop;
    }

    public EventLoop eventLoop() {
        return eventLoop;
    }

    void add(Session session) {
        sessions.add(session);
    }

    void remove(Session session) {
        sessions.remove(session);
    }

    /**
     * Closes the gate (or updates its limits if closed already).
     *
     * @param holdLimitNanos longest a held command waits before {@link #TRYAGAIN}
     * @param maxHeld        bound on the commands this loop's sessions hold
     */
    public void close(long holdLimitNanos, int maxHeld) {
        this.holdLimitNanos = holdLimitNanos;
        this.maxHeld = Math.max(1, maxHeld);
        this.closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    /** In flight, held, and who is busy, now. */
    public DrainState drainState() {
        long inflight = 0;
        long held = 0;
        int busy = 0;
        List<String> names = new ArrayList<>();
        for (Session s : sessions) {
            inflight += s.inflightCount();
            held += s.heldCount();
            String why = s.busyReason();
            if (why != null) {
                busy++;
                if (names.size() < DrainState.MAX_NAMED) {
                    names.add(s + ": " + why);
                }
            }
        }
        return new DrainState(inflight, held, busy, List.copyOf(names));
    }

    /** The gate just closed (or a drain is still waiting): end blocked commands upstream so they do not stall it. */
    public void unblockAll() {
        for (Session s : sessions) {
            s.unblockForPause();
        }
    }

    /** Answers {@code -TRYAGAIN} to what has been held longer than the hold limit. */
    public void expireHeld(long nowNanos) {
        for (Session s : new ArrayList<>(sessions)) {
            s.expireHeld(nowNanos);
        }
    }

    /** Opens the gate: every session moves to the configured upstream if it changed, and runs what it held. */
    public void open() {
        if (!closed) {
            return;
        }
        closed = false;
        heldByPause = 0;
        for (Session s : new ArrayList<>(sessions)) {
            s.onResume();
        }
    }

    /** The configuration changed: pinned sessions move to their route's new upstream where they can. */
    public void upstreamsChanged() {
        for (Session s : new ArrayList<>(sessions)) {
            s.onUpstreamsChanged();
        }
    }

    public int size() {
        return sessions.size();
    }
}
