package dev.turnout.dataplane.session;

import dev.turnout.dataplane.resp.RespValues;
import io.netty.buffer.ByteBuf;
import java.util.Set;

/** Tells pub/sub frames apart by their first element, the only way RESP2 allows. */
final class PubSubFrames {

    private static final Set<String> CONFIRMATIONS =
            Set.of("subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ssubscribe", "sunsubscribe");
    private static final Set<String> MESSAGES = Set.of("message", "pmessage", "smessage");

    private PubSubFrames() {
    }

    /** A reply to a (un)subscribe command (a push in RESP3, an array in RESP2). */
    static boolean isSubscriptionConfirmation(ByteBuf buf, int index, int length) {
        String first = RespValues.firstElementAsString(buf, index, length);
        return first != null && CONFIRMATIONS.contains(first);
    }

    /** A message delivered to a subscriber. */
    static boolean isMessage(ByteBuf buf, int index, int length) {
        String first = RespValues.firstElementAsString(buf, index, length);
        return first != null && MESSAGES.contains(first);
    }
}
