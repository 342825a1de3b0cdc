package dev.turnout.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code proxyctl config}: the desired state, read ({@code get}) and replaced ({@code apply}). */
@Command(name = "config", sortOptions = false,
        description = {"The desired state of the fleet (listeners, routes, limits, users) as YAML.", "",
                "A change without lost updates:",
                "  proxyctl config get > fleet.yaml     # its first line names the version, N",
                "  (edit fleet.yaml)",
                "  proxyctl config apply -f fleet.yaml --if-version N", ""},
        subcommands = {ConfigGetCommand.class, ConfigApplyCommand.class})
final class ConfigCommand implements Runnable {

    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing a command: "
                + String.join(" or ", ProxyctlCommand.commandNames(spec.commandLine())));
    }
}
