package dev.turnout.dataplane.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.dataplane.DataPlaneMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code turnout-data-plane --control-plane}: wrong combinations exit with 2 and one line. */
class ManagedModeArgumentsTest {

    @TempDir
    Path dir;

    private int run(StringWriter err, String... args) {
        return DataPlaneMain.newCommandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true)).execute(args);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--control-plane 127.0.0.1:1 --token-file T --config c.yaml | --config: cannot be used with --control-plane (the control plane owns the configuration)",
            "--control-plane 127.0.0.1:1 --token-file T --upstream 127.0.0.1:2 | --upstream: cannot be used with --control-plane (the control plane owns the configuration)",
            "--control-plane 127.0.0.1:1 --token-file T --max-clients 5 | --max-clients: cannot be used with --control-plane (the control plane owns the configuration)",
            "--control-plane 127.0.0.1:1                                | --token-file: missing (--control-plane needs --token-file FILE holding the data-plane token)",
            "--control-plane nope --token-file T                         | --control-plane: expected host:port, got 'nope'",
            "--control-plane 127.0.0.1:1 --token-file T --listen nope    | --listen: expected host:port, got 'nope'",
            "--upstream 127.0.0.1:2 --listen 127.0.0.1:3 --token-file T   | --token-file: only with --control-plane HOST:PORT (a standalone data plane has no control plane)",
            "--upstream 127.0.0.1:2 --listen 127.0.0.1:3 --id dp-1        | --id: only with --control-plane HOST:PORT (a standalone data plane has no control plane)",
            "--control-plane 127.0.0.1:1 --token-file EMPTY              | --token-file: EMPTY is empty (expected the data-plane token)",
    })
    void badCombinations(String args, String message) throws Exception {
        Files.writeString(dir.resolve("T"), "token\n");
        Files.writeString(dir.resolve("EMPTY"), "\n");
        String[] argv = args.trim().split("\\s+");
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("T") || argv[i].equals("EMPTY")) {
                argv[i] = dir.resolve(argv[i]).toString();
            }
        }
        StringWriter err = new StringWriter();
        assertThat(run(err, argv)).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("turnout-data-plane: " + message.replace("EMPTY", dir.resolve("EMPTY").toString())
                + System.lineSeparator());
    }

    @Test
    void unreadableTokenFile() {
        StringWriter err = new StringWriter();
        assertThat(run(err, "--control-plane", "127.0.0.1:1", "--token-file", dir.resolve("missing").toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("turnout-data-plane: --token-file: cannot read ")
                .contains("NoSuchFileException").contains("expected a readable file holding the data-plane token");
    }

    @Test
    void helpDescribesManagedMode() {
        StringWriter out = new StringWriter();
        assertThat(DataPlaneMain.newCommandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true))
                .execute("--help")).isZero();
        assertThat(out.toString()).contains("--control-plane=HOST:PORT", "--token-file=FILE", "--id=ID", "Managed");
    }
}
