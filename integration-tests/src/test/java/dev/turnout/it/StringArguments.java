package dev.turnout.it;

import dev.turnout.dataplane.command.CommandArguments;
import java.nio.charset.StandardCharsets;

/** A command's arguments as strings, for asking the command table and namespace rules about them in tests. */
record StringArguments(String... args) implements CommandArguments {

    @Override
    public int argc() {
        return args.length;
    }

    @Override
    public int argLength(int i) {
        return bytes(i).length;
    }

    @Override
    public byte argByte(int i, int pos) {
        return bytes(i)[pos];
    }

    @Override
    public boolean argEqualsIgnoreCase(int i, byte[] lowerAscii) {
        return new String(bytes(i), StandardCharsets.UTF_8).equalsIgnoreCase(new String(lowerAscii, StandardCharsets.US_ASCII));
    }

    @Override
    public long argAsLong(int i) {
        return Long.parseLong(args[i]);
    }

    private byte[] bytes(int i) {
        return args[i].getBytes(StandardCharsets.UTF_8);
    }
}
