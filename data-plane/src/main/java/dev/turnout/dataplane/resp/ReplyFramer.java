package dev.turnout.dataplane.resp;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * Finds where each reply from Redis ends, RESP2 or RESP3, without decoding it, so replies are forwarded
 * as slices of the upstream's bytes. One instance per upstream connection.
 *
 * <p>Understands every type Redis sends: simple string {@code +}, error {@code -}, integer {@code :},
 * bulk {@code $} (and {@code $-1}), array {@code *} (and {@code *-1}), null {@code _}, double {@code ,},
 * boolean {@code #}, big number {@code (}, blob error {@code !}, verbatim {@code =}, map {@code %}, set
 * {@code ~}, push {@code >} and attribute {@code |}. An attribute is not a reply of its own: it and the
 * value after it are framed together as one. RESP3 streamed strings and aggregates ({@code $?},
 * {@code *?}), which Redis never sends, are rejected.
 *
 * <p>{@link #frame} returns the length of the next complete reply, or -1 when more bytes are needed. In
 * that case it keeps its progress (the position reached and an explicit stack of the children each
 * open aggregate still expects: no recursion), so the next call resumes instead of rescanning. As with
 * {@link RequestParser}, {@code readerIndex} is never moved, must be at the start of the reply on every
 * call, and the bytes may move to another buffer between calls.
 *
 * <p>Bytes that are not RESP raise {@link RespProtocolException} with a description for the log; the
 * framer resets itself, and the upstream connection is not usable any more.
 */
public final class ReplyFramer {

    private static final int INITIAL_DEPTH = 8;

    private final long maxBulkLength;

    /** Children still expected by each open aggregate, innermost last. */
    private long[] remaining = new long[INITIAL_DEPTH];
    /** Whether each open aggregate is an attribute, which does not count as a child of its parent. */
    private boolean[] attribute = new boolean[INITIAL_DEPTH];
    private int depth;

    /** Start of the next line or bulk body, relative to the start of the reply. */
    private int position;
    /** Bytes before this (relative) index hold no CR for the current line. */
    private int scanned;
    /** Length of the bulk body being waited for, or -1 when reading lines. */
    private int bulkLength = -1;
    private byte topLevelType;
    private byte lastType;

    /**
     * @param maxBulkLength longest bulk string accepted, at most {@link Integer#MAX_VALUE}; use
     *     {@code ProtocolLimits.DEFAULT_MAX_BULK_LENGTH} to match Redis's default
     */
    public ReplyFramer(long maxBulkLength) {
        if (maxBulkLength < 1 || maxBulkLength > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "maxBulkLength: " + maxBulkLength + " (expected: 1-" + Integer.MAX_VALUE + ")");
        }
        this.maxBulkLength = maxBulkLength;
    }

    /**
     * Frames the reply starting at {@code in.readerIndex()}. Does not move {@code readerIndex}.
     *
     * @return the reply's length in bytes, or -1 if it is not complete yet
     * @throws RespProtocolException if the bytes are not RESP
     */
    public int frame(ByteBuf in) throws RespProtocolException {
        try {
            return frameOrIncomplete(in);
        } catch (RespProtocolException e) {
            reset();
            throw e;
        }
    }

    /**
     * The type byte of the reply the last successful {@link #frame} call returned, e.g. {@code '-'} for an
     * error; for a reply with an attribute, the type of the value after the attribute.
     */
    public byte lastType() {
        return lastType;
    }

    /** Forgets a partly framed reply, e.g. when the connection is reused or closed. */
    public void reset() {
        depth = 0;
        position = 0;
        scanned = 0;
        bulkLength = -1;
        topLevelType = 0;
    }

    private int frameOrIncomplete(ByteBuf in) throws RespProtocolException {
        int start = in.readerIndex();
        int available = in.readableBytes();
        while (true) {
            if (bulkLength >= 0) {
                if (available - position < bulkLength + 2) {
                    return -1;
                }
                int crlf = start + position + bulkLength;
                if (in.getByte(crlf) != '\r' || in.getByte(crlf + 1) != '\n') {
                    throw new RespProtocolException("bulk string of " + bulkLength + " bytes at offset " + position
                            + " is not followed by CRLF");
                }
                advanceTo(position + bulkLength + 2);
                bulkLength = -1;
                if (valueCompleted()) {
                    return completed();
                }
                continue;
            }

            int cr = scanned < available ? in.indexOf(start + scanned, start + available, (byte) '\r') : -1;
            if (cr < 0) {
                scanned = available;
                return -1;
            }
            cr -= start;
            scanned = cr;
            if (cr + 1 >= available) {
                return -1;
            }
            if (in.getByte(start + cr + 1) != '\n') {
                throw new RespProtocolException("line at offset " + position + " ends with CR but no LF");
            }
            byte type = in.getByte(start + position);
            int lineStart = start + position + 1;
            int lineLength = cr - position - 1;
            int next = cr + 2;
            if (depth == 0 && type != '|') {
                topLevelType = type;
            }
            switch (type) {
                case '+', '-', ':', '_', ',', '#', '(' -> {
                    advanceTo(next);
                    if (valueCompleted()) {
                        return completed();
                    }
                }
                case '$', '!', '=' -> {
                    long length = length(in, lineStart, lineLength, type);
                    advanceTo(next);
                    if (length == -1 && type == '$') {
                        if (valueCompleted()) {
                            return completed();
                        }
                    } else {
                        if (length < 0 || length > maxBulkLength || (long) next + length + 2 > Integer.MAX_VALUE) {
                            throw new RespProtocolException("bulk length: " + length + " (expected: 0-" + maxBulkLength + ")");
                        }
                        bulkLength = (int) length;
                    }
                }
                case '*', '~', '>', '%', '|' -> {
                    long count = length(in, lineStart, lineLength, type);
                    advanceTo(next);
                    if (count == -1 && type == '*') {
                        if (valueCompleted()) {
                            return completed();
                        }
                    } else if (count < 0 || count > Long.MAX_VALUE / 2) {
                        throw new RespProtocolException("'" + (char) type + "' count: " + count + " (expected: >= 0)");
                    } else {
                        long children = type == '%' || type == '|' ? count * 2 : count;
                        if (children > 0) {
                            push(children, type == '|');
                        } else if (type != '|' && valueCompleted()) {
                            // An empty aggregate is a complete value; an empty attribute is nothing at all.
                            return completed();
                        }
                    }
                }
                default -> throw new RespProtocolException("reply type: " + describe(type) + " at offset " + position
                        + " (expected: one of + - : $ * _ , # ( ! = % ~ > |)");
            }
        }
    }

    private static long length(ByteBuf in, int index, int length, byte type) throws RespProtocolException {
        try {
            return RespIntegers.parse(in, index, length);
        } catch (NumberFormatException e) {
            throw new RespProtocolException("'" + (char) type + "' length: " + e.getMessage());
        }
    }

    private void push(long children, boolean isAttribute) {
        if (depth == remaining.length) {
            remaining = Arrays.copyOf(remaining, depth * 2);
            attribute = Arrays.copyOf(attribute, depth * 2);
        }
        remaining[depth] = children;
        attribute[depth] = isAttribute;
        depth++;
    }

    /**
     * A value just ended: counts it against the open aggregates, closing those it completes.
     *
     * @return whether it completed the top-level reply
     */
    private boolean valueCompleted() {
        while (depth > 0) {
            int top = depth - 1;
            if (--remaining[top] > 0) {
                return false;
            }
            depth = top;
            if (attribute[top]) {
                // The attribute is done; the value it describes comes next and is what its parent counts.
                return false;
            }
        }
        return true;
    }

    private int completed() {
        int length = position;
        lastType = topLevelType;
        reset();
        return length;
    }

    private void advanceTo(int relativeIndex) {
        position = relativeIndex;
        scanned = relativeIndex;
    }

    private static String describe(byte b) {
        return b >= 0x20 && b < 0x7F
                ? "'" + (char) b + "'"
                : String.format("0x%02x", b & 0xFF);
    }
}
