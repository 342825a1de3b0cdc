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
        appended.clear();
        refusal = null;
        shape = null;
        operation = null;
    }

    /** Argument {@code i} is a key or a channel: it takes the prefix. */
    void name(int i) {
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
        RespWriter.arrayHeader(out, argc + appended.size());
        for (int i = 0; i < argc; i++) {
            switch (kinds[i]) {
                case NAME -> namespace.writeKey(out, frame, i);
                case PATTERN -> namespace.writePattern(out, frame, i);
                default -> Namespace.writeBulk(out, EMPTY, frame, i);
            }
        }
        for (byte[] added : appended) {
            byte[] argument = added == EVERYTHING ? namespace.everything()
                    : added == NAMESPACE_PREFIX ? namespace.prefix() : added;
            RespWriter.bulk(out, argument);
        }
    }

    private static final byte[] EMPTY = new byte[0];
}
