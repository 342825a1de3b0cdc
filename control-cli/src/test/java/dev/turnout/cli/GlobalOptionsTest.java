package dev.turnout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --control-plane, --token-file, --timeout and their environment fallbacks; the token as gRPC metadata. */
class GlobalOptionsTest {

    private static final String TOKEN = "admin-token-0123456789";

    @TempDir
    Path dir;

    private final ProxyctlRunner proxyctl = new ProxyctlRunner();

    @AfterEach
    void close() {
        proxyctl.close();
    }

    @Test
    void controlPlaneDefaultsTo7700OnLoopback() {
        assertThat(proxyctl.run("status").exitCode()).isZero();
        assertThat(proxyctl.dialled).containsExactly(HostPort.parse("127.0.0.1:7700"));
    }

    @Test
    void controlPlaneFromTheEnvironment() {
        proxyctl.env.put("TURNOUT_CONTROL_PLANE", "cp.example:7701");

        assertThat(proxyctl.run("status").exitCode()).isZero();
        assertThat(proxyctl.dialled).containsExactly(HostPort.parse("cp.example:7701"));
    }

    @Test
    void theFlagWinsOverTheEnvironmentBeforeOrAfterTheCommand() {
        proxyctl.env.put("TURNOUT_CONTROL_PLANE", "cp.example:7701");

        assertThat(proxyctl.run("--control-plane", "10.0.0.1:7702", "status").exitCode()).isZero();
        assertThat(proxyctl.run("config", "get", "--control-plane=[::1]:7703").exitCode()).isZero();
        assertThat(proxyctl.dialled).containsExactly(HostPort.parse("10.0.0.1:7702"), HostPort.parse("[::1]:7703"));
    }

    @Test
    void aBadControlPlaneAddressIsAUsageErrorNamingWhereItCameFrom() {
        ProxyctlRunner.Result flag = proxyctl.run("--control-plane", "cp.example", "status");
        proxyctl.env.put("TURNOUT_CONTROL_PLANE", "7700");
        ProxyctlRunner.Result env = proxyctl.run("status");

        assertThat(flag.exitCode()).isEqualTo(2);
        assertThat(flag.err()).isEqualTo("proxyctl: --control-plane: expected host:port, got 'cp.example'\n");
        assertThat(env.exitCode()).isEqualTo(2);
        assertThat(env.err()).isEqualTo("proxyctl: TURNOUT_CONTROL_PLANE: expected host:port, got '7700'\n");
        assertThat(proxyctl.dialled).isEmpty();
    }

    @Test
    void theTokenFromTheEnvironmentIsSentAsABearerToken() {
        proxyctl.env.put("TURNOUT_TOKEN", TOKEN + "\n");

        ProxyctlRunner.Result result = proxyctl.run("status");

        assertThat(result.exitCode()).isZero();
        assertThat(proxyctl.authorizations).containsExactly("Bearer " + TOKEN);
        assertThat(result.out() + result.err()).doesNotContain(TOKEN);
    }

    @Test
    void theTokenFileWinsOverTheEnvironment() throws IOException {
        Path file = Files.writeString(dir.resolve("admin.token"), TOKEN + "\n");
        proxyctl.env.put("TURNOUT_TOKEN", "the-other-token");

        assertThat(proxyctl.run("status", "--token-file", file.toString()).exitCode()).isZero();
        assertThat(proxyctl.run("--token-file", file.toString(), "log-level", "INFO").exitCode()).isZero();
        assertThat(proxyctl.authorizations).containsExactly("Bearer " + TOKEN, "Bearer " + TOKEN);
    }

    @Test
    void noTokenNoHeader() {
        assertThat(proxyctl.run("status").exitCode()).isZero();
        assertThat(proxyctl.authorizations).containsExactly("(none)");
    }

    @Test
    void anUnusableTokenFileIsAUsageErrorThatDoesNotShowTheToken() throws IOException {
        Path blank = Files.writeString(dir.resolve("blank.token"), "  \n");
        Path spaced = Files.writeString(dir.resolve("spaced.token"), "admin token with spaces\n");

        ProxyctlRunner.Result missing = proxyctl.run("status", "--token-file", dir.resolve("absent.token").toString());
        ProxyctlRunner.Result empty = proxyctl.run("status", "--token-file", blank.toString());
        ProxyctlRunner.Result bad = proxyctl.run("status", "--token-file", spaced.toString());

        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("proxyctl: --token-file: cannot read " + dir.resolve("absent.token")
                + " (NoSuchFileException); expected a readable file holding the secret\n");
        assertThat(empty.exitCode()).isEqualTo(2);
        assertThat(empty.err()).isEqualTo("proxyctl: --token-file: " + blank + " holds only blanks; expected the admin token\n");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).doesNotContain("with spaces").hasLineCount(1);
        assertThat(proxyctl.admin.requests).isEmpty();
    }

    @Test
    void aRefusedTokenIsNeverPrinted() throws IOException {
        Path file = Files.writeString(dir.resolve("admin.token"), TOKEN);
        proxyctl.admin.failWith(io.grpc.Status.UNAUTHENTICATED.withDescription("unknown token " + TOKEN));

        ProxyctlRunner.Result result = proxyctl.run("status", "--token-file", file.toString());

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.out() + result.err()).doesNotContain(TOKEN);
        assertThat(result.err()).isEqualTo("proxyctl: the control plane at 127.0.0.1:7700 refused the token"
                + " (UNAUTHENTICATED); check --token-file or TURNOUT_TOKEN\n");
    }

    @Test
    void badTimeoutsAreUsageErrors() {
        ProxyctlRunner.Result word = proxyctl.run("--timeout", "soon", "status");
        ProxyctlRunner.Result zero = proxyctl.run("status", "--timeout", "0s");

        assertThat(word.exitCode()).isEqualTo(2);
        assertThat(word.err()).isEqualTo("proxyctl: Invalid value for option '--timeout': expected a duration such as"
                + " 500ms, 10s or 2m, got 'soon' (see 'proxyctl --help')\n");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).isEqualTo("proxyctl: Invalid value for option '--timeout': expected a duration of"
                + " more than 0, got '0s' (see 'proxyctl status --help')\n");
    }

    @Test
    void badOutputFormatAndUnknownOptionsAreUsageErrors() {
        ProxyctlRunner.Result yaml = proxyctl.run("-o", "yaml", "status");
        ProxyctlRunner.Result typo = proxyctl.run("status", "--token-fil", "x");
        ProxyctlRunner.Result command = proxyctl.run("stats");
        ProxyctlRunner.Result nothing = proxyctl.run();

        assertThat(yaml.exitCode()).isEqualTo(2);
        assertThat(yaml.err()).isEqualTo("proxyctl: Invalid value for option '--output': expected table or json,"
                + " got 'yaml' (see 'proxyctl --help')\n");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).hasLineCount(1).startsWith("proxyctl: Unknown option").contains("--token-file");
        assertThat(command.exitCode()).isEqualTo(2);
        assertThat(command.err()).isEqualTo("proxyctl: unknown command 'stats'; did you mean status or dataplanes or history?"
                + " (see 'proxyctl --help')\n");
        assertThat(nothing.exitCode()).isEqualTo(2);
        assertThat(nothing.err()).isEqualTo("proxyctl: missing a command: status, dataplanes, config, upstream, user, pause, resume, switch, history,"
                + " log-level, completion (see 'proxyctl --help')\n");
        assertThat(proxyctl.dialled).isEmpty();
    }
}
