package dev.turnout.dataplane.session;

import dev.turnout.dataplane.resp.CommandFrame;
import io.netty.buffer.ByteBuf;

/** The common case: send the command upstream unchanged, as the client's own bytes. */
final class ForwardHandler implements CommandHandler {

    /** Any command that needs nothing of the proxy: shared connection unless the session is pinned. */
    static final ForwardHandler ANY = new ForwardHandler(Route.ANY);
    /** Blocking commands (BLPOP, BLMOVE, WAIT, ...): they must not hold up a shared connection. */
    static final ForwardHandler BLOCKING = new ForwardHandler(Route.DEDICATED);

    private final Route route;

    private ForwardHandler(Route route) {
        this.route = route;
    }

    @Override
    public Route route(Session session, CommandFrame frame) {
        return route;
    }

    @Override
    public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
        session.forward(frame, buf, start, route);
    }
}
