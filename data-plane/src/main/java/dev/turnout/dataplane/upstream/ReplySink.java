package dev.turnout.dataplane.upstream;

import io.netty.buffer.ByteBuf;

/**
 * Who receives what an upstream connection reads: a client session, or the connection's own handshake.
 * All calls happen on the connection's event loop, which is also the sink's.
 */
public interface ReplySink {

    /**
     * {@code count} complete replies, in order, for the oldest commands this sink has in flight on the
     * connection. The sink owns {@code replies} and must release it.
     */
    void onReplies(ByteBuf replies, int count);

    /** {@code count} replies that will never come, because of {@code reason} (an error text without '-'). */
    void onRepliesLost(int count, String reason);

    /** The upstream refused the proxy's credentials; {@code count} commands of this sink were not run. */
    void onAuthenticationFailed(int count);

    /**
     * Only asked on a dedicated connection: is this frame something the server pushed on its own
     * (a pub/sub message, a MONITOR line, a tracking invalidation) rather than a reply?
     */
    default boolean isUnsolicited(ByteBuf buf, int index, int length, byte type) {
        return false;
    }

    /** An unsolicited frame from a dedicated connection (see {@link #isUnsolicited}); the sink releases it. */
    default void onPush(ByteBuf frame) {
        frame.release();
    }

    /** The end of one read from the upstream: flush what was written to the client. */
    default void flushReplies() {
    }

    /** An upstream connection this sink waited on (see {@link UpstreamConnection#isWritableOrWait}) can take bytes again. */
    default void onUpstreamWritable() {
    }

    /** A dedicated connection this sink owns was closed by the upstream or the network. */
    default void onDedicatedConnectionClosed(UpstreamConnection connection, String reason) {
    }
}
