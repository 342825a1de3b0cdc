package dev.turnout.cli;

import dev.turnout.v1.SetUserPasswordRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code proxyctl user passwd NAME --password-file FILE}: changes a client user's password. */
@Command(name = "passwd", sortOptions = false,
        description = {"Changes a client user's password.", "",
                "Sets the password of the user NAME, which must exist (else exit 5), as a new version of the "
                        + "desired state; its namespace, commands and limits stay as they are. Once a data plane has "
                        + "the new version, AUTH with the old password gets WRONGPASS there.", ""},
        footerHeading = "%nWith -o json:%n",
        footer = DesiredStateChange.JSON_HELP)
final class UserPasswdCommand implements Runnable {

    @Parameters(index = "0", paramLabel = "NAME", description = "The user.")
    String name;

    @Option(names = "--password-file", paramLabel = "FILE", required = true, order = 1,
            description = UserCommand.PASSWORD_FILE_HELP)
    String passwordFile;

    @Option(names = "--if-version", paramLabel = "N", order = 2,
            description = "Change it only if the current version is N (else exit 5).")
    Long ifVersion;

    @Mixin
    HelpOption help;

    private final Invocation invocation;

    UserPasswdCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public void run() {
        IfVersion condition = IfVersion.of(ifVersion);
        SetUserPasswordRequest request = SetUserPasswordRequest.newBuilder()
                .setName(name)
                .setPasswordHash(PasswordHash.ofFile(invocation, "--password-file", passwordFile))
                .setIfVersion(condition.onTheWire())
                .build();
        DesiredStateChange.run(invocation, condition, client -> client.setUserPassword(request),
                "changed the password of user " + name);
    }
}
