package dev.turnout.dataplane.session;

import dev.turnout.dataplane.resp.CommandFrame;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Function;

/**
 * (S|P)SUBSCRIBE and (S|P)UNSUBSCRIBE. Subscriptions live in one upstream connection, so subscribing pins
 * the session; each command gets one confirmation per channel, and the session leaves subscribed state when
 * its last subscription goes.
 */
final class PubSubHandlers {

    private PubSubHandlers() {
    }

    static final CommandHandler SUBSCRIBE = new Subscribe(s -> s.channels);
    static final CommandHandler PSUBSCRIBE = new Subscribe(s -> s.patterns);
    static final CommandHandler SSUBSCRIBE = new Subscribe(s -> s.shardChannels);
    static final CommandHandler UNSUBSCRIBE = new Unsubscribe(s -> s.channels);
    static final CommandHandler PUNSUBSCRIBE = new Unsubscribe(s -> s.patterns);
    static final CommandHandler SUNSUBSCRIBE = new Unsubscribe(s -> s.shardChannels);

    private static String name(CommandFrame frame, int i) {
        return new String(frame.argBytes(i), StandardCharsets.ISO_8859_1);
    }

    private static final class Subscribe implements CommandHandler {
        private final Function<SubscriptionState, Set<String>> kind;

        Subscribe(Function<SubscriptionState, Set<String>> kind) {
            this.kind = kind;
        }

        @Override
        public Route route(Session session, CommandFrame frame) {
            // Without channels it is an arity error; let Redis say so on any connection.
            return frame.argc() < 2 ? Route.ANY : Route.DEDICATED;
        }

        @Override
        public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
            if (frame.argc() < 2) {
                session.forward(frame, buf, start, Route.ANY);
                return;
            }
            session.forward(frame, buf, start, Route.DEDICATED, frame.argc() - 1);
            if (session.isPinned()) {
                Set<String> names = kind.apply(session.subscriptions);
                for (int i = 1; i < frame.argc(); i++) {
                    names.add(name(frame, i));
                }
                session.addPinReason(PinReason.SUBSCRIBED);
                session.markPinnedSubscribed();
            }
        }
    }

    private static final class Unsubscribe implements CommandHandler {
        private final Function<SubscriptionState, Set<String>> kind;

        Unsubscribe(Function<SubscriptionState, Set<String>> kind) {
            this.kind = kind;
        }

        @Override
        public Route route(Session session, CommandFrame frame) {
            return Route.ANY;
        }

        @Override
        public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
            Set<String> names = kind.apply(session.subscriptions);
            int confirmations;
            if (frame.argc() > 1) {
                confirmations = frame.argc() - 1;
                for (int i = 1; i < frame.argc(); i++) {
                    names.remove(name(frame, i));
                }
            } else {
                confirmations = Math.max(1, names.size());
                names.clear();
            }
            if (session.subscriptions.isEmpty()) {
                session.clearPinReason(PinReason.SUBSCRIBED);
            }
            session.forward(frame, buf, start, Route.ANY, confirmations);
        }
    }
}
