package dev.turnout.dataplane.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Appends RESP to a buffer, for the replies the proxy builds itself and for the commands it sends
 * upstream on its own behalf (AUTH, HELLO, SELECT...). Strings are written as UTF-8.
 *
 * <p>Methods taking a {@code protocol} write RESP3 types for 3 and their RESP2 equivalents for 2, as
 * Redis does for a connection that did or did not send {@code HELLO 3}.
 */
public final class RespWriter {

    /** {@code "\r\n"} as one big-endian short, for {@link ByteBuf#writeShort}. */
    static final int CRLF_SHORT = ('\r' << 8) | '\n';

    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] QUEUED = "+QUEUED\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "_\r\n".getBytes(StandardCharsets.US_ASCII);

    private RespWriter() {
    }

    /** {@code +OK}. */
    public static void ok(ByteBuf out) {
        out.writeBytes(OK);
    }

    /** {@code +PONG}. */
    public static void pong(ByteBuf out) {
        out.writeBytes(PONG);
    }

    /** {@code +QUEUED}, the reply to a command inside MULTI. */
    public static void queued(ByteBuf out) {
        out.writeBytes(QUEUED);
    }

    /** {@code +text}; CR and LF, which a simple string cannot hold, become spaces. */
    public static void simpleString(ByteBuf out, String text) {
        out.writeByte('+');
        writeLine(out, text);
    }

    /**
     * {@code -message}, e.g. {@code error(out, "ERR unknown command 'FOO'")}. CR and LF become spaces, as
     * in Redis's {@code addReplyErrorFormat}.
     */
    public static void error(ByteBuf out, String message) {
        out.writeByte('-');
        writeLine(out, message);
    }

    /** {@code :value}. */
    public static void integer(ByteBuf out, long value) {
        out.writeByte(':');
        RespIntegers.write(out, value);
        out.writeShort(CRLF_SHORT);
    }

    /** {@code $length} then the bytes. */
    public static void bulk(ByteBuf out, byte[] value) {
        Objects.requireNonNull(value, "value");
        bulkHeader(out, value.length);
        out.writeBytes(value);
        out.writeShort(CRLF_SHORT);
    }

    /** {@code $length} then {@code value} in UTF-8. */
    public static void bulk(ByteBuf out, CharSequence value) {
        int length = ByteBufUtil.utf8Bytes(value);
        bulkHeader(out, length);
        ByteBufUtil.reserveAndWriteUtf8(out, value, length);
        out.writeShort(CRLF_SHORT);
    }

    /** {@code $length} then {@code length} bytes of {@code src} from absolute {@code index}. */
    public static void bulk(ByteBuf out, ByteBuf src, int index, int length) {
        bulkHeader(out, length);
        out.writeBytes(src, index, length);
        out.writeShort(CRLF_SHORT);
    }

    /** A missing string: {@code $-1} in RESP2, {@code _} in RESP3. */
    public static void nullBulk(ByteBuf out, int protocol) {
        out.writeBytes(checkProtocol(protocol) == 3 ? NULL : NULL_BULK);
    }

    /** A missing array: {@code *-1} in RESP2, {@code _} in RESP3. */
    public static void nullArray(ByteBuf out, int protocol) {
        out.writeBytes(checkProtocol(protocol) == 3 ? NULL : NULL_ARRAY);
    }

    /** {@code *n}; the {@code n} elements follow. */
    public static void arrayHeader(ByteBuf out, int n) {
        header(out, '*', checkCount(n));
    }

    /** {@code %pairs} in RESP3, {@code *2·pairs} in RESP2; the keys and values follow, alternating. */
    public static void mapHeader(ByteBuf out, int pairs, int protocol) {
        checkCount(pairs);
        if (checkProtocol(protocol) == 3) {
            header(out, '%', pairs);
        } else {
            header(out, '*', 2L * pairs);
        }
    }

    /** {@code >n} in RESP3, {@code *n} in RESP2: an out-of-band message such as a pub/sub delivery. */
    public static void pushHeader(ByteBuf out, int n, int protocol) {
        header(out, checkProtocol(protocol) == 3 ? '>' : '*', checkCount(n));
    }

    /** A command as a RESP multibulk, each argument in UTF-8. */
    public static void command(ByteBuf out, String... args) {
        header(out, '*', args.length);
        for (String arg : args) {
            bulk(out, arg);
        }
    }

    /** A command as a RESP multibulk. */
    public static void command(ByteBuf out, byte[]... args) {
        header(out, '*', args.length);
        for (byte[] arg : args) {
            bulk(out, arg);
        }
    }

    /** {@code $length}: a bulk string of {@code length} bytes follows, then CRLF. */
    public static void bulkHeader(ByteBuf out, int length) {
        header(out, '$', length);
    }

    private static void header(ByteBuf out, char type, long n) {
        out.writeByte(type);
        RespIntegers.write(out, n);
        out.writeShort(CRLF_SHORT);
    }

    /** Writes {@code text} in UTF-8 with CR and LF replaced by spaces, then CRLF. */
    private static void writeLine(ByteBuf out, String text) {
        int start = out.writerIndex();
        ByteBufUtil.writeUtf8(out, text);
        int end = out.writerIndex();
        // In UTF-8, bytes 0x0D and 0x0A only ever stand for CR and LF themselves.
        for (int i = out.indexOf(start, end, (byte) '\r'); i >= 0; i = out.indexOf(i + 1, end, (byte) '\r')) {
            out.setByte(i, ' ');
        }
        for (int i = out.indexOf(start, end, (byte) '\n'); i >= 0; i = out.indexOf(i + 1, end, (byte) '\n')) {
            out.setByte(i, ' ');
        }
        out.writeShort(CRLF_SHORT);
    }

    private static int checkProtocol(int protocol) {
        if (protocol != 2 && protocol != 3) {
            throw new IllegalArgumentException("protocol: " + protocol + " (expected: 2 or 3)");
        }
        return protocol;
    }

    private static int checkCount(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n: " + n + " (expected: >= 0)");
        }
        return n;
    }
}
