package dev.turnout.dataplane.namespace;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reply shapes for text that names keys or counts every namespace's: an error that quotes a key (the stream
 * commands' NOGROUP errors), and INFO, whose Keyspace section counts the whole database's keys.
 */
final class TextReplies {

    private TextReplies() {
    }

    /**
     * An error whose quoted names ({@code 'alice:s'}) lose the prefix; anything else has {@code other}'s shape.
     * Redis 7.0 quotes the key this way in XREADGROUP, XPENDING, XCLAIM, XAUTOCLAIM, XGROUP SETID/CREATECONSUMER/
     * DELCONSUMER and XINFO CONSUMERS errors.
     */
    static ReplyShape keyQuotedInError(ReplyShape other) {
        return (in, index, out, ns) -> in.getByte(index) == '-'
                ? errorWithoutQuotedPrefix(in, index, out, ns) : other.copy(in, index, out, ns);
    }

    private static int errorWithoutQuotedPrefix(ByteBuf in, int index, ByteBuf out, Namespace ns) {
        int lineEnd = Resp.lineEnd(in, index);
        int i = index;
        while (i < lineEnd) {
            byte b = in.getByte(i++);
            out.writeByte(b);
            if (b == '\'' && lineEnd - i >= ns.length() && ns.isPrefixOf(in, i, lineEnd - i)) {
                i += ns.length();
            }
        }
        out.writeBytes(in, lineEnd, 2);
        return lineEnd + 2;
    }

    /**
     * INFO's text (a bulk string, or a RESP3 verbatim string) without the {@code dbN:keys=...} lines of its Keyspace
     * section, which count every namespace's keys: the section's header stays, empty. DBSIZE counts the client's own.
     */
    static final ReplyShape INFO = (in, index, out, ns) -> {
        byte type = in.getByte(index);
        int lineEnd = Resp.lineEnd(in, index);
        long length = Resp.number(in, index, lineEnd);
        if (type != '$' && type != '=' || length < 0) {
            return ReplyShape.KEEP.copy(in, index, out, ns);
        }
        int start = lineEnd + 2;
        int end = start + (int) length;
        int kept = 0;
        for (int line = start; line < end; line = nextLine(in, line, end)) {
            if (!isKeyspaceCount(in, line, end)) {
                kept += nextLine(in, line, end) - line;
            }
        }
        out.writeByte(type);
        out.writeCharSequence(Integer.toString(kept), StandardCharsets.US_ASCII);
        out.writeShort(('\r' << 8) | '\n');
        for (int line = start; line < end; ) {
            int next = nextLine(in, line, end);
            if (!isKeyspaceCount(in, line, end)) {
                out.writeBytes(in, line, next - line);
            }
            line = next;
        }
        out.writeShort(('\r' << 8) | '\n');
        return end + 2;
    };

    /** The index after the line that starts at {@code line} (its LF included), or {@code end}. */
    private static int nextLine(ByteBuf in, int line, int end) {
        int lf = in.indexOf(line, end, (byte) '\n');
        return lf < 0 ? end : lf + 1;
    }

    /** Whether the line at {@code line} is {@code db<digits>:...}. */
    private static boolean isKeyspaceCount(ByteBuf in, int line, int end) {
        if (end - line < 4 || in.getByte(line) != 'd' || in.getByte(line + 1) != 'b') {
            return false;
        }
        int i = line + 2;
        while (i < end && Character.isDigit(in.getByte(i))) {
            i++;
        }
        return i > line + 2 && i < end && in.getByte(i) == ':';
    }
}
