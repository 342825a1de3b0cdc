package dev.turnout.cli;

import dev.turnout.v1.ConfigDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code proxyctl config get}: the desired state as YAML, passwords and password hashes masked. */
@Command(name = "get", sortOptions = false,
        description = {"Prints the desired state as YAML.", "",
                "The YAML is the shape 'config apply' takes, after a comment line with its version. Passwords "
                        + "and users' password hashes show as \"******\"; applying them unchanged keeps each route's "
                        + "current password and each user's current hash.", ""},
        footerHeading = "%nWith -o json:%n",
        footer = "  {\"version\": N, \"yaml\": S}")
final class ConfigGetCommand implements Runnable {

    @Mixin
    HelpOption help;

    private final Invocation invocation;

    ConfigGetCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public void run() {
        ConfigDocument config;
        try (AdminClient client = invocation.connect()) {
            config = client.config();
        }
        if (invocation.json()) {
            invocation.printJson(config);
            return;
        }
        invocation.print("# desired state, version " + config.getVersion() + " (to change it: proxyctl config apply -f FILE"
                + " --if-version " + config.getVersion() + ")\n" + config.getYaml());
    }
}
