package dev.turnout.dataplane.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.Objects;

/**
 * Frames client commands, RESP multibulk or inline, accepting and rejecting exactly what Redis's
 * {@code processMultibulkBuffer} and {@code processInlineBuffer} do. One instance per client connection.
 *
 * <p>The caller accumulates input and calls {@link #parse} until it returns {@code false}, consuming
 * {@link CommandFrame#frameLength()} bytes after each {@code true}:
 * <pre>{@code
 * while (parser.parse(in, frame, alloc)) {
 *     if (frame.argc() > 0) {
 *         handle(frame);
 *     }
 *     in.skipBytes(frame.frameLength());
 * }
 * }</pre>
 * When it returns {@code false} the parser remembers how far it got (the arguments framed so far, and
 * where it stopped scanning for a line end), so the next call, with more bytes appended, resumes
 * instead of starting over; bulk bodies are skipped by length, never scanned. That next call must pass
 * the same {@code frame}, and {@code in.readerIndex()} must again be the start of the command; the bytes
 * may have moved to another buffer in between, as everything kept is relative to that start.
 *
 * <p>Like Redis, a multibulk header line that is not followed by a byte after its {@code '\r'} is
 * incomplete, and the two bytes after a header's {@code '\r'} or after a bulk body are taken as the
 * CRLF without being checked: the proxy must split the stream exactly where Redis would.
 *
 * <p>On a protocol error the parser resets itself and the frame; the connection should reply with the
 * exception's message and close, as Redis does.
 */
public final class RequestParser {

    private static final String INVALID_MULTIBULK_LENGTH = "ERR Protocol error: invalid multibulk length";
    private static final String INVALID_BULK_LENGTH = "ERR Protocol error: invalid bulk length";
    private static final String TOO_BIG_MBULK_COUNT = "ERR Protocol error: too big mbulk count string";
    private static final String TOO_BIG_BULK_COUNT = "ERR Protocol error: too big bulk count string";
    private static final String TOO_BIG_INLINE = "ERR Protocol error: too big inline request";

    private enum State {
        /** Between commands. */
        IDLE,
        /** Reading the {@code *<count>} line. */
        MULTIBULK_COUNT,
        /** Reading a {@code $<length>} line. */
        BULK_LENGTH,
        /** Waiting for a bulk body and its CRLF. */
        BULK_BODY,
        /** Waiting for the end of an inline line. */
        INLINE
    }

    private final ProtocolLimits limits;
    private final InlineArgumentSplitter splitter = new InlineArgumentSplitter();

    private State state = State.IDLE;
    private CommandFrame pendingFrame;
    /** Start of the line or bulk body being read, relative to the start of the command. */
    private int position;
    /** Bytes before this (relative) index hold no line end for the current line. */
    private int scanned;
    private int argsRemaining;
    private int bulkLength;

    /** A parser with Redis's default limits. */
    public RequestParser() {
        this(ProtocolLimits.DEFAULTS);
    }

    public RequestParser(ProtocolLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public ProtocolLimits limits() {
        return limits;
    }

    /**
     * Frames the next command, starting at {@code in.readerIndex()}, into {@code frame}. Does not move
     * {@code readerIndex}.
     *
     * @param alloc allocates the encoding of inline commands
     * @return {@code true} if {@code frame} now describes a whole command; {@code false} if more bytes
     *     are needed
     * @throws RespProtocolException if the input is not a command Redis would accept; its message is
     *     Redis's reply
     */
    public boolean parse(ByteBuf in, CommandFrame frame, ByteBufAllocator alloc) throws RespProtocolException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(frame, "frame");
        Objects.requireNonNull(alloc, "alloc");
        if (state == State.IDLE) {
            if (!in.isReadable()) {
                return false;
            }
            frame.reset();
            pendingFrame = frame;
            position = 0;
            scanned = 0;
            state = in.getByte(in.readerIndex()) == '*' ? State.MULTIBULK_COUNT : State.INLINE;
        } else if (frame != pendingFrame) {
            throw new IllegalStateException("frame: " + frame + " (expected: the frame passed when this command began)");
        }
        try {
            boolean complete = state == State.INLINE ? parseInline(in, frame, alloc) : parseMultibulk(in, frame);
            if (complete) {
                state = State.IDLE;
                pendingFrame = null;
            }
            return complete;
        } catch (RespProtocolException e) {
            reset();
            frame.reset();
            throw e;
        }
    }

    /** Forgets a partly framed command, e.g. when the connection closes. Does not touch the frame. */
    public void reset() {
        state = State.IDLE;
        pendingFrame = null;
        position = 0;
        scanned = 0;
        argsRemaining = 0;
        bulkLength = 0;
    }

