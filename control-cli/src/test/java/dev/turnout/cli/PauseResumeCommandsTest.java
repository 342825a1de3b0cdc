package dev.turnout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.turnout.v1.DataPlanePause;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.Outcome;
import dev.turnout.v1.PauseRequest;
import dev.turnout.v1.Phase;
import dev.turnout.v1.ResumeRequest;
import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** pause and resume: what is sent, the deadline, what is printed, and the exit code of each outcome. */
class PauseResumeCommandsTest {

    static final OperationResult PAUSED = OperationResult.newBuilder().setOutcome(Outcome.DONE)
            .setMessage("paused 2 data plane(s) in 41 ms: 214 command(s) drained, 3 held")
            .addDataPlanes(DataPlanePause.newBuilder().setId("dp-east").setPhase(Phase.PAUSED)
                    .setDrainedCommands(118).setHeldCommands(3).setDrainMillis(41))
            .addDataPlanes(DataPlanePause.newBuilder().setId("dp-west").setPhase(Phase.PAUSED)
                    .setDrainedCommands(96).setDrainMillis(37))
            .build();
    static final OperationResult TIMED_OUT = OperationResult.newBuilder().setOutcome(Outcome.TIMED_OUT)
            .setMessage("timed out after 3001 ms: 1 of 2 data plane(s) had not drained (dp-west: session 7"
                    + " /10.0.0.3:51234: inside MULTI (waiting for EXEC or DISCARD)); everything resumed")
            .addDataPlanes(DataPlanePause.newBuilder().setId("dp-east").setPhase(Phase.SERVING)
                    .setDrainedCommands(118).setDrainMillis(40).setHeldMillis(2961))
            .addDataPlanes(DataPlanePause.newBuilder().setId("dp-west").setPhase(Phase.SERVING)
                    .setDrainedCommands(12).setDrainMillis(3001)
                    .addBusy("session 7 /10.0.0.3:51234: inside MULTI (waiting for EXEC or DISCARD)"))
            .build();
    static final OperationResult RESUMED = OperationResult.newBuilder().setOutcome(Outcome.DONE)
            .setMessage("resumed 2 data plane(s)")
            .addDataPlanes(DataPlanePause.newBuilder().setId("dp-east").setPhase(Phase.SERVING).setHeldMillis(5230))
            .addDataPlanes(DataPlanePause.newBuilder().setId("dp-west").setPhase(Phase.SERVING).setHeldMillis(5228))
            .build();

    private final ProxyctlRunner proxyctl = new ProxyctlRunner();

    @AfterEach
    void close() {
        proxyctl.close();
    }

