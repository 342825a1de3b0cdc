package dev.turnout.cli;

import dev.turnout.v1.PutUserMode;
import dev.turnout.v1.PutUserRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code proxyctl user add NAME --password-file FILE}: adds a client user. */
@Command(name = "add", sortOptions = false,
        description = {"Adds a client user.", "",
                "Adds the user NAME, who then authenticates with AUTH NAME PASSWORD (the user 'default' also with "
                        + "AUTH PASSWORD), as a new version of the desired state, pushed to every data plane. A user "
                        + "of that name must not exist (else exit 5; 'user passwd' changes a password).", ""},
        footerHeading = "%nWith -o json:%n",
        footer = DesiredStateChange.JSON_HELP)
final class UserAddCommand implements Runnable {

    @Parameters(index = "0", paramLabel = "NAME", description = "The user's name: printable ASCII, no spaces.")
    String name;

    @Option(names = "--password-file", paramLabel = "FILE", required = true, order = 1,
            description = UserCommand.PASSWORD_FILE_HELP)
    String passwordFile;

    @Option(names = "--namespace", paramLabel = "PREFIX", order = 2,
            description = "Key prefix of the user's namespace (default: NAME:); \"\" for none: an admin user, "
                    + "who sees every key.")
    String namespace;

    @Option(names = "--commands", paramLabel = "RULES", order = 3,
            description = "Allowed commands in Redis ACL syntax (default: +@all), e.g. '+@all -@dangerous'.")
    String commands;

    @Option(names = "--max-connections", paramLabel = "N", order = 4,
            description = "Connections at once (default: 0, no limit).")
    Integer maxConnections;

    @Option(names = "--rate-limit", paramLabel = "N", order = 5,
            description = "Commands per second (default: 0, no limit).")
    Integer rateLimit;

    @Option(names = "--if-version", paramLabel = "N", order = 6,
            description = "Change it only if the current version is N (else exit 5).")
    Long ifVersion;

    @Mixin
    HelpOption help;

    private final Invocation invocation;

    UserAddCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public void run() {
        IfVersion condition = IfVersion.of(ifVersion);
        PutUserRequest.Builder request = PutUserRequest.newBuilder()
                .setName(name)
                .setPasswordHash(PasswordHash.ofFile(invocation, "--password-file", passwordFile))
                .setMode(PutUserMode.MUST_BE_NEW)
                .setIfVersion(condition.onTheWire());
        if (namespace != null) {
            request.setNamespace(namespace);
        }
        if (commands != null) {
            request.setCommands(commands);
        }
        if (maxConnections != null) {
            request.setMaxConnections(maxConnections);
        }
        if (rateLimit != null) {
            request.setRateLimit(rateLimit);
        }
        DesiredStateChange.run(invocation, condition, client -> client.putUser(request.build()), "added user " + name);
    }
}
