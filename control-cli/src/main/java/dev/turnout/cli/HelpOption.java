package dev.turnout.cli;

import picocli.CommandLine.Option;

/** {@code -h, --help} on a subcommand (the top command has {@code --version} too). */
final class HelpOption {

    @Option(names = {"-h", "--help"}, usageHelp = true, order = 200, description = "Show this help and exit.")
    boolean help;
}
