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
            "upstream set", "user", "user add", "user list", "user remove", "user passwd", "pause", "resume", "switch",
            "history", "log-level", "completion"})
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
                .containsPattern("(?m)^  pause +Pauses traffic on every data plane")
                .containsPattern("(?m)^  resume +Resumes traffic on every data plane")
                .containsPattern("(?m)^  switch +Moves a route's clients to another Redis")
                .containsPattern("(?m)^  history +Lists past switches")
                .containsPattern("(?m)^  completion +Prints a bash completion script");
    }

    @Test
    void helpCommand() {
        ProxyctlRunner.Result result = proxyctl.run("help", "upstream");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("Usage: proxyctl upstream").contains("Exit codes:");
    }

    @Test
    void theExitCodesAreThoseOfTheDesign() {
        // PAUSE_SWITCH.md: 0 done; 1 the operation failed and was rolled back; 2 usage error; 3 control plane
        // unreachable or unauthorised; 4 timed out (and rolled back); 5 precondition not met (target unreachable,
        // replica lagging).
        ProxyctlRunner.Result result = proxyctl.run("switch", "--help");

        assertThat(result.out()).containsPattern("(?m)^  0 +done$")
                .containsPattern("(?m)^  1 +the operation failed and was rolled back ")
                .containsPattern("(?m)^  2 +usage error")
                .containsPattern("(?m)^  3 +control plane unreachable or unauthorised ")
                .containsPattern("(?m)^  4 +timed out \\(and rolled back\\)")
                .containsPattern("(?m)^  5 +precondition not met \\(target unreachable, replica lagging");
    }

    @Test
    void jsonShapesAreInTheHelp() {
        assertThat(proxyctl.run("status", "--help").out())
                .contains("{\"desiredVersion\": N, \"dataPlanes\": [DATAPLANE...], \"phase\": S,\n")
                .contains("\"lagBytes\": N", "\"lastPauseHeldMillis\": N", "one such object per line");
        assertThat(proxyctl.run("pause", "--help").out()).contains("{\"outcome\": S, ", "\"switch\": null,\n",
                "\"busy\": [S...]");
        assertThat(proxyctl.run("switch", "--help").out()).contains("\"switch\": SWITCH,\n", "\"fencedOffset\": N");
        assertThat(proxyctl.run("history", "--help").out()).contains("{\"switches\": [SWITCH...]}");
        assertThat(proxyctl.run("config", "get", "--help").out()).contains("{\"version\": N, \"yaml\": S}");
        assertThat(proxyctl.run("log-level", "--help").out()).contains("{\"dataPlanes\": N}");
        assertThat(proxyctl.run("user", "list", "--help").out()).contains("{\"version\": N, \"users\": [{\"name\": S, ",
                "\"maxConnections\": N, \"rateLimit\": N}...]}");
        assertThat(proxyctl.run("user", "add", "--help").out()).contains("{\"version\": N}");
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
                .contains("user", "passwd", "--namespace", "--max-connections", "--rate-limit")
                .contains("(\"table\" \"json\")");
        assertThat(proxyctl.dialled).isEmpty();
    }
}
