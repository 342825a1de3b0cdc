package dev.turnout.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code proxyctl upstream}: where a route's commands go. */
@Command(name = "upstream", sortOptions = false,
        description = {"Where a route's commands go: the upstream Redis and its credentials.", ""},
        subcommands = UpstreamSetCommand.class)
final class UpstreamCommand implements Runnable {

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
