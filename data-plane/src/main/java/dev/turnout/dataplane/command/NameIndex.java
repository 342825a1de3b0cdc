package dev.turnout.dataplane.command;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Immutable open-addressing hash table from an ASCII name (matched ignoring case) to a
 * {@link CommandSpec}. Lookups read the name's bytes in place, from a {@link ByteBuf} or a
 * {@link CommandArguments}, and allocate nothing.
 */
final class NameIndex {

    private static final int FNV_OFFSET = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;

    static final NameIndex EMPTY = new NameIndex(List.of(), List.of());

    private final byte[][] names;
    private final int[] hashes;
    private final CommandSpec[] specs;
    private final int mask;
    private final int maxLength;

    /**
     * @param names lower-case ASCII names, unique
     * @param values the spec for each name, same order
     */
    NameIndex(List<String> names, List<CommandSpec> values) {
        if (names.size() != values.size()) {
            throw new IllegalArgumentException("names: " + names.size() + " (expected: " + values.size() + ")");
        }
        int capacity = Integer.highestOneBit(Math.max(4, names.size()) * 2 - 1) << 1; // load <= 0.5
        this.names = new byte[capacity][];
        this.hashes = new int[capacity];
        this.specs = new CommandSpec[capacity];
        this.mask = capacity - 1;
        int longest = 0;
        for (int n = 0; n < names.size(); n++) {
            String name = names.get(n);
            byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
            for (byte b : bytes) {
                if (b >= 'A' && b <= 'Z' || b < 0x21 || b > 0x7e) {
                    throw new IllegalArgumentException("name: \"" + name + "\" (expected: printable lower-case ASCII)");
                }
            }
            int hash = finish(hashBytes(bytes), bytes.length);
            int slot = hash & mask;
            while (this.names[slot] != null) {
                if (Arrays.equals(this.names[slot], bytes)) {
                    throw new IllegalArgumentException("name: \"" + name + "\" (expected: unique)");
                }
                slot = (slot + 1) & mask;
            }
            this.names[slot] = bytes;
            this.hashes[slot] = hash;
            this.specs[slot] = values.get(n);
            longest = Math.max(longest, bytes.length);
        }
        this.maxLength = longest;
    }

    /** The spec whose name equals {@code length} bytes of {@code buf} at absolute {@code index}, or null. */
    CommandSpec find(ByteBuf buf, int index, int length) {
        if (length < 1 || length > maxLength) {
            return null;
        }
        int h = FNV_OFFSET;
        for (int i = 0; i < length; i++) {
            h = (h ^ fold(buf.getByte(index + i))) * FNV_PRIME;
        }
        int hash = finish(h, length);
        for (int slot = hash & mask; names[slot] != null; slot = (slot + 1) & mask) {
            if (hashes[slot] == hash && matches(names[slot], buf, index, length)) {
                return specs[slot];
            }
        }
        return null;
    }

    /** The spec whose name equals argument {@code i} of {@code args}, or null. */
    CommandSpec find(CommandArguments args, int i) {
        if (i < 0 || i >= args.argc()) {
            return null;
        }
        int length = args.argLength(i);
        if (length < 1 || length > maxLength) {
            return null;
        }
        int h = FNV_OFFSET;
        for (int pos = 0; pos < length; pos++) {
            h = (h ^ fold(args.argByte(i, pos))) * FNV_PRIME;
        }
        int hash = finish(h, length);
        for (int slot = hash & mask; names[slot] != null; slot = (slot + 1) & mask) {
            if (hashes[slot] == hash && names[slot].length == length && args.argEqualsIgnoreCase(i, names[slot])) {
                return specs[slot];
            }
        }
        return null;
    }

    private static int hashBytes(byte[] lower) {
        int h = FNV_OFFSET;
        for (byte b : lower) {
            h = (h ^ fold(b)) * FNV_PRIME;
        }
        return h;
    }

    /** Mixes the length in and spreads the bits (murmur3 finalizer) so masking keeps them useful. */
    private static int finish(int h, int length) {
        h ^= length;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /** ASCII upper case to lower case; every other byte unchanged. */
    private static int fold(byte b) {
        return b >= 'A' && b <= 'Z' ? b | 0x20 : b & 0xff;
    }

    private static boolean matches(byte[] lower, ByteBuf buf, int index, int length) {
        if (lower.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (fold(buf.getByte(index + i)) != lower[i]) {
                return false;
            }
        }
        return true;
    }
}
