package dev.turnout.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad arguments: exit code 2 and one line that names the flag, never the whole usage text. */
class DataPlaneMainTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--bogus                                                    | Unknown option: '--bogus' (see --help)",
            "--threads many                                             | Invalid value for option '--threads': 'many' is not an int (see --help)",
            "--listen 127.0.0.1:1 --upstream nope                       | --upstream: expected host:port, got 'nope'",
            "--listen 127.0.0.1:1 --upstream 127.0.0.1:2 --max-clients 0 | --max-clients: 0 (expected: >= 1)",
            "--listen 127.0.0.1:1 --upstream 127.0.0.1:2 --idle-timeout=-5s | --idle-timeout: expected a duration of 0 or more (0: never), got PT-5S",
            "--listen 127.0.0.1:1 --upstream 127.0.0.1:2 --idle-timeout=soon | --idle-timeout: expected a duration such as 250ms, 10s, 5m or 1h, got 'soon'",
            "--listen 127.0.0.1:1                                       | --listen: needs --upstream HOST:PORT, or a route named 'default' in the configuration file",
            "--upstream-user app                                        | --upstream: missing: --upstream-user and --upstream-password-file need --upstream HOST:PORT",
    })
    void badArgumentsExitWithTwoAndOneLine(String args, String message) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = DataPlaneMain.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args.trim().split("\\s+"));
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("turnout-data-plane: " + message + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }
}
