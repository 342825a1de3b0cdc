package dev.turnout.dataplane.session;

import dev.turnout.dataplane.resp.CommandFrame;
import io.netty.buffer.ByteBuf;

/** The common case: send the command upstream unchanged, as the client's own bytes. */
final class ForwardHandler implements CommandHandler {

    /** Any command that needs nothing of the proxy: shared connection unless the session is pinned. */
    static final ForwardHandler ANY = new ForwardHandler(Route.ANY, false);
    /**
     * A blocking command (BLPOP, BLMOVE, ...): it must not hold up a shared connection, and a pause ends it
     * upstream and re-issues it, so the session tracks it (see {@link Session#forwardBlocking}).
     */
    static CommandHandler blocking(BlockingTimeout timeout) {
        return new CommandHandler() {
            @Override
            public Route route(Session session, CommandFrame frame) {
                return Route.DEDICATED;
            }

            @Override
            public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
                session.forwardBlocking(frame, buf, start, timeout);
            }
        };
    }
    /**
     * A command Redis queues inside MULTI instead of running it (CLIENT ..., SUBSCRIBE, MONITOR): it gets one
     * +QUEUED now and takes effect at EXEC, on the dedicated connection, so the proxy must neither answer it
     * nor act on it; and that connection, changed in ways the proxy did not follow, is never reused.
     */
    static final ForwardHandler QUEUED = new ForwardHandler(Route.ANY, true);

    private final Route route;
    private final boolean changesConnection;

    private ForwardHandler(Route route, boolean changesConnection) {
        this.route = route;
        this.changesConnection = changesConnection;
    }

    @Override
    public Route route(Session session, CommandFrame frame) {
        return route;
    }

    @Override
    public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
        session.forward(frame, buf, start, route);
        if (changesConnection && session.isPinned()) {
            session.markPinnedDirty();
        }
    }
}