    @Test
    void pauseSendsItsBoundsAndPrintsEachDataPlane() {
        proxyctl.admin.paused = PAUSED;

        ProxyctlRunner.Result result = proxyctl.run("pause", "--timeout", "3s", "--hold-limit", "500ms", "--lease", "1m");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).isEqualTo("""
                DONE: paused 2 data plane(s) in 41 ms: 214 command(s) drained, 3 held
                DATA PLANE  PHASE   DRAINED  HELD  DRAIN MS  HELD MS  BUSY
                dp-east     PAUSED  118      3     41        0        -
                dp-west     PAUSED  96       0     37        0        -
                """);
        assertThat(proxyctl.admin.onlyRequest(PauseRequest.class)).isEqualTo(PauseRequest.newBuilder()
                .setTimeoutMillis(3000).setHoldLimitMillis(500).setLeaseMillis(60_000).build());
    }

    @Test
    void pauseDefaultsAreThoseOfTheDesign() {
        ProxyctlRunner.Result result = proxyctl.run("pause");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("DONE: paused\n");
        assertThat(proxyctl.admin.onlyRequest(PauseRequest.class)).isEqualTo(PauseRequest.newBuilder()
                .setTimeoutMillis(10_000).setHoldLimitMillis(10_000).setLeaseMillis(30_000).build());
    }

    @Test
    void pauseDeadlineOutlastsItsTimeoutSoTheControlPlaneDecides() {
        proxyctl.run("pause", "--timeout", "3s");

        // 3 s to drain, 10 s more for the control plane to roll back and answer.
        assertThat(proxyctl.admin.deadlines).singleElement()
                .satisfies(left -> assertThat(left).isGreaterThan(12_000).isLessThanOrEqualTo(13_000));
    }

    @Test
    void pauseThatTimedOutPrintsTheBusyConnectionsAndExitsFour() {
        proxyctl.admin.paused = TIMED_OUT;

        ProxyctlRunner.Result result = proxyctl.run("pause", "--timeout", "3s");

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.out()).isEqualTo("""
                DATA PLANE  PHASE    DRAINED  HELD  DRAIN MS  HELD MS  BUSY
                dp-east     SERVING  118      0     40        2961     -
                dp-west     SERVING  12       0     3001      0        session 7 /10.0.0.3:51234: inside MULTI (waiting for EXEC or DISCARD)
                """);
        assertThat(result.err()).isEqualTo("proxyctl: TIMED_OUT: timed out after 3001 ms: 1 of 2 data plane(s) had not"
                + " drained (dp-west: session 7 /10.0.0.3:51234: inside MULTI (waiting for EXEC or DISCARD));"
                + " everything resumed\n");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"DONE, 0", "FAILED, 1", "CANCELLED, 1", "TIMED_OUT, 4", "PRECONDITION_FAILED, 5", "OUTCOME_UNSPECIFIED, 1"})
    void eachOutcomeHasItsExitCodeAndOneLineOnStandardErrorUnlessDone(Outcome outcome, int exitCode) {
        proxyctl.admin.paused = OperationResult.newBuilder().setOutcome(outcome).setMessage("what happened").build();

        ProxyctlRunner.Result result = proxyctl.run("pause");

        assertThat(result.exitCode()).isEqualTo(exitCode);
        if (outcome == Outcome.DONE) {
            assertThat(result.out()).isEqualTo("DONE: what happened\n");
            assertThat(result.err()).isEmpty();
        } else {
            assertThat(result.out()).isEmpty();
            assertThat(result.err()).hasLineCount(1).startsWith("proxyctl: ").endsWith(": what happened\n");
        }
    }

    @Test
    void aPauseCancelledByAResumeExitsOne() {
        proxyctl.admin.paused = OperationResult.newBuilder().setOutcome(Outcome.CANCELLED)
                .setMessage("cancelled by a resume after 812 ms; everything resumed").build();

        ProxyctlRunner.Result result = proxyctl.run("pause");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("proxyctl: CANCELLED: cancelled by a resume after 812 ms; everything resumed\n");
    }

    @Test
    void anOutcomeThisProxyctlDoesNotKnowIsAFailure() {
        proxyctl.admin.paused = OperationResult.newBuilder().setOutcomeValue(42).setMessage("new in v2").build();

        ProxyctlRunner.Result result = proxyctl.run("pause");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("proxyctl: no outcome this proxyctl knows (42); check 'proxyctl status':"
                + " new in v2\n");
    }

    @Test
    void pauseJsonIsTheWholeResultWhateverTheOutcome() {
        proxyctl.admin.paused = TIMED_OUT;

        ProxyctlRunner.Result result = proxyctl.run("pause", "-o", "json");

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.err()).hasLineCount(1).startsWith("proxyctl: TIMED_OUT: timed out after 3001 ms");
        JsonNode json = result.json();
        assertThat(StatusCommandTest.fieldNames(json)).containsExactly("outcome", "message", "dataPlanes", "switch",
                "warnings");
        assertThat(json.get("outcome").asText()).isEqualTo("TIMED_OUT");
        assertThat(json.get("switch").isNull()).isTrue();
        assertThat(json.get("warnings").isArray()).isTrue();
        JsonNode west = json.get("dataPlanes").get(1);
        assertThat(StatusCommandTest.fieldNames(west)).containsExactly("id", "phase", "drainedCommands", "heldCommands",
                "drainMillis", "busy", "heldMillis");
        assertThat(west.get("phase").asText()).isEqualTo("SERVING");
        assertThat(west.get("drainMillis").isIntegralNumber()).isTrue();
        assertThat(west.get("drainMillis").asLong()).isEqualTo(3001);
        assertThat(west.get("busy").get(0).asText()).startsWith("session 7 ");
    }

    @Test
    void warningsGoToStandardOutputOnSuccess() {
        proxyctl.admin.paused = PAUSED.toBuilder().clearDataPlanes()
                .addWarnings("dp-north joined while paused; it was paused too").build();

        ProxyctlRunner.Result result = proxyctl.run("pause");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                DONE: paused 2 data plane(s) in 41 ms: 214 command(s) drained, 3 held
                warning: dp-north joined while paused; it was paused too
                """);
        assertThat(result.err()).isEmpty();
    }

    @Test
    void badDurationsAreUsageErrorsAndNothingIsSent() {
        ProxyctlRunner.Result zero = proxyctl.run("pause", "--hold-limit", "0s");
        ProxyctlRunner.Result word = proxyctl.run("pause", "--lease", "forever");

        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).isEqualTo("proxyctl: Invalid value for option '--hold-limit': expected a duration of"
                + " more than 0, got '0s' (see 'proxyctl pause --help')\n");
        assertThat(word.exitCode()).isEqualTo(2);
        assertThat(word.err()).isEqualTo("proxyctl: Invalid value for option '--lease': expected a duration such as"
                + " 500ms, 10s or 2m, got 'forever' (see 'proxyctl pause --help')\n");
        assertThat(proxyctl.dialled).isEmpty();
    }

    @Test
    void aDeadlineHitOnPauseExitsFourAndSaysTheOperationMayStillBeRunning() {
        proxyctl.admin.failWith(Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded after 12.999s"));

        ProxyctlRunner.Result result = proxyctl.run("pause", "--timeout", "3s");

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("proxyctl: the control plane at 127.0.0.1:7700 did not answer within 13s"
                + " (DEADLINE_EXCEEDED); the operation may still be completing on the control plane; check"
                + " 'proxyctl status' and 'proxyctl history' before retrying\n");
    }

    @Test
    void resumeSendsAnEmptyRequestAndPrintsHowLongEachHeldTraffic() {
        proxyctl.admin.resumed = RESUMED;

        ProxyctlRunner.Result result = proxyctl.run("resume");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).isEqualTo("""
                DONE: resumed 2 data plane(s)
                DATA PLANE  PHASE    DRAINED  HELD  DRAIN MS  HELD MS  BUSY
                dp-east     SERVING  0        0     0         5230     -
                dp-west     SERVING  0        0     0         5228     -
                """);
        assertThat(proxyctl.admin.onlyRequest(ResumeRequest.class)).isEqualTo(ResumeRequest.getDefaultInstance());
        assertThat(proxyctl.admin.deadlines).singleElement()
                .satisfies(left -> assertThat(left).isGreaterThan(9_000).isLessThanOrEqualTo(10_000));
    }

    @Test
    void resumeJson() {
        proxyctl.admin.resumed = RESUMED;

        ProxyctlRunner.Result result = proxyctl.run("-o", "json", "resume");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.json().get("outcome").asText()).isEqualTo("DONE");
        assertThat(result.json().get("dataPlanes").get(0).get("heldMillis").asLong()).isEqualTo(5230);
    }

    @Test
    void aResumeThatGetsNoAnswerInTimeExitsFour() {
        proxyctl.admin.hang = true;

        ProxyctlRunner.Result result = proxyctl.run("resume", "--timeout", "200ms");

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.err()).isEqualTo("proxyctl: the control plane at 127.0.0.1:7700 did not answer within 200ms"
                + " (DEADLINE_EXCEEDED); the operation may still be completing on the control plane; check"
                + " 'proxyctl status' and 'proxyctl history' before retrying\n");
    }

    @Test
    void anUnreachableControlPlaneExitsThree() {
        proxyctl.admin.failWith(Status.UNAVAILABLE.withDescription("connection refused"));

        ProxyctlRunner.Result result = proxyctl.run("pause");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("proxyctl: cannot reach the control plane at 127.0.0.1:7700");
    }
}
