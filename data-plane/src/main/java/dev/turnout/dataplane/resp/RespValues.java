package dev.turnout.dataplane.resp;

import io.netty.buffer.ByteBuf;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes one complete reply into Java values: the slow path, for the few places that must read a
 * reply (the HELLO reply, INFO, subscribe confirmations). Everything else forwards replies undecoded.
 *
 * <table>
 *   <caption>What each RESP type becomes</caption>
 *   <tr><td>simple string {@code +}</td><td>{@link String}</td></tr>
 *   <tr><td>error {@code -}, blob error {@code !}</td><td>{@link RespError}</td></tr>
 *   <tr><td>integer {@code :}</td><td>{@link Long}</td></tr>
 *   <tr><td>bulk {@code $}</td><td>{@code byte[]}; {@code null} for {@code $-1}</td></tr>
 *   <tr><td>array {@code *}, set {@code ~}, push {@code >}</td><td>{@code List<Object>}; {@code null} for {@code *-1}</td></tr>
 *   <tr><td>map {@code %}</td><td>{@code LinkedHashMap<Object, Object>}, bulk keys as UTF-8 {@link String}s</td></tr>
 *   <tr><td>null {@code _}</td><td>{@code null}</td></tr>
 *   <tr><td>boolean {@code #}</td><td>{@link Boolean}</td></tr>
 *   <tr><td>double {@code ,}</td><td>{@link Double}, {@code inf}, {@code -inf} and {@code nan} included</td></tr>
 *   <tr><td>big number {@code (}</td><td>{@link BigInteger}</td></tr>
 *   <tr><td>verbatim {@code =}</td><td>{@link String}, without its {@code txt:} format prefix</td></tr>
 *   <tr><td>attribute {@code |}</td><td>skipped: the value after it is returned</td></tr>
 * </table>
 *
 * Malformed or incomplete input raises {@link IllegalArgumentException}: frame replies with
 * {@link ReplyFramer} first. Decoding recurses into aggregates, which suits the small, shallow replies
 * it is meant for.
 */
public final class RespValues {

    private RespValues() {
    }

    /** Decodes the reply at {@code in.readerIndex()}, consuming it. */
    public static Object decode(ByteBuf in) {
        byte type = in.readByte();
        switch (type) {
            case '+':
                return readLine(in);
            case '-':
                return new RespError(readLine(in));
            case ':':
                return readInteger(in);
            case '_':
                skipEmptyLine(in);
                return null;
            case '#':
                return readBoolean(in);
            case ',':
                return readDouble(in);
            case '(':
                return new BigInteger(readLine(in));
            case '$': {
                long length = readInteger(in);
                return length == -1 ? null : readBlob(in, length);
            }
            case '!':
                return new RespError(new String(readBlob(in, readInteger(in)), StandardCharsets.UTF_8));
            case '=':
                return readVerbatim(in);
            case '*': {
                long count = readInteger(in);
                return count == -1 ? null : readList(in, count);
            }
            case '~':
            case '>':
                return readList(in, readInteger(in));
            case '%':
                return readMap(in, readInteger(in));
            case '|':
                readMap(in, readInteger(in));
                return decode(in);
            default:
                throw new IllegalArgumentException("reply type: 0x" + Integer.toHexString(type & 0xFF)
                        + " (expected: one of + - : $ * _ , # ( ! = % ~ > |)");
        }
    }

    /**
     * The first element of the aggregate reply ({@code *}, {@code >} or {@code ~}) in the {@code length}
     * bytes at absolute {@code index}, if it is a bulk or simple string: the cheap way to tell a pub/sub
     * {@code message} from a command's reply without decoding the rest. Moves no index.
     *
     * @return the first element as UTF-8, or {@code null} if the reply is not an aggregate, is empty, or
     *     does not start with a string
     */
    public static String firstElementAsString(ByteBuf buf, int index, int length) {
        int end = index + length;
        if (length < 1) {
            return null;
        }
        byte type = buf.getByte(index);
        if (type != '*' && type != '>' && type != '~') {
            return null;
        }
        int headerEnd = lineEnd(buf, index + 1, end);
        if (headerEnd < 0 || parseOrMinusOne(buf, index + 1, headerEnd) < 1) {
            return null;
        }
        int element = headerEnd + 2;
        if (element >= end) {
            return null;
        }
        byte elementType = buf.getByte(element);
        int elementLineEnd = lineEnd(buf, element + 1, end);
        if (elementLineEnd < 0) {
            return null;
        }
        if (elementType == '+') {
            return buf.toString(element + 1, elementLineEnd - element - 1, StandardCharsets.UTF_8);
        }
        if (elementType == '$') {
            long bulkLength = parseOrMinusOne(buf, element + 1, elementLineEnd);
            int dataStart = elementLineEnd + 2;
            if (bulkLength < 0 || dataStart + bulkLength > end) {
                return null;
            }
            return buf.toString(dataStart, (int) bulkLength, StandardCharsets.UTF_8);
        }
        return null;
    }

    private static List<Object> readList(ByteBuf in, long count) {
        checkCount(in, count);
        List<Object> list = new ArrayList<>((int) Math.min(count, 1024));
        for (long i = 0; i < count; i++) {
            list.add(decode(in));
        }
        return list;
    }

    private static Map<Object, Object> readMap(ByteBuf in, long pairs) {
        checkCount(in, pairs);
        Map<Object, Object> map = new LinkedHashMap<>();
        for (long i = 0; i < pairs; i++) {
            Object key = decode(in);
            if (key instanceof byte[] bytes) {
                key = new String(bytes, StandardCharsets.UTF_8);
            }
            map.put(key, decode(in));
        }
        return map;
    }

    private static String readVerbatim(ByteBuf in) {
        byte[] blob = readBlob(in, readInteger(in));
        // "txt:" or "mkd:": a three-letter format, then a colon.
        if (blob.length < 4 || blob[3] != ':') {
            throw new IllegalArgumentException("verbatim string without a format prefix (expected: e.g. \"txt:\")");
        }
        return new String(blob, 4, blob.length - 4, StandardCharsets.UTF_8);
    }

    private static byte[] readBlob(ByteBuf in, long length) {
        if (length < 0 || length > in.readableBytes() - 2) {
            throw new IllegalArgumentException(
                    "length: " + length + " (expected: 0-" + Math.max(0, in.readableBytes() - 2) + ")");
        }
        byte[] blob = new byte[(int) length];
        in.readBytes(blob);
        skipCrlf(in);
        return blob;
    }

    private static boolean readBoolean(ByteBuf in) {
        String line = readLine(in);
        if (line.equals("t")) {
            return true;
        }
        if (line.equals("f")) {
            return false;
        }
        throw new IllegalArgumentException("boolean: " + line + " (expected: t or f)");
    }

    private static double readDouble(ByteBuf in) {
        String line = readLine(in);
        switch (line) {
            case "inf":
                return Double.POSITIVE_INFINITY;
            case "-inf":
                return Double.NEGATIVE_INFINITY;
            case "nan":
                return Double.NaN;
            default:
                try {
                    return Double.parseDouble(line);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("double: " + line + " (expected: a decimal, inf, -inf or nan)");
                }
        }
    }

    private static long readInteger(ByteBuf in) {
        int start = in.readerIndex();
        int cr = requireLineEnd(in);
        long value;
        try {
            value = RespIntegers.parse(in, start, cr - start);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        in.readerIndex(cr + 2);
        return value;
    }

    private static String readLine(ByteBuf in) {
        int start = in.readerIndex();
        int cr = requireLineEnd(in);
        String line = in.toString(start, cr - start, StandardCharsets.UTF_8);
        in.readerIndex(cr + 2);
        return line;
    }

    private static void skipEmptyLine(ByteBuf in) {
        int cr = requireLineEnd(in);
        if (cr != in.readerIndex()) {
            throw new IllegalArgumentException("null with content (expected: \"_\\r\\n\")");
        }
        in.readerIndex(cr + 2);
    }

    private static void skipCrlf(ByteBuf in) {
        if (in.readableBytes() < 2 || in.readByte() != '\r' || in.readByte() != '\n') {
            throw new IllegalArgumentException("missing CRLF after a bulk string");
        }
    }

    /** The absolute index of the CR ending the line at {@code readerIndex}; the LF must follow. */
    private static int requireLineEnd(ByteBuf in) {
        int cr = lineEnd(in, in.readerIndex(), in.writerIndex());
        if (cr < 0) {
            throw new IllegalArgumentException("incomplete reply: no CRLF after index " + in.readerIndex());
        }
        return cr;
    }

    /** The index of the CR of the first CRLF in {@code [from, end)}, or -1. */
    private static int lineEnd(ByteBuf buf, int from, int end) {
        int cr = buf.indexOf(from, end, (byte) '\r');
        return cr >= 0 && cr + 1 < end && buf.getByte(cr + 1) == '\n' ? cr : -1;
    }

    private static long parseOrMinusOne(ByteBuf buf, int from, int to) {
        try {
            return RespIntegers.parse(buf, from, to - from);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void checkCount(ByteBuf in, long count) {
        // Every element takes at least three bytes, so a larger count cannot be a complete reply.
        if (count < 0 || count > in.readableBytes() / 3) {
            throw new IllegalArgumentException(
                    "count: " + count + " (expected: 0-" + in.readableBytes() / 3 + ", for the bytes left)");
        }
    }
}
