package dev.turnout.dataplane.session;

import dev.turnout.dataplane.namespace.Namespace;
import dev.turnout.dataplane.resp.CommandFrame;
import dev.turnout.dataplane.resp.RespValues;
import dev.turnout.dataplane.resp.RespWriter;
import dev.turnout.dataplane.upstream.ReplySink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code XREAD BLOCK ... STREAMS key ... $ ...} that a pause ends: {@code $} means "entries added after the
 * command started waiting", so re-issuing it as it was would skip what was added during the pause. The proxy
 * ends it in a transaction that also reads each such stream's last ID, at the same instant
 * ({@code MULTI; CLIENT UNBLOCK id TIMEOUT; XREVRANGE key + - COUNT 1 ...; EXEC}), and re-issues it with those
 * IDs in place of {@code $}.
 */
final class StreamTails {

    private static final byte[] STREAMS = Session.ascii("streams");
    private static final byte[] XREAD = Session.ascii("xread");
    private static final byte[] EMPTY_STREAM = Session.ascii("0-0");

    /** The argument index of each {@code $}, and its stream's key. */
    private final int[] idArguments;
    private final byte[][] keys;

    private StreamTails(int[] idArguments, byte[][] keys) {
        this.idArguments = idArguments;
        this.keys = keys;
    }

    /**
     * For an XREAD with {@code $} IDs; null for anything else (XREADGROUP's {@code >} needs nothing). In a
     * {@code namespace} (or null) the keys are the prefixed ones, as they are upstream.
     */
    static StreamTails of(CommandFrame frame, Namespace namespace) {
        if (!frame.argEqualsIgnoreCase(0, XREAD)) {
            return null;
        }
        int streams = -1;
        for (int i = 1; i < frame.argc(); i++) {
            if (frame.argEqualsIgnoreCase(i, STREAMS)) {
                streams = i;
                break;
            }
        }
        int n = streams < 0 ? 0 : (frame.argc() - streams - 1) / 2;
        if (n == 0 || (frame.argc() - streams - 1) % 2 != 0) {
            return null;
        }
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (isDollar(frame, streams + 1 + n + i)) {
                count++;
            }
        }
        if (count == 0) {
            return null;
        }
        int[] ids = new int[count];
        byte[][] keys = new byte[count][];
        int j = 0;
        for (int i = 0; i < n; i++) {
            int id = streams + 1 + n + i;
            if (isDollar(frame, id)) {
                ids[j] = id;
                byte[] key = frame.argBytes(streams + 1 + i);
                keys[j] = namespace == null ? key : namespace.prefixed(key);
                j++;
            }
        }
        return new StreamTails(ids, keys);
    }

    private static boolean isDollar(CommandFrame frame, int i) {
        return frame.argLength(i) == 1 && frame.argByte(i, 0) == '$';
    }

    /** The transaction that ends the blocked connection {@code clientId} and reads the streams' last IDs. */
    ByteBuf unblockCommands(long clientId, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(128);
        RespWriter.command(out, "MULTI");
        RespWriter.command(out, "CLIENT", "UNBLOCK", Long.toString(clientId), "TIMEOUT");
        for (byte[] key : keys) {
            RespWriter.command(out, Session.ascii("XREVRANGE"), key, Session.ascii("+"), Session.ascii("-"),
                    Session.ascii("COUNT"), Session.ascii("1"));
        }
        RespWriter.command(out, "EXEC");
        return out;
    }

    /** MULTI, CLIENT UNBLOCK, one XREVRANGE per stream, EXEC. */
    int replies() {
        return keys.length + 3;
    }

    /** Takes the transaction's replies; when its CLIENT UNBLOCK did end {@code call}, records the IDs to use. */
    ReplySink repliesFor(BlockedCall call) {
        return new ReplySink() {
            private int seen;

            @Override
            public void onReplies(ByteBuf replies, int count) {
                try {
                    for (int i = 0; i < count; i++) {
                        Object value = RespValues.decode(replies);
                        if (++seen == replies() && value instanceof List<?> exec && !exec.isEmpty()
                                && Long.valueOf(1).equals(exec.get(0))) {
                            call.resolvedIds = lastIds(exec);
                            call.idsResolved();
                        }
                    }
                } finally {
                    replies.release();
                }
            }

            @Override
            public void onRepliesLost(int count, String reason) {
                call.idsResolved(); // no IDs will come: re-issue from $ rather than never
            }

            @Override
            public void onAuthenticationFailed(int count) {
            }
        };
    }

    private Map<Integer, byte[]> lastIds(List<?> exec) {
        Map<Integer, byte[]> ids = new HashMap<>();
        for (int i = 0; i < idArguments.length; i++) {
            Object range = i + 1 < exec.size() ? exec.get(i + 1) : null;
            byte[] id = EMPTY_STREAM;
            if (range instanceof List<?> entries && !entries.isEmpty() && entries.get(0) instanceof List<?> entry
                    && !entry.isEmpty()) {
                Object raw = entry.get(0);
                id = raw instanceof byte[] b ? b : String.valueOf(raw).getBytes(StandardCharsets.US_ASCII);
            }
            ids.put(idArguments[i], id);
        }
        return ids;
    }
}
