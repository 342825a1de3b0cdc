package dev.turnout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** --help on every level lists the exit codes; --version; completion prints a bash script. */
class HelpAndCompletionTest {

    private final ProxyctlRunner proxyctl = new ProxyctlRunner();

    @AfterEach
    void close() {
        proxyctl.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "status", "dataplanes", "config", "config get", "config apply", "upstream",
            "upstream set", "log-level", "completion"})
    void helpOnEveryLevelListsTheExitCodes(String command) {
        String[] args = (command + " --help").trim().split(" ");

        ProxyctlRunner.Result result = proxyctl.run(args);

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).startsWith("Usage: proxyctl " + command)
                .contains("--control-plane=HOST:PORT", "--token-file=FILE", "--output=FORMAT", "--timeout=DURATION")
                .contains("Exit codes:");
        for (ExitCode code : ExitCode.values()) {
            assertThat(result.out()).containsPattern("(?m)^  " + code.code() + " +" + java.util.regex.Pattern.quote(code.meaning().substring(0, Math.min(20, code.meaning().length()))));
        }
        assertThat(proxyctl.dialled).isEmpty();
    }

    @Test
    void topLevelHelpNamesTheEnvironmentAndTheCommands() {
        ProxyctlRunner.Result result = proxyctl.run("--help");

        assertThat(result.out()).contains("TURNOUT_CONTROL_PLANE", "TURNOUT_TOKEN", "source <(proxyctl completion)")
                .containsPattern("(?m)^  status +The fleet at a glance")
                .containsPattern("(?m)^  completion +Prints a bash completion script");
    }

    @Test
    void helpCommand() {
        ProxyctlRunner.Result result = proxyctl.run("help", "upstream");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("Usage: proxyctl upstream").contains("Exit codes:");
    }

    @Test
    void jsonShapesAreInTheHelp() {
        assertThat(proxyctl.run("status", "--help").out()).contains("{\"desiredVersion\": N, \"dataPlanes\": [DATAPLANE...]}");
        assertThat(proxyctl.run("config", "get", "--help").out()).contains("{\"version\": N, \"yaml\": S}");
        assertThat(proxyctl.run("log-level", "--help").out()).contains("{\"dataPlanes\": N}");
    }

    @Test
    void version() {
        ProxyctlRunner.Result result = proxyctl.run("--version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).matches("proxyctl \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(API dev\\.turnout\\.v1, Java \\d+\\)\n");
    }

    @Test
    void completionPrintsABashScriptForTheWholeTree() {
        ProxyctlRunner.Result result = proxyctl.run("completion");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).startsWith("#!/usr/bin/env bash")
                .contains("complete -F _complete_proxyctl")
                .contains("status", "dataplanes", "log-level", "--if-version", "--password-file", "--control-plane")
                .contains("(\"table\" \"json\")");
        assertThat(proxyctl.dialled).isEmpty();
    }
}
