package dev.turnout.dataplane.session;

import dev.turnout.dataplane.resp.CommandFrame;
import dev.turnout.dataplane.resp.RespWriter;
import io.netty.buffer.ByteBuf;

/**
 * CLIENT subcommands. Those about the client's own identity (SETNAME, GETNAME, ID, SETINFO, NO-EVICT,
 * NO-TOUCH) are answered by the proxy, because the upstream connection is shared; TRACKING and REPLY pin a
 * dedicated connection; the rest go upstream unchanged.
 */
final class ClientHandler implements CommandHandler {

    static final ClientHandler INSTANCE = new ClientHandler();

    private static final byte[] SETNAME = Session.ascii("setname");
    private static final byte[] GETNAME = Session.ascii("getname");
    private static final byte[] ID = Session.ascii("id");
    private static final byte[] SETINFO = Session.ascii("setinfo");
    private static final byte[] NO_EVICT = Session.ascii("no-evict");
    private static final byte[] NO_TOUCH = Session.ascii("no-touch");
    private static final byte[] TRACKING = Session.ascii("tracking");
    private static final byte[] REPLY = Session.ascii("reply");
    private static final byte[] ON = Session.ascii("on");
    private static final byte[] OFF = Session.ascii("off");
    private static final byte[] SKIP = Session.ascii("skip");
    private static final byte[] LIB_NAME = Session.ascii("lib-name");
    private static final byte[] LIB_VER = Session.ascii("lib-ver");

    private ClientHandler() {
    }

    /** Redis's rule for client names: printable ASCII, no spaces; null if {@code name} is fine. */
    static String invalidName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '!' || c > '~') {
                return "ERR Client names cannot contain spaces, newlines or special characters.";
            }
        }
        return null;
    }

    @Override
    public Route route(Session session, CommandFrame frame) {
        if (frame.argc() < 2) {
            return Route.ANY;
        }
        if (is(frame, SETNAME) || is(frame, GETNAME) || is(frame, ID) || is(frame, SETINFO)
                || is(frame, NO_EVICT) || is(frame, NO_TOUCH)) {
            return Route.LOCAL;
        }
        if (frame.argc() >= 3 && is(frame, TRACKING) && frame.argEqualsIgnoreCase(2, ON)) {
            return Route.DEDICATED;
        }
        if (frame.argc() == 3 && is(frame, REPLY) && (frame.argEqualsIgnoreCase(2, OFF) || frame.argEqualsIgnoreCase(2, SKIP))) {
            return Route.DEDICATED;
        }
        return Route.ANY;
    }

    private static boolean is(CommandFrame frame, byte[] subcommand) {
        return frame.argEqualsIgnoreCase(1, subcommand);
    }

    @Override
    public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
        Route route = route(session, frame);
        if (route == Route.LOCAL) {
            answer(session, frame);
        } else if (is(frame, TRACKING) && frame.argc() >= 3) {
            tracking(session, frame, buf, start, route);
        } else if (is(frame, REPLY) && frame.argc() == 3) {
            replyMode(session, frame, buf, start, route);
        } else {
            session.forward(frame, buf, start, route);
        }
    }

    private static void tracking(Session session, CommandFrame frame, ByteBuf buf, int start, Route route) {
        session.forward(frame, buf, start, route);
        if (route == Route.DEDICATED && session.isPinned()) {
            session.addPinReason(PinReason.TRACKING);
            session.client.trackingCommand = Session.arguments(frame);
        } else if (frame.argEqualsIgnoreCase(2, OFF)) {
            session.clearPinReason(PinReason.TRACKING);
            session.client.trackingCommand = null;
        }
    }

    private static void replyMode(Session session, CommandFrame frame, ByteBuf buf, int start, Route route) {
        if (frame.argEqualsIgnoreCase(2, ON)) {
            session.client.replyMode = ReplyMode.ON;
            session.clearPinReason(PinReason.REPLY_MODE);
            session.setReplyBudget(1);
            session.forward(frame, buf, start, route);
            return;
        }
        if (route != Route.DEDICATED) {
            session.forward(frame, buf, start, route); // not ON, OFF or SKIP: Redis says what is wrong
            return;
        }
        session.setReplyBudget(0);
        session.forward(frame, buf, start, route);
        if (session.isPinned()) {
            session.client.replyMode = frame.argEqualsIgnoreCase(2, OFF) ? ReplyMode.OFF : ReplyMode.SKIP_NEXT;
            session.addPinReason(PinReason.REPLY_MODE);
        }
    }

    private static void answer(Session session, CommandFrame frame) {
        if (is(frame, SETNAME)) {
            if (frame.argc() != 3) {
                session.reply(ConnectionHandlers.wrongArity(session, "client|setname"));
                return;
            }
            String name = frame.argAsString(2);
            String invalid = invalidName(name);
            if (invalid != null) {
                session.reply(session.error(invalid));
                return;
            }
            session.client.name = name.isEmpty() ? null : name;
            session.replyOk();
        } else if (is(frame, GETNAME)) {
            if (frame.argc() != 2) {
                session.reply(ConnectionHandlers.wrongArity(session, "client|getname"));
                return;
            }
            ByteBuf b = session.buffer();
            if (session.client.name == null) {
                RespWriter.nullBulk(b, session.protocol());
            } else {
                RespWriter.bulk(b, session.client.name);
            }
            session.reply(b);
        } else if (is(frame, ID)) {
            if (frame.argc() != 2) {
                session.reply(ConnectionHandlers.wrongArity(session, "client|id"));
                return;
            }
            ByteBuf b = session.buffer();
            RespWriter.integer(b, session.clientId());
            session.reply(b);
        } else if (is(frame, SETINFO)) {
            setInfo(session, frame);
        } else {
            // NO-EVICT and NO-TOUCH: per-connection flags that a shared upstream connection cannot carry.
            if (frame.argc() != 3) {
                session.reply(ConnectionHandlers.wrongArity(session, is(frame, NO_EVICT) ? "client|no-evict" : "client|no-touch"));
            } else if (frame.argEqualsIgnoreCase(2, ON) || frame.argEqualsIgnoreCase(2, OFF)) {
                session.replyOk();
            } else {
                session.reply(session.error("ERR syntax error"));
            }
        }
    }

    private static void setInfo(Session session, CommandFrame frame) {
        if (frame.argc() != 4) {
            session.reply(ConnectionHandlers.wrongArity(session, "client|setinfo"));
            return;
        }
        String value = frame.argAsString(3);
        if (frame.argEqualsIgnoreCase(2, LIB_NAME) || frame.argEqualsIgnoreCase(2, LIB_VER)) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < '!' || c > '~') {
                    session.reply(session.error("ERR " + (frame.argEqualsIgnoreCase(2, LIB_NAME) ? "lib-name" : "lib-ver")
                            + " cannot contain spaces, newlines or special characters."));
                    return;
                }
            }
            if (frame.argEqualsIgnoreCase(2, LIB_NAME)) {
                session.client.libName = value;
            } else {
                session.client.libVersion = value;
            }
            session.replyOk();
        } else {
            session.reply(session.error("ERR Unrecognized option '" + frame.argAsString(2) + "'"));
        }
    }
}
