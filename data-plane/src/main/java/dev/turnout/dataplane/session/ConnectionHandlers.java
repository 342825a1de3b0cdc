package dev.turnout.dataplane.session;

import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.dataplane.resp.CommandFrame;
import dev.turnout.dataplane.resp.RespWriter;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Commands about the connection itself, which the proxy answers because the upstream connection is
 * shared: SELECT, HELLO, AUTH, QUIT, RESET. Replies and errors are worded as Redis words them.
 */
final class ConnectionHandlers {

    private ConnectionHandlers() {
    }

    private static final byte[] AUTH = Session.ascii("auth");
    private static final byte[] SETNAME = Session.ascii("setname");

    static ByteBuf wrongArity(Session session, String command) {
        return session.error("ERR wrong number of arguments for '" + command + "' command");
    }

    /**
     * SELECT db: which shared pool the session uses. Inside a pinned connection it is sent there too. Inside
     * MULTI Redis only queues it, and whether it runs is known at EXEC (a DISCARD or a broken WATCH leaves
     * the old db), so the session keeps the dedicated connection, whose db Redis knows, until a SELECT or
     * RESET outside a transaction tells the proxy again.
     */
    static final CommandHandler SELECT = new CommandHandler() {
        @Override
        public Route route(Session session, CommandFrame frame) {
            return session.isPinned() ? Route.ANY : Route.LOCAL;
        }

        @Override
        public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
            if (session.hasPinReason(PinReason.TRANSACTION)) {
                session.forward(frame, buf, start, Route.ANY);
                session.markPinnedDirty();
                session.addPinReason(PinReason.DB_UNKNOWN);
                return;
            }
            if (frame.argc() != 2) {
                session.reply(wrongArity(session, "select"));
                return;
            }
            long db;
            try {
                db = frame.argAsLong(1);
            } catch (NumberFormatException e) {
                session.reply(session.error("ERR value is not an integer or out of range"));
                return;
            }
            if (db < 0 || db >= session.databases()) {
                session.reply(session.error("ERR DB index is out of range"));
                return;
            }
            if (session.isPinned()) {
                session.forward(frame, buf, start, Route.ANY);
                session.markPinnedDirty();
                session.client.db = (int) db;
                session.clearPinReason(PinReason.DB_UNKNOWN);
                return;
            }
            session.client.db = (int) db;
            session.replyOk();
        }
    };

    /**
     * AUTH [user] password. With users configured the proxy checks them itself (never forwarding the client's
     * credentials): {@code AUTH password} is the user "default". Without users it behaves like a Redis without a
     * password.
     */
    static final CommandHandler AUTH_COMMAND = new CommandHandler() {
        @Override
        public Route route(Session session, CommandFrame frame) {
            return Route.LOCAL;
        }

        @Override
        public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
            if (frame.argc() < 2 || frame.argc() > 3) {
                session.reply(wrongArity(session, "auth"));
                return;
            }
            if (session.usersConfigured()) {
                String user = frame.argc() == 2 ? UserConfig.DEFAULT_USER : frame.argAsString(1);
                if (session.authenticate(user, frame.argBytes(frame.argc() - 1))) {
                    session.replyOk();
                }
                return;
            }
            String failure = frame.argc() == 2
                    ? "ERR AUTH <password> called without any password configured for the default user. "
                            + "Are you sure your configuration is correct?"
                    : checkUser(frame.argAsString(1));
            if (failure != null) {
                session.reply(session.error(failure));
            } else {
                session.replyOk();
            }
        }
    };

    /** With no client users configured only the default user exists, and it takes any password. */
    private static String checkUser(String user) {
        return "default".equals(user) ? null : "WRONGPASS invalid username-password pair or user is disabled.";
    }

    /** HELLO [protover [AUTH user pass] [SETNAME name]]: the proxy answers, and the protocol picks the pool. */
    static final CommandHandler HELLO = new CommandHandler() {
        @Override
        public Route route(Session session, CommandFrame frame) {
            return Route.LOCAL;
        }

        @Override
        public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
            int protocol = session.protocol();
            int next = 1;
            if (frame.argc() >= 2) {
                long version;
                try {
                    version = frame.argAsLong(1);
                } catch (NumberFormatException e) {
                    session.reply(session.error("ERR Protocol version is not an integer or out of range"));
                    return;
                }
                if (version < 2 || version > 3) {
                    session.reply(session.error("NOPROTO unsupported protocol version"));
                    return;
                }
                protocol = (int) version;
                next = 2;
            }
            String name = null;
            boolean setName = false;
            for (int i = next; i < frame.argc(); i++) {
                int more = frame.argc() - i - 1;
                if (frame.argEqualsIgnoreCase(i, AUTH) && more >= 2) {
                    if (session.usersConfigured()) {
                        if (!session.authenticate(frame.argAsString(i + 1), frame.argBytes(i + 2))) {
                            return;
                        }
                        i += 2;
                        continue;
                    }
                    String failure = checkUser(frame.argAsString(i + 1));
                    if (failure != null) {
                        session.reply(session.error(failure));
                        return;
                    }
                    i += 2;
                } else if (frame.argEqualsIgnoreCase(i, SETNAME) && more >= 1) {
                    name = frame.argAsString(i + 1);
                    String invalid = ClientHandler.invalidName(name);
                    if (invalid != null) {
                        session.reply(session.error(invalid));
                        return;
                    }
                    setName = true;
                    i += 1;
                } else {
                    session.reply(session.error("ERR Syntax error in HELLO option '" + frame.argAsString(i) + "'"));
                    return;
                }
            }
            if (!session.client.authenticated) {
                session.reply(session.error("NOAUTH HELLO must be called with the client already authenticated, "
                        + "otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client "
                        + "and select the RESP protocol version at the same time"));
                return;
            }
            if (protocol != session.protocol() && session.isPinned()) {
                session.reply(session.error("ERR Turnout cannot switch the protocol while the connection is in a "
                        + "transaction, WATCH, subscription, MONITOR or CLIENT TRACKING/REPLY mode; leave it first"));
                return;
            }
            session.client.protocol = protocol;
            if (setName) {
                session.client.name = name.isEmpty() ? null : name;
            }
            session.reply(helloReply(session));
        }
    };

    private static ByteBuf helloReply(Session session) {
        int protocol = session.protocol();
        ByteBuf b = session.buffer();
        RespWriter.mapHeader(b, 7, protocol);
        RespWriter.bulk(b, "server");
        RespWriter.bulk(b, "redis");
        RespWriter.bulk(b, "version");
        RespWriter.bulk(b, session.serverVersion());
        RespWriter.bulk(b, "proto");
        RespWriter.integer(b, protocol);
        RespWriter.bulk(b, "id");
        RespWriter.integer(b, session.clientId());
        RespWriter.bulk(b, "mode");
        RespWriter.bulk(b, "standalone");
        RespWriter.bulk(b, "role");
        RespWriter.bulk(b, "master");
        RespWriter.bulk(b, "modules");
        RespWriter.arrayHeader(b, 0);
        return b;
    }

    /** QUIT: +OK after every earlier reply, then close. */
    static final CommandHandler QUIT = new CommandHandler() {
        @Override
        public Route route(Session session, CommandFrame frame) {
            return Route.LOCAL;
        }

        @Override
        public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
            session.setReplyBudget(1);
            session.replyOk();
            session.closeWhenDrained();
        }
    };

    /**
     * RESET: back to a fresh connection. A pinned session sends it on its dedicated connection (after a
     * blocked command, as Redis would) and that connection is then closed, not reused; out of MONITOR the
     * dedicated connection is dropped, once the replies still owed on it (MONITOR's +OK) have arrived.
     */
    static final CommandHandler RESET = new CommandHandler() {
        @Override
        public Route route(Session session, CommandFrame frame) {
            if (session.isMonitoring()) {
                return Route.LOCAL_AFTER_REPLIES;
            }
            return session.isPinned() ? Route.ANY : Route.LOCAL;
        }

        @Override
        public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
            session.client.reset();
            session.subscriptions.clear();
            session.setWatchBroken(false);
            // As in Redis, RESET deauthenticates: with users configured the client must AUTH again.
            session.signOut();
            session.setReplyBudget(1);
            if (session.isPinned() && !session.isMonitoring()) {
                session.markPinnedDirty();
                session.clearPinReason(-1);
                session.forward(frame, buf, start, Route.ANY);
                return;
            }
            session.dropPinned();
            ByteBuf b = session.buffer();
            RespWriter.simpleString(b, "RESET");
            session.reply(b);
        }
    };

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
