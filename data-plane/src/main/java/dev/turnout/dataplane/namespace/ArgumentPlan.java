package dev.turnout.dataplane.namespace;

import dev.turnout.dataplane.resp.CommandFrame;
import io.netty.buffer.ByteBuf;
import dev.turnout.dataplane.command.KeySpec;
import dev.turnout.dataplane.command.KeyVisitor;
import dev.turnout.dataplane.resp.RespWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one command becomes in a namespace, as {@link NamespaceRules#plan} decided: which arguments take the prefix
 * (as a key or channel, or as a glob pattern), which arguments the proxy adds (a SCAN without MATCH gets
 * {@code MATCH alice:*}), the shape of its reply, or why it is refused. One per session, refilled per command:
 * confined to the session's event loop.
 */
public final class ArgumentPlan implements KeyVisitor {

    static final byte KEEP = 0;
    static final byte NAME = 1;
    static final byte PATTERN = 2;

    private byte[] kinds = new byte[16];
    private int argc;
    private boolean rewrites;
    // How many arguments take a prefix: bounds how much longer than the client's the command becomes.
    private int renamed;
    // The last renamed argument's new bulk header and prefix, and what they were made for: keys of one length in a
    // row (the common case) reuse them.
    private byte[] header = new byte[0];
    private int headerSize;
    private byte[] headerPrefix;
    private int headerArgumentLength = -1;
    private final List<byte[]> appended = new ArrayList<>(2);
    private String refusal;
    private ReplyShape shape;
    private KeyspaceOperation operation;

    void reset(int argc) {
        if (kinds.length < argc) {
            kinds = new byte[Math.max(argc, kinds.length * 2)];
        } else {
            Arrays.fill(kinds, 0, this.argc, KEEP);
        }
        this.argc = argc;
        rewrites = false;
        renamed = 0;
        appended.clear();
        refusal = null;
        shape = null;
        operation = null;
    }

    /** Argument {@code i} is a key or a channel: it takes the prefix. */
    void name(int i) {
        renamed += kinds[i] == KEEP ? 1 : 0;
        kinds[i] = NAME;
        rewrites = true;
    }

    /** A key found by the command's key specs: it takes the prefix. */
    @Override
    public void key(int argIndex, KeySpec spec) {
        name(argIndex);
    }

    /** Argument {@code i} is a glob pattern over keys or channels: it takes the escaped prefix. */
    void pattern(int i) {
        renamed += kinds[i] == KEEP ? 1 : 0;
        kinds[i] = PATTERN;
        rewrites = true;
    }

    /** Stands for the glob pattern matching the whole namespace in {@link #append}: {@code alice:*}. */
    static final byte[] EVERYTHING = new byte[0];
    /** Stands for the namespace's prefix itself in {@link #append}. */
    static final byte[] NAMESPACE_PREFIX = new byte[0];

    /**
     * The proxy adds {@code argument} (final bytes, or {@link #EVERYTHING} or {@link #NAMESPACE_PREFIX}) after the
     * client's arguments.
     */
    void append(byte[] argument) {
        appended.add(argument);
        rewrites = true;
    }

    void refuse(String reason) {
        refusal = reason;
    }

    void operation(KeyspaceOperation keyspaceOperation) {
        operation = keyspaceOperation;
    }

    /** The keyspace walk the proxy runs instead of forwarding the command, or null. */
    public KeyspaceOperation operation() {
        return operation;
    }

    void shape(ReplyShape replyShape) {
        shape = replyShape;
    }

    /** Why the command is refused (the text of a {@code -NOPERM} error), or null. */
    public String refusal() {
        return refusal;
    }

    /** How the reply's names lose the prefix, or null when the reply has none. */
    public ReplyShape replyShape() {
        return shape;
    }

    /** Whether the command must be written anew; when false, the client's bytes can go upstream as they are. */
    public boolean rewrites() {
        return rewrites;
    }

    /** Writes the command of {@code frame} as this plan says, as a RESP multibulk. */
    public void write(CommandFrame frame, Namespace namespace, ByteBuf out) {
        if (!appended.isEmpty() || kinds[0] != KEEP) {
            writeEachArgument(frame, namespace, out);
            return;
        }
        // The command in frame.source() is canonical RESP (the parser takes lengths without sign or leading zero,
        // and an inline command is re-encoded): "*argc", then per argument "$length", its bytes, CRLF. With no
        // argument added only a renamed argument's header and prefix are new; whatever lies between two renamed
        // arguments (one's bytes and CRLF, the kept arguments' headers, bytes and CRLFs, up to the next one's
        // header) goes as it is, in one copy. A command that fits is assembled in RewriteArrays and written at once.
        int base = frame.base();
        int length = argumentEnd(frame, argc - 1);
        long longest = longestWrite(frame, namespace);
        if (longest <= 2 * RewriteArrays.MAX_COMMAND && length <= RewriteArrays.MAX_COMMAND) {
            RewriteArrays arrays = RewriteArrays.get();
            byte[] in = arrays.in;
            byte[] staged = arrays.out;
            frame.source().getBytes(base, in, 0, length);
            int copied = 0;
            int written = 0;
            for (int i = 1; i < argc; i++) {
                if (kinds[i] != KEEP) {
                    int headerStart = argumentEnd(frame, i - 1);
                    System.arraycopy(in, copied, staged, written, headerStart - copied);
                    written += headerStart - copied;
                    int size = header(prefix(namespace, i), frame.argLength(i));
                    System.arraycopy(header, 0, staged, written, size);
                    written += size;
                    copied = frame.argOffset(i);
                }
            }
            System.arraycopy(in, copied, staged, written, length - copied);
            out.writeBytes(staged, 0, written + length - copied);
            return;
        }
        // A long command: its runs are copied straight from the client's buffer, each header through this.header.
        ByteBuf source = frame.source();
        out.ensureWritable((int) Math.min(longest, Integer.MAX_VALUE - 64));
        int copied = 0;
        for (int i = 1; i < argc; i++) {
            if (kinds[i] != KEEP) {
                int headerStart = argumentEnd(frame, i - 1);
                out.writeBytes(source, base + copied, headerStart - copied);
                int size = header(prefix(namespace, i), frame.argLength(i));
                out.writeBytes(header, 0, size);
                copied = frame.argOffset(i);
            }
        }
        out.writeBytes(source, base + copied, length - copied);
    }

    /**
     * At most how many bytes {@link #write} takes for {@code frame} (which this plan is for): the room to make before
     * writing it. Each renamed argument grows by its prefix and the digits that adds to its length.
     */
    public int longestWrite(CommandFrame frame, Namespace namespace) {
        long longest = argumentEnd(frame, argc - 1) + (long) renamed * (namespace.longestPrefix() + 10);
        for (int i = 0; i < appended.size(); i++) {
            // Its header and CRLF, and a digit more in the array's header.
            longest += 16 + (appended.get(i) == NAMESPACE_PREFIX ? namespace.length()
                    : appended.get(i) == EVERYTHING ? namespace.longestPrefix() + 1 : appended.get(i).length);
        }
        // Capped well below the largest buffer, so that callers may add headroom (no buffer holds such a command).
        return (int) Math.min(longest, Integer.MAX_VALUE - (1 << 20));
    }

    /** Where argument {@code i}'s CRLF ends, relative to the frame's base: the next argument's header begins there. */
    private static int argumentEnd(CommandFrame frame, int i) {
        return frame.argOffset(i) + frame.argLength(i) + 2;
    }

    private byte[] prefix(Namespace namespace, int i) {
        return kinds[i] == NAME ? namespace.keyPrefix() : namespace.patternPrefix();
    }

    /**
     * Makes {@link #header} hold {@code $<length + prefix>} CRLF, then {@code prefix} (what a renamed argument's bytes
     * follow); returns how many bytes that is.
     */
    private int header(byte[] prefix, int argumentLength) {
        if (prefix == headerPrefix && argumentLength == headerArgumentLength) {
            return headerSize;
        }
        if (header.length < prefix.length + 13) {
            header = new byte[prefix.length + 13];
        }
        int length = argumentLength + prefix.length;
        int digits = 1;
        for (int rest = length; rest >= 10; rest /= 10) {
            digits++;
        }
        header[0] = '$';
        for (int at = digits; at > 0; at--, length /= 10) {
            header[at] = (byte) ('0' + length % 10);
        }
        header[digits + 1] = '\r';
        header[digits + 2] = '\n';
        System.arraycopy(prefix, 0, header, digits + 3, prefix.length);
        headerPrefix = prefix;
        headerArgumentLength = argumentLength;
        headerSize = digits + 3 + prefix.length;
        return headerSize;
    }

    /** Writes every argument anew, then the added ones: for the few commands the proxy adds arguments to. */
    private void writeEachArgument(CommandFrame frame, Namespace namespace, ByteBuf out) {
        RespWriter.arrayHeader(out, argc + appended.size());
        for (int i = 0; i < argc; i++) {
            switch (kinds[i]) {
                case NAME -> namespace.writeKey(out, frame, i);
                case PATTERN -> namespace.writePattern(out, frame, i);
                default -> Namespace.writeBulk(out, EMPTY, frame, i);
            }
        }
        for (int i = 0; i < appended.size(); i++) {
            byte[] added = appended.get(i);
            byte[] argument = added == EVERYTHING ? namespace.everything()
                    : added == NAMESPACE_PREFIX ? namespace.prefix() : added;
            RespWriter.bulk(out, argument);
        }
    }

    private static final byte[] EMPTY = new byte[0];
}
