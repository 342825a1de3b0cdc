package dev.turnout.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flags and start-up refusals; a control plane that starts is tested through ControlPlaneServer. */
class ControlPlaneMainTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void helpDocumentsEveryFlagAndTheExitCodes() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("--listen", "--data-dir", "--token-file", "--data-plane-token-file",
                "127.0.0.1:7700", "Exit codes", "desired-state.yaml");
    }

    @Test
    void aMissingFlagIsOneLineAndExitCode2() {
        assertThat(run("--token-file", "x")).isEqualTo(2);
        assertThat(err.toString()).startsWith("turnout-control-plane: Missing required option: '--data-dir=DIR'")
                .endsWith("(see --help)" + System.lineSeparator());
        assertThat(err.toString().lines()).hasSize(1);
    }

    @Test
    void aMissingOrEmptyTokenFileIsExitCode2() throws Exception {
        assertThat(run("--data-dir", dir.resolve("state").toString(), "--token-file", dir.resolve("nope").toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("turnout-control-plane: --token-file: cannot read");
        assertThat(err.toString().lines()).hasSize(1);

        Path admin = Files.writeString(dir.resolve("admin.token"), "t0ken\n");
        Path empty = Files.writeString(dir.resolve("dp.token"), "");
        err.getBuffer().setLength(0);
        assertThat(run("--data-dir", dir.resolve("state").toString(), "--token-file", admin.toString(),
                "--data-plane-token-file", empty.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("turnout-control-plane: --data-plane-token-file: ").contains("is empty");
    }

    @Test
    void aBadListenAddressOrDataDirIsExitCode2() throws Exception {
        Path admin = Files.writeString(dir.resolve("admin.token"), "t0ken\n");
        assertThat(run("--listen", "7700", "--data-dir", dir.toString(), "--token-file", admin.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("turnout-control-plane: --listen: expected host:port");

        err.getBuffer().setLength(0);
        assertThat(run("--data-dir", admin.toString(), "--token-file", admin.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("turnout-control-plane: --data-dir: ").contains("not a directory");
    }

    private int run(String... args) {
        return ControlPlaneMain.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }
}
