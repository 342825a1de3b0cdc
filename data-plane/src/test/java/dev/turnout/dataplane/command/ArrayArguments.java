package dev.turnout.dataplane.command;

import java.nio.charset.StandardCharsets;

/** Test implementation of {@link CommandArguments} over byte arrays. */
final class ArrayArguments implements CommandArguments {

    private final byte[][] args;

    ArrayArguments(byte[][] args) {
        this.args = args;
    }

    static ArrayArguments of(String... args) {
        byte[][] bytes = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            bytes[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return new ArrayArguments(bytes);
    }

    /** Splits on single spaces: {@code "ZUNIONSTORE d 2 a b"}. */
    static ArrayArguments parse(String command) {
        return of(command.split(" "));
    }

    @Override
    public int argc() {
        return args.length;
    }

    @Override
    public int argLength(int i) {
        return args[i].length;
    }

    @Override
    public byte argByte(int i, int pos) {
        return args[i][pos];
    }

    @Override
    public boolean argEqualsIgnoreCase(int i, byte[] lowerAscii) {
        byte[] arg = args[i];
        if (arg.length != lowerAscii.length) {
            return false;
        }
        for (int pos = 0; pos < arg.length; pos++) {
            byte b = arg[pos];
            if (b >= 'A' && b <= 'Z') {
                b |= 0x20;
            }
            if (b != lowerAscii[pos]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long argAsLong(int i) {
        return Long.parseLong(new String(args[i], StandardCharsets.US_ASCII));
    }

    String arg(int i) {
        return new String(args[i], StandardCharsets.UTF_8);
    }
}
