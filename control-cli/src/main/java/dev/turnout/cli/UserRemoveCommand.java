package dev.turnout.cli;

import dev.turnout.v1.RemoveUserRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code proxyctl user remove NAME}: removes a client user. */
@Command(name = "remove", sortOptions = false,
        description = {"Removes a client user.", "",
                "Removes the user NAME, which must exist (else exit 5), as a new version of the desired state. "
                        + "Once a data plane has the new version, AUTH as that user fails there.", ""},
        footerHeading = "%nWith -o json:%n",
        footer = DesiredStateChange.JSON_HELP)
final class UserRemoveCommand implements Runnable {

    @Parameters(index = "0", paramLabel = "NAME", description = "The user.")
    String name;

    @Option(names = "--if-version", paramLabel = "N", order = 1,
            description = "Change it only if the current version is N (else exit 5).")
    Long ifVersion;

    @Mixin
    HelpOption help;

    private final Invocation invocation;

    UserRemoveCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public void run() {
        IfVersion condition = IfVersion.of(ifVersion);
        RemoveUserRequest request = RemoveUserRequest.newBuilder()
                .setName(name)
                .setIfVersion(condition.onTheWire())
                .build();
        DesiredStateChange.run(invocation, condition, client -> client.removeUser(request), "removed user " + name);
    }
}
