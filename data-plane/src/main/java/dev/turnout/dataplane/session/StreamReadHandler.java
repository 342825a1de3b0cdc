package dev.turnout.dataplane.session;

import dev.turnout.dataplane.resp.CommandFrame;
import io.netty.buffer.ByteBuf;

/** XREAD and XREADGROUP block only with a BLOCK option; without it they share a connection like any read. */
final class StreamReadHandler implements CommandHandler {

    static final StreamReadHandler INSTANCE = new StreamReadHandler();

    private static final byte[] BLOCK = Session.ascii("block");
    private static final byte[] STREAMS = Session.ascii("streams");

    private StreamReadHandler() {
    }

    @Override
    public Route route(Session session, CommandFrame frame) {
        for (int i = 1; i < frame.argc(); i++) {
            if (frame.argEqualsIgnoreCase(i, STREAMS)) {
                break;
            }
            if (frame.argEqualsIgnoreCase(i, BLOCK)) {
                return Route.DEDICATED;
            }
        }
        return Route.ANY;
    }

    @Override
    public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
        if (route(session, frame) == Route.DEDICATED) {
            session.forwardBlocking(frame, buf, start, BlockingTimeout.MILLIS_AFTER_BLOCK);
        } else {
            session.forward(frame, buf, start, Route.ANY);
        }
    }
}
