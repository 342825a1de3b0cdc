package dev.turnout.dataplane.session;

import dev.turnout.dataplane.resp.CommandFrame;
import io.netty.buffer.ByteBuf;

/** MONITOR: a dedicated connection streams every command the upstream runs, until RESET or QUIT. */
final class MonitorHandler implements CommandHandler {

    static final MonitorHandler INSTANCE = new MonitorHandler();

    private MonitorHandler() {
    }

    @Override
    public Route route(Session session, CommandFrame frame) {
        return Route.DEDICATED;
    }

    @Override
    public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
        session.forward(frame, buf, start, Route.DEDICATED);
        if (session.isPinned()) {
            session.addPinReason(PinReason.MONITOR);
            session.startMonitoring();
        }
    }
}
