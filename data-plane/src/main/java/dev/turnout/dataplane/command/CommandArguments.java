package dev.turnout.dataplane.command;

/**
 * Read access to the arguments of one command, as the client sent them, without copying them.
 * Argument 0 is the command name. The RESP frame implements this; key extraction and subcommand
 * lookup read it.
 */
public interface CommandArguments {

    /** Number of arguments, the command name included. */
    int argc();

    /** Length in bytes of argument {@code i}. */
    int argLength(int i);

    /** Byte {@code pos} of argument {@code i}. */
    byte argByte(int i, int pos);

    /**
     * Whether argument {@code i} equals {@code lowerAscii} ignoring ASCII case; {@code lowerAscii}
     * must already be lower case.
     */
    boolean argEqualsIgnoreCase(int i, byte[] lowerAscii);

    /**
     * Argument {@code i} as a signed decimal integer.
     *
     * @throws NumberFormatException if the argument is not one
     */
    long argAsLong(int i);
}
