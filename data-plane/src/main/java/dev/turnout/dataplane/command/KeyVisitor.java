package dev.turnout.dataplane.command;

/** Receives the key arguments found by {@link CommandSpec#forEachKey}, in key-spec order. */
@FunctionalInterface
public interface KeyVisitor {

    /**
     * Called once per key argument.
     *
     * @param argIndex index of the key in the command's arguments (0 is the command name)
     * @param spec the key spec that found it; its flags say how the command uses the key
     */
    void key(int argIndex, KeySpec spec);
}
