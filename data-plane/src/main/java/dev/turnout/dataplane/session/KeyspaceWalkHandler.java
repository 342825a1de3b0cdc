package dev.turnout.dataplane.session;

import dev.turnout.dataplane.resp.CommandFrame;
import io.netty.buffer.ByteBuf;

/**
 * FLUSHDB, FLUSHALL, DBSIZE and RANDOMKEY. For a client in a namespace (outside MULTI) the proxy runs them as a walk
 * of the namespace's keys ({@link NamespaceKeyspace}), which starts only once every reply in flight has arrived, so
 * that it follows what the client sent before it; a pause holds it like any command bound upstream. Everyone else:
 * forwarded as any command.
 */
final class KeyspaceWalkHandler implements CommandHandler {

    static final KeyspaceWalkHandler INSTANCE = new KeyspaceWalkHandler();

    private KeyspaceWalkHandler() {
    }

    @Override
    public Route route(Session session, CommandFrame frame) {
        return session.walksKeyspace() ? Route.KEYSPACE_WALK : Route.ANY;
    }

    @Override
    public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
        // Reached only when no walk ran: no namespace, or arguments Redis refuses without touching a key.
        session.forward(frame, buf, start, Route.ANY);
    }
}
