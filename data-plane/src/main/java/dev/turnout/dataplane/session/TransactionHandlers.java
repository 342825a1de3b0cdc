package dev.turnout.dataplane.session;

import dev.turnout.dataplane.command.CommandFlag;
import dev.turnout.dataplane.command.CommandSpec;
import dev.turnout.dataplane.resp.CommandFrame;
import io.netty.buffer.ByteBuf;

/** MULTI, EXEC, DISCARD, WATCH, UNWATCH: a transaction lives in one upstream connection, so it pins one. */
final class TransactionHandlers {

    private static final byte[] EXEC = Session.ascii("exec");

    private TransactionHandlers() {
    }

    /** MULTI: pins until EXEC or DISCARD. */
    static final CommandHandler MULTI = new CommandHandler() {
        @Override
        public Route route(Session session, CommandFrame frame) {
            return Route.DEDICATED;
        }

        @Override
        public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
            if (!session.hasPinReason(PinReason.TRANSACTION)) {
                // A nested MULTI is Redis's error and leaves the open transaction as it was.
                session.addPinReason(PinReason.TRANSACTION);
                session.transactionStarted();
            }
            session.forward(frame, buf, start, Route.DEDICATED);
        }
    };

    /**
     * EXEC and DISCARD end the transaction and every WATCH. Without MULTI they are errors that leave a WATCH
     * in place (Redis checks for MULTI first), so the session must stay pinned to the connection holding it.
     * An EXEC whose WATCH was opened on an upstream the session has since left fails (see
     * {@link Session#forwardAbortedExec()}).
     */
    static final CommandHandler END = new CommandHandler() {
        @Override
        public Route route(Session session, CommandFrame frame) {
            return Route.ANY;
        }

        @Override
        public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
            if (session.hasPinReason(PinReason.TRANSACTION)) {
                session.clearPinReason(PinReason.TRANSACTION | PinReason.WATCH);
                boolean exec = frame.argEqualsIgnoreCase(0, EXEC);
                boolean aborted = session.watchBroken() && exec;
                session.setWatchBroken(false);
                if (session.transactionEndsRefused(exec)) {
                    session.forwardRefusedExec();
                    return;
                }
                if (aborted) {
                    session.forwardAbortedExec();
                    return;
                }
            }
            session.forward(frame, buf, start, Route.ANY);
        }
    };

    /**
     * Whether Redis queues the command inside MULTI: not EXEC or DISCARD, nor what it runs at once (a nested MULTI
     * or WATCH, both errors) or refuses (a no-multi command, which aborts the transaction).
     */
    static boolean queuedByRedis(CommandHandler handler, CommandSpec spec) {
        return handler != END && handler != MULTI && handler != WATCH
                && (spec == null || !spec.hasFlag(CommandFlag.NO_MULTI));
    }

    /** WATCH: pins until EXEC, DISCARD or UNWATCH. */
    static final CommandHandler WATCH = new CommandHandler() {
        @Override
        public Route route(Session session, CommandFrame frame) {
            return Route.DEDICATED;
        }

        @Override
        public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
            if (!session.hasPinReason(PinReason.TRANSACTION)) {
                session.addPinReason(PinReason.WATCH);
            }
            session.forward(frame, buf, start, Route.DEDICATED);
        }
    };

    /** UNWATCH: outside a transaction it ends the WATCH (inside one it is just queued). */
    static final CommandHandler UNWATCH = new CommandHandler() {
        @Override
        public Route route(Session session, CommandFrame frame) {
            return Route.ANY;
        }

        @Override
        public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
            if (!session.hasPinReason(PinReason.TRANSACTION)) {
                session.clearPinReason(PinReason.WATCH);
                session.setWatchBroken(false);
            }
            session.forward(frame, buf, start, Route.ANY);
        }
    };
}
