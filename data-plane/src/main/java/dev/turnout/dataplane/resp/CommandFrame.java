package dev.turnout.dataplane.resp;

import dev.turnout.dataplane.command.CommandArguments;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One client command framed by {@link RequestParser}: a mutable flyweight that the parser fills and
 * refills, one per connection, so framing allocates nothing per command.
 *
 * <h2>Where the arguments are</h2>
 * Every argument is a run of bytes in {@link #source()}: argument {@code i} starts at absolute index
 * {@code base() + argOffset(i)} and is {@code argLength(i)} bytes long.
 * <ul>
 *   <li><b>Multibulk</b> ({@code inline() == false}): {@code source()} is the input buffer and {@code base()}
 *       the {@code readerIndex} at which the command began, so the arguments are the client's own bytes
 *       and {@link #argOffset} is relative to the start of the command. The command is the
 *       {@link #frameLength()} bytes from {@code base()}; take a retained slice of them before consuming
 *       if they must outlive the input buffer.</li>
 *   <li><b>Inline</b> ({@code inline() == true}, {@code argc() > 0}): the arguments were unquoted and
 *       unescaped, so they cannot point into the input. The parser re-encodes the command as a RESP
 *       multibulk into a new buffer owned by this frame, {@link #inlineEncoding()}; {@code source()} is
 *       that buffer and {@code base()} its {@code readerIndex}, so {@link #argOffset} is relative to the
 *       start of the encoding. Forward the encoding instead of the client's line.
 *       {@link #takeInlineEncoding()} hands it (and the duty to release it) to the caller; otherwise the
 *       frame releases it on {@link #reset()}, which the parser calls when the next command begins.</li>
 * </ul>
 * Either way {@link #frameLength()} is how many input bytes the command took, CRLFs included: what the
 * caller consumes.
 *
 * <h2>Commands with no arguments</h2>
 * {@code argc() == 0} means there is nothing to execute: a blank or all-space inline line, or a
 * multibulk count {@code <= 0} ({@code *0}, {@code *-1}), which Redis silently skips. Consume
 * {@link #frameLength()} bytes and parse again.
 *
 * <p>Accessors are meaningful only after {@link RequestParser#parse} returned {@code true} and until the
 * next call with this frame. Not thread-safe: it belongs to its connection's event loop.
 */
public final class CommandFrame implements CommandArguments {

    private static final int INITIAL_CAPACITY = 16;
    /** Arrays grown past this by a huge command are dropped on reset rather than kept per connection. */
    private static final int RETAINED_CAPACITY = 4096;

    private int[] offsets = new int[INITIAL_CAPACITY];
    private int[] lengths = new int[INITIAL_CAPACITY];
    private int argc;
    private int frameLength;
    private boolean inline;
    private ByteBuf source;
    private int base;
    private ByteBuf inlineEncoding;

    /** How many arguments the command has, the command name included. */
    @Override
    public int argc() {
        return argc;
    }

    /** Where argument {@code i} starts, relative to {@link #base()} in {@link #source()}. */
    public int argOffset(int i) {
        return offsets[Objects.checkIndex(i, argc)];
    }

    /** How many bytes argument {@code i} has. */
    @Override
    public int argLength(int i) {
        return lengths[Objects.checkIndex(i, argc)];
    }

    /** How many input bytes the command took, every CRLF included. */
    public int frameLength() {
        return frameLength;
    }

    /** Whether the client sent the command inline (a plain text line) rather than as a multibulk. */
    public boolean inline() {
        return inline;
    }

    /** The buffer the argument offsets refer to: the input for a multibulk, the encoding for inline. */
    public ByteBuf source() {
        return source;
    }

    /** The absolute index in {@link #source()} that argument offsets are relative to. */
    public int base() {
        return base;
    }

    /**
     * The RESP multibulk encoding of an inline command, still owned by this frame; {@code null} for a
     * multibulk command, for an inline line without arguments and once taken.
     */
    public ByteBuf inlineEncoding() {
        return inlineEncoding;
    }

    /**
     * Hands the inline encoding to the caller, who must release it; {@code null} when there is none.
     * {@link #source()} keeps pointing at it, so the argument accessors work while the caller holds it.
     */
    public ByteBuf takeInlineEncoding() {
        ByteBuf taken = inlineEncoding;
        inlineEncoding = null;
        return taken;
    }

    /** Byte {@code pos} of argument {@code i}. */
    @Override
    public byte argByte(int i, int pos) {
        return source.getByte(base + argOffset(i) + Objects.checkIndex(pos, lengths[i]));
    }

    /**
     * Whether argument {@code i} equals {@code lowerAscii} ignoring ASCII case, e.g. {@code "get"} for
     * {@code GET}. {@code lowerAscii} must be lower case.
     */
    @Override
    public boolean argEqualsIgnoreCase(int i, byte[] lowerAscii) {
        int length = argLength(i);
        if (length != lowerAscii.length) {
            return false;
        }
        int start = base + offsets[i];
        for (int j = 0; j < length; j++) {
            byte b = source.getByte(start + j);
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lowerAscii[j]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Argument {@code i} as an integer, in Redis's strict syntax (no {@code '+'}, spaces or leading zeros).
     *
     * @throws NumberFormatException if it is not one
     */
    @Override
    public long argAsLong(int i) {
        return RespIntegers.parse(source, base + argOffset(i), lengths[i]);
    }

    /** Argument {@code i} decoded as UTF-8. Allocates: for slow paths and logs only. */
    public String argAsString(int i) {
        return source.toString(base + argOffset(i), lengths[i], StandardCharsets.UTF_8);
    }

    /** A copy of argument {@code i}'s bytes. Allocates: for slow paths only. */
    public byte[] argBytes(int i) {
        byte[] bytes = new byte[lengths[i]];
        source.getBytes(base + argOffset(i), bytes);
        return bytes;
    }

    /** Appends argument {@code i}'s bytes to {@code dst}. */
    public void copyArg(int i, ByteBuf dst) {
        dst.writeBytes(source, base + argOffset(i), lengths[i]);
    }

    /** Forgets the command and releases the inline encoding if the caller has not taken it. */
    public void reset() {
        ByteBuf encoding = inlineEncoding;
        inlineEncoding = null;
        source = null;
        base = 0;
        argc = 0;
        frameLength = 0;
        inline = false;
        if (offsets.length > RETAINED_CAPACITY) {
            offsets = new int[INITIAL_CAPACITY];
            lengths = new int[INITIAL_CAPACITY];
        }
        if (encoding != null) {
            encoding.release();
        }
    }

    @Override
    public String toString() {
        return "CommandFrame(argc: " + argc + ", frameLength: " + frameLength + ", inline: " + inline + ')';
    }

    // Filled by RequestParser.

    void addArg(int offset, int length) {
        if (argc == offsets.length) {
            int capacity = offsets.length * 2;
            offsets = Arrays.copyOf(offsets, capacity);
            lengths = Arrays.copyOf(lengths, capacity);
        }
        offsets[argc] = offset;
        lengths[argc] = length;
        argc++;
    }

    void setArgOffset(int i, int offset) {
        offsets[i] = offset;
    }

    void complete(ByteBuf source, int base, int frameLength, boolean inline) {
        this.source = source;
        this.base = base;
        this.frameLength = frameLength;
        this.inline = inline;
    }

    void completeInline(ByteBuf encoding, int frameLength) {
        this.inlineEncoding = encoding;
        complete(encoding, encoding.readerIndex(), frameLength, true);
    }
}