    private boolean parseMultibulk(ByteBuf in, CommandFrame frame) throws RespProtocolException {
        int start = in.readerIndex();
        int available = in.readableBytes();
        if (state == State.MULTIBULK_COUNT) {
            int cr = findHeaderEnd(in, start, available, TOO_BIG_MBULK_COUNT);
            if (cr < 0) {
                return false;
            }
            long count;
            try {
                count = RespIntegers.parse(in, start + position + 1, cr - position - 1);
            } catch (NumberFormatException e) {
                throw new RespProtocolException(INVALID_MULTIBULK_LENGTH);
            }
            if (count > limits.maxMultibulkLength()) {
                throw new RespProtocolException(INVALID_MULTIBULK_LENGTH);
            }
            advanceTo(cr + 2);
            if (count <= 0) {
                frame.complete(in, start, position, false);
                return true;
            }
            argsRemaining = (int) count;
            state = State.BULK_LENGTH;
        }
        while (true) {
            if (state == State.BULK_LENGTH) {
                int cr = findHeaderEnd(in, start, available, TOO_BIG_BULK_COUNT);
                if (cr < 0) {
                    return false;
                }
                byte first = in.getByte(start + position);
                if (first != '$') {
                    throw new RespProtocolException("ERR Protocol error: expected '$', got '" + printable(first) + "'");
                }
                long length;
                try {
                    length = RespIntegers.parse(in, start + position + 1, cr - position - 1);
                } catch (NumberFormatException e) {
                    throw new RespProtocolException(INVALID_BULK_LENGTH);
                }
                // A command must also fit in one ByteBuf, whatever the configured limit.
                if (length < 0 || length > limits.maxBulkLength() || cr + 2 + length + 2 > Integer.MAX_VALUE) {
                    throw new RespProtocolException(INVALID_BULK_LENGTH);
                }
                advanceTo(cr + 2);
                bulkLength = (int) length;
                state = State.BULK_BODY;
            }
            if (available - position < bulkLength + 2) {
                return false;
            }
            frame.addArg(position, bulkLength);
            advanceTo(position + bulkLength + 2);
            if (--argsRemaining == 0) {
                frame.complete(in, start, position, false);
                return true;
            }
            state = State.BULK_LENGTH;
        }
    }

    /**
     * Finds the {@code '\r'} ending the header line at {@link #position}, as a relative index, or returns
     * -1 if the line (or the one byte Redis wants after its {@code '\r'}) has not fully arrived. A line
     * longer than the inline limit is an error, whenever its end arrives: Redis decides on whatever
     * happens to be in its buffer, which comes to the same thing once reads are smaller than the limit.
     */
    private int findHeaderEnd(ByteBuf in, int start, int available, String tooBig) throws RespProtocolException {
        long window = Math.min(available, (long) position + limits.maxInlineLength() + 1);
        int cr = scanned < window ? in.indexOf(start + scanned, start + (int) window, (byte) '\r') : -1;
        if (cr < 0) {
            if (available - position > limits.maxInlineLength()) {
                throw new RespProtocolException(tooBig);
            }
            scanned = available;
            return -1;
        }
        cr -= start;
        scanned = cr;
        return cr + 1 < available ? cr : -1;
    }

    private void advanceTo(int relativeIndex) {
        position = relativeIndex;
        scanned = relativeIndex;
    }

    private boolean parseInline(ByteBuf in, CommandFrame frame, ByteBufAllocator alloc) throws RespProtocolException {
        int start = in.readerIndex();
        int available = in.readableBytes();
        long window = Math.min(available, (long) limits.maxInlineLength() + 1);
        int lf = scanned < window ? in.indexOf(start + scanned, start + (int) window, (byte) '\n') : -1;
        if (lf < 0) {
            if (available > limits.maxInlineLength()) {
                throw new RespProtocolException(TOO_BIG_INLINE);
            }
            scanned = available;
            return false;
        }
        int lineEnd = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        int frameLength = lf + 1 - start;

        // First pass: validate and measure, so the encoding is allocated once, at its exact size.
        long encodingLength = 0;
        for (int p = splitter.next(in, start, lineEnd, null); p >= 0; p = splitter.next(in, p, lineEnd, null)) {
            int length = splitter.tokenLength();
            frame.addArg(0, length);
            encodingLength += 1 + RespIntegers.length(length) + 2 + length + 2;
        }
        int argc = frame.argc();
        if (argc == 0) {
            frame.complete(in, start, frameLength, true);
            return true;
        }
        encodingLength += 1 + RespIntegers.length(argc) + 2;
        if (encodingLength > Integer.MAX_VALUE) {
            throw new RespProtocolException(TOO_BIG_INLINE);
        }

        // Second pass: write the multibulk, pointing each argument at its copy.
        ByteBuf encoding = alloc.buffer((int) encodingLength);
        int base = encoding.readerIndex();
        encoding.writeByte('*');
        RespIntegers.write(encoding, argc);
        encoding.writeShort(RespWriter.CRLF_SHORT);
        int p = start;
        for (int i = 0; i < argc; i++) {
            encoding.writeByte('$');
            RespIntegers.write(encoding, frame.argLength(i));
            encoding.writeShort(RespWriter.CRLF_SHORT);
            frame.setArgOffset(i, encoding.writerIndex() - base);
            p = splitter.next(in, p, lineEnd, encoding);
            encoding.writeShort(RespWriter.CRLF_SHORT);
        }
        frame.completeInline(encoding, frameLength);
        return true;
    }

    /** The byte as Redis's {@code %c} shows it once {@code addReplyErrorFormat} has replaced CR and LF. */
    private static char printable(byte b) {
        return b == '\r' || b == '\n' ? ' ' : (char) (b & 0xFF);
    }
}
