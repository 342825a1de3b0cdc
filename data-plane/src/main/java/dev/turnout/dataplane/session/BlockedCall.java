package dev.turnout.dataplane.session;

import dev.turnout.dataplane.upstream.ReplySink;
import dev.turnout.dataplane.upstream.UpstreamConnection;
import dev.turnout.dataplane.namespace.ReplyShape;
import io.netty.buffer.ByteBuf;
import java.util.Map;

/**
 * A blocking command (BLPOP, XREAD BLOCK, ...) in flight on a session's dedicated connection. It is its own
 * {@link ReplySink}, so that when a pause ends it upstream ({@code CLIENT UNBLOCK id TIMEOUT}) the session can
 * tell that timeout apart from a real one and re-issue the command after the resume with the time it had
 * left, instead of answering the client. An element that arrived before the unblock is delivered as usual,
 * so none is lost or delivered twice.
 */
final class BlockedCall implements ReplySink {

    private final Session session;
    /** The command as the client sent it, re-encoded; owned here until released. */
    final ByteBuf command;
    final BlockingTimeout kind;
    /** The timeout argument's index in the command, or -1: then the proxy cannot re-issue it. */
    final int timeoutArgument;
    /** The client's timeout (0: forever). */
    final long timeoutNanos;
    final long startNanos;
    final UpstreamConnection connection;
    /** A pause asked the upstream to end it: a null reply from now on means "ended by us". */
    boolean unblockRequested;
    /** Ended upstream by a pause; the client still waits, and the command runs again on resume. */
    boolean waitingForResume;
    long remainingNanos;
    /** For an XREAD with {@code $} IDs: how to end it without losing entries (null otherwise). */
    StreamTails tails;
    /** The shape of its reply in the client's namespace (see {@link Session#forwardBlocking}), or null. */
    ReplyShape shape;
    /** The IDs read when it was ended, by argument index, to re-issue it with in place of {@code $}. */
    Map<Integer, byte[]> resolvedIds = Map.of();
    /** Whether the IDs came (or will not come: the transaction was lost; then {@code $} is used). */
    boolean idsSettled;

    BlockedCall(Session session, ByteBuf command, BlockingTimeout kind, int timeoutArgument, long timeoutNanos,
                long startNanos, UpstreamConnection connection) {
        this.session = session;
        this.command = command;
        this.kind = kind;
        this.timeoutArgument = timeoutArgument;
        this.timeoutNanos = timeoutNanos;
        this.startNanos = startNanos;
        this.connection = connection;
    }

    /** Whether a pause may end it upstream and re-issue it. */
    boolean canReissue() {
        return timeoutArgument > 0 && timeoutNanos >= 0;
    }

    /** How long it still had to wait at {@code nowNanos}: 0 for forever, negative once expired. */
    long remainingAt(long nowNanos) {
        if (timeoutNanos == 0) {
            return 0;
        }
        long left = timeoutNanos - (nowNanos - startNanos);
        return left <= 0 ? -1 : left;
    }

    /** Whether {@code reply} is the null a blocking command answers on timeout (RESP2 or RESP3). */
    static boolean isTimeoutReply(ByteBuf reply) {
        int i = reply.readerIndex();
        int n = reply.readableBytes();
        if (n == 3) {
            return reply.getByte(i) == '_';
        }
        return n == 5 && (reply.getByte(i) == '*' || reply.getByte(i) == '$') && reply.getByte(i + 1) == '-'
                && reply.getByte(i + 2) == '1';
    }

    @Override
    public void onReplies(ByteBuf replies, int count) {
        session.blockedReply(this, replies, count);
    }

    @Override
    public void onRepliesLost(int count, String reason) {
        session.blockedEnded(this);
        session.onRepliesLost(count, reason);
    }

    @Override
    public void onAuthenticationFailed(int count) {
        session.blockedEnded(this);
        session.onAuthenticationFailed(count);
    }

    @Override
    public void flushReplies() {
        session.flushReplies();
    }

    /** The IDs of an XREAD {@code $} arrived (they may come after the timeout reply). */
    void idsResolved() {
        idsSettled = true;
        session.streamIdsResolved(this);
    }

    void release() {
        if (command != null && command.refCnt() > 0) {
            command.release();
        }
    }
}
