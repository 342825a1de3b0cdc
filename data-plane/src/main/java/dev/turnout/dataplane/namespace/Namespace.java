package dev.turnout.dataplane.namespace;

import dev.turnout.dataplane.resp.CommandFrame;
import dev.turnout.dataplane.resp.RespWriter;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The key prefix of one tenant, say {@code "alice:"}: {@code user:1} is {@code alice:user:1} upstream. A hashtag in
 * the client's key stays intact ({@code alice:{user}:1} hashes on {@code user}), so the prefix itself holds no
 * braces (the configuration refuses them). In a glob pattern the prefix is escaped, so a prefix with {@code *} or
 * {@code ?} in it still matches only itself.
 */
public final class Namespace {

    private final String text;
    private final byte[] prefix;
    private final byte[] patternPrefix;

    private Namespace(String text) {
        this.text = text;
        this.prefix = text.getBytes(StandardCharsets.UTF_8);
        this.patternPrefix = escapeGlob(prefix);
    }

    /** The namespace {@code prefix}, or null for {@code ""} (no namespace: an admin user). */
    public static Namespace of(String prefix) {
        return prefix == null || prefix.isEmpty() ? null : new Namespace(prefix);
    }

    /** The prefix's bytes (a copy). */
    public byte[] prefix() {
        return prefix.clone();
    }

    /** How many bytes the prefix has. */
    public int length() {
        return prefix.length;
    }

    /** The prefix's bytes, not copied: for writers in this package, which must not change them. */
    byte[] keyPrefix() {
        return prefix;
    }

    /** The prefix escaped for a glob pattern, not copied: for writers in this package. */
    byte[] patternPrefix() {
        return patternPrefix;
    }

    /** How many bytes the longer of the prefix and its glob-escaped form has. */
    int longestPrefix() {
        return patternPrefix.length;
    }

    /** The glob pattern matching every name in the namespace: the escaped prefix, then {@code *}. */
    public byte[] everything() {
        byte[] all = Arrays.copyOf(patternPrefix, patternPrefix.length + 1);
        all[patternPrefix.length] = '*';
        return all;
    }

    /** {@code name} with the prefix in front. */
    public byte[] prefixed(byte[] name) {
        byte[] out = Arrays.copyOf(prefix, prefix.length + name.length);
        System.arraycopy(name, 0, out, prefix.length, name.length);
        return out;
    }

    /** Whether the {@code length} bytes of {@code buf} at {@code index} begin with the prefix. */
    public boolean isPrefixOf(ByteBuf buf, int index, int length) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (buf.getByte(index + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Writes argument {@code i} of {@code frame} as a bulk string, with {@code before} in front of it. */
    static void writeBulk(ByteBuf out, byte[] before, CommandFrame frame, int i) {
        int length = frame.argLength(i);
        RespWriter.bulkHeader(out, before.length + length);
        out.writeBytes(before);
        frame.copyArg(i, out);
        out.writeShort(CRLF);
    }

    /** Writes argument {@code i} as a key: the prefix, then the client's bytes. */
    void writeKey(ByteBuf out, CommandFrame frame, int i) {
        writeBulk(out, prefix, frame, i);
    }

    /** Writes argument {@code i} as a glob pattern: the escaped prefix, then the client's pattern. */
    void writePattern(ByteBuf out, CommandFrame frame, int i) {
        writeBulk(out, patternPrefix, frame, i);
    }

    static final short CRLF = ('\r' << 8) | '\n';

    private static byte[] escapeGlob(byte[] prefix) {
        int special = 0;
        for (byte b : prefix) {
            if (isGlobSpecial(b)) {
                special++;
            }
        }
        byte[] out = new byte[prefix.length + special];
        int j = 0;
        for (byte b : prefix) {
            if (isGlobSpecial(b)) {
                out[j++] = '\\';
            }
            out[j++] = b;
        }
        return out;
    }

    /** Whether {@code c} has a meaning in a Redis glob pattern (KEYS, SCAN MATCH, SORT BY/GET, ACL key patterns). */
    public static boolean isGlobSpecial(int c) {
        return c == '*' || c == '?' || c == '[' || c == ']' || c == '\\';
    }

    @Override
    public String toString() {
        return "namespace '" + text + "'";
    }
}
