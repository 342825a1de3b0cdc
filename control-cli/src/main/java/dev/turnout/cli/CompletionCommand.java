package dev.turnout.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code proxyctl completion}: the bash (and zsh) completion script, generated from the command tree. */
@Command(name = "completion", sortOptions = false,
        description = {"Prints a bash completion script for proxyctl.", "",
                "zsh reads it too, after 'autoload -U bashcompinit; bashcompinit'.", "",
                "This shell only:   source <(proxyctl completion)",
                "Every new shell:   proxyctl completion > ~/.local/share/bash-completion/completions/proxyctl",
                "                   (or /etc/bash_completion.d/proxyctl, as root)", ""})
final class CompletionCommand implements Runnable {

    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    private final Invocation invocation;

    CompletionCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public void run() {
        invocation.print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
    }
}
