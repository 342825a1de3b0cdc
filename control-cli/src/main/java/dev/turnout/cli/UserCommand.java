package dev.turnout.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code proxyctl user}: the clients the data planes authenticate themselves. */
@Command(name = "user", sortOptions = false,
        description = {"Client users: who may connect through the data planes, in which namespace, with which "
                + "commands and limits.", "",
                "Each change is a new version of the desired state, pushed to every data plane. Passwords are read "
                        + "from a file on this machine and only their SHA-256 is sent; no command prints a password "
                        + "or its hash ('config get' shows \"******\").", ""},
        subcommands = {UserAddCommand.class, UserListCommand.class, UserRemoveCommand.class, UserPasswdCommand.class})
final class UserCommand implements Runnable {

    /** The --password-file option's description, the same for add and passwd. */
    static final String PASSWORD_FILE_HELP = "File holding the password: its bytes, less one trailing newline "
            + "(\\n or \\r\\n); - reads standard input. Only its SHA-256 is sent.";

    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing a command: "
                + String.join(", ", ProxyctlCommand.commandNames(spec.commandLine())));
    }
}
