package dev.turnout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each kind of failure: its exit code and its one line on standard error, which says what to do next. */
class FailuresTest {

    private final ProxyctlRunner proxyctl = new ProxyctlRunner();

    @AfterEach
    void close() {
        proxyctl.close();
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "UNAVAILABLE         | server going away       | 3 | cannot reach the control plane at 127.0.0.1:7700 (server going away, UNAVAILABLE); is turnout-control-plane running? set --control-plane or TURNOUT_CONTROL_PLANE",
            "UNAUTHENTICATED     | bad token               | 3 | the control plane at 127.0.0.1:7700 refused the token (UNAUTHENTICATED); check --token-file or TURNOUT_TOKEN",
            "PERMISSION_DENIED   | read-only token         | 3 | the control plane at 127.0.0.1:7700 does not allow this token to do that (PERMISSION_DENIED: read-only token); use an admin token",
            "DEADLINE_EXCEEDED   | deadline exceeded after 1s | 4 | the control plane at 127.0.0.1:7700 did not answer within 10s (DEADLINE_EXCEEDED); retry, or allow longer with --timeout",
            "FAILED_PRECONDITION | version is 9, not 7     | 5 | version is 9, not 7 (FAILED_PRECONDITION)",
            "INVALID_ARGUMENT    | routes.a.upstream: expected host:port | 1 | routes.a.upstream: expected host:port (INVALID_ARGUMENT); nothing was changed",
            "UNIMPLEMENTED       | Method not found        | 1 | the control plane at 127.0.0.1:7700 does not implement this call (UNIMPLEMENTED: Method not found); is it older than this proxyctl?",
            "INTERNAL            | disk full               | 1 | the control plane at 127.0.0.1:7700 failed (INTERNAL: disk full); see its log",
            "UNKNOWN             |                         | 1 | the control plane at 127.0.0.1:7700 failed (UNKNOWN); see its log",
            "ABORTED             | a switch is running     | 1 | a switch is running (ABORTED)",
    })
    void statusCodes(Status.Code code, String description, int exitCode, String message) {
        proxyctl.env.put("TURNOUT_TOKEN", "token-for-tests");
        proxyctl.admin.failWith(Status.fromCode(code).withDescription(description));

        ProxyctlRunner.Result result = proxyctl.run("status");

        assertThat(result.exitCode()).isEqualTo(exitCode);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("proxyctl: " + message + "\n");
    }

    @Test
    void everyExitCodeIsDocumentedAndDistinct() {
        assertThat(ExitCode.values()).extracting(ExitCode::code).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void unauthenticatedWithoutATokenSaysToSetOne() {
        proxyctl.admin.failWith(Status.UNAUTHENTICATED.withDescription("missing authorization"));

        ProxyctlRunner.Result result = proxyctl.run("status");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).isEqualTo("proxyctl: the control plane at 127.0.0.1:7700 wants a token and none was"
                + " given (UNAUTHENTICATED); set --token-file or TURNOUT_TOKEN\n");
    }

    @Test
    void aMultiLineServerMessageStaysOnOneLine() {
        proxyctl.admin.failWith(Status.INTERNAL.withDescription("boom\n\tat dev.turnout.Foo.bar(Foo.java:1)\n"));

        ProxyctlRunner.Result result = proxyctl.run("status");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).hasLineCount(1);
    }

    @Test
    void noServerAtTheAddressExitsThree() {
        String nobody = InProcessServerBuilder.generateName();

        ProxyctlRunner.Result result = proxyctl.run(address -> InProcessChannelBuilder.forName(nobody).build(),
                "--control-plane", "cp.example:7700", "status");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).hasLineCount(1)
                .startsWith("proxyctl: cannot reach the control plane at cp.example:7700 (")
                .endsWith("); is turnout-control-plane running? set --control-plane or TURNOUT_CONTROL_PLANE\n");
    }

    @Test
    void connectionRefusedIsSaidInTwoWords() {
        Status refused = Status.UNAVAILABLE.withDescription("io exception")
                .withCause(new ConnectException("finishConnect(..) failed: Connection refused: /127.0.0.1:7700"));

        CliFailure failure = ControlPlaneFailures.translate(refused, new ControlPlaneFailures.CallContext(
                HostPort.parse("127.0.0.1:7700"), true, Duration.ofSeconds(10), ControlPlaneFailures.CallKind.READ, 0));

        assertThat(failure.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(failure.getMessage()).isEqualTo("cannot reach the control plane at 127.0.0.1:7700 (connection refused);"
                + " is turnout-control-plane running? set --control-plane or TURNOUT_CONTROL_PLANE");
        assertThat(ControlPlaneFailures.connectFailure("Connection refused: /127.0.0.1:7700")).isEqualTo("connection refused");
        assertThat(ControlPlaneFailures.connectFailure("connection timed out after 10000 ms: /10.0.0.1:7700"))
                .isEqualTo("connection timed out after 10000 ms");
    }

    @Test
    void aDeadlineThatExpiredBeforeAnyConnectionMeansUnreachable() {
        Status neverConnected = Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded after 0.99s."
                + " [closed=[], open=[[buffered_nanos=995, waiting_for_connection]]]");

        CliFailure failure = ControlPlaneFailures.translate(neverConnected, new ControlPlaneFailures.CallContext(
                HostPort.parse("10.0.0.1:7700"), true, Duration.ofSeconds(1), ControlPlaneFailures.CallKind.CHANGE, 0));

        assertThat(failure.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(failure.getMessage()).isEqualTo("cannot reach the control plane at 10.0.0.1:7700 (no connection"
                + " within 1s); is turnout-control-plane running? set --control-plane or TURNOUT_CONTROL_PLANE");
    }

    @Test
    void aTimeoutExitsFour() {
        proxyctl.admin.hang = true;

        ProxyctlRunner.Result result = proxyctl.run("--timeout", "200ms", "status");

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.err()).isEqualTo("proxyctl: the control plane at 127.0.0.1:7700 did not answer within 200ms"
                + " (DEADLINE_EXCEEDED); retry, or allow longer with --timeout\n");
    }

    @Test
    void aTimedOutChangeSaysHowToCheckWhetherItHappened() {
        proxyctl.admin.hang = true;

        ProxyctlRunner.Result result = proxyctl.run("upstream", "set", "10.0.0.1:6379", "--timeout", "1s");

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.err()).isEqualTo("proxyctl: the control plane at 127.0.0.1:7700 did not answer within 1s"
                + " (DEADLINE_EXCEEDED); if it made the change anyway, 'proxyctl config get' shows the new version;"
                + " check before retrying\n");
    }

    @Test
    void neverAStackTrace() {
        ProxyctlRunner.Result result = proxyctl.run(address -> {
            throw new IllegalStateException("no transport\nsecond line");
        }, "status");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("proxyctl: unexpected IllegalStateException: no transport; second line;"
                + " this is a bug in proxyctl, please report it\n");
    }
}
