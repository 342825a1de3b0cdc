package dev.turnout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.turnout.v1.DataPlanePause;
import dev.turnout.v1.ListHistoryRequest;
import dev.turnout.v1.ListHistoryResponse;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.Outcome;
import dev.turnout.v1.Phase;
import dev.turnout.v1.SwitchRecord;
import dev.turnout.v1.SwitchRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** switch and history: the request each option makes, usage errors, the record and warnings as printed. */
class SwitchAndHistoryCommandsTest {

    static final SwitchRecord PLANNED = SwitchRecord.newBuilder()
            .setId("5f0c2a4e-8d1b-4d7e-9a51-0b7c3e2f9d10").setRoute("default")
            .setFrom("10.0.1.1:6379").setTo("10.0.1.2:6379").setMode("wait-replication").setOutcome(Outcome.DONE)
            .setMessage("route 'default' switched from 10.0.1.1:6379 to 10.0.1.2:6379 (version 9); traffic held 74 ms")
            .setVersion(9).setStartedMillis(1_795_000_000_000L).setCheckMillis(3).setDrainMillis(12)
            .setReplicationMillis(41).setApplyMillis(18).setHeldMillis(74).setTotalMillis(80)
            .setFencedOffset(1_843_200).setTargetOffset(1_843_200)
            .addWarnings("the old primary 10.0.1.1:6379 stays write-fenced for up to 6 s; make it a replica of"
                    + " 10.0.1.2:6379 (REPLICAOF) or stop it before then")
            .build();
    static final OperationResult SWITCHED = OperationResult.newBuilder().setOutcome(Outcome.DONE)
            .setMessage(PLANNED.getMessage())
            .addDataPlanes(DataPlanePause.newBuilder().setId("dp-east").setPhase(Phase.SWITCHING)
                    .setDrainedCommands(311).setHeldCommands(57).setDrainMillis(12))
            .addDataPlanes(DataPlanePause.newBuilder().setId("dp-west").setPhase(Phase.SWITCHING)
                    .setDrainedCommands(290).setHeldCommands(49).setDrainMillis(11))
            .setSwitch(PLANNED)
            .addAllWarnings(PLANNED.getWarningsList())
            .build();
    static final SwitchRecord LAGGING = SwitchRecord.newBuilder()
            .setId("a3e9b0c1-2f44-4b8e-8d0e-6c1f5a7b2e93").setRoute("default")
            .setFrom("10.0.1.1:6379").setTo("10.0.1.2:6379").setMode("wait-replication")
            .setOutcome(Outcome.PRECONDITION_FAILED)
            .setMessage("replica lagging: 10.0.1.2:6379 at offset 1790000 of 1843200 (53200 bytes behind) after"
                    + " 5000 ms; rolled back: unfenced 10.0.1.1:6379 and resumed on it")
            .setStartedMillis(1_794_999_000_000L).setCheckMillis(4).setDrainMillis(13).setReplicationMillis(5002)
            .setHeldMillis(5020).setTotalMillis(5030).setFencedOffset(1_843_200).setTargetOffset(1_790_000)
            .build();

    private final ProxyctlRunner proxyctl = new ProxyctlRunner();

    @AfterEach
    void close() {
        proxyctl.close();
    }

    @Test
    void aPlainSwitchSendsTheTargetAndTheDefaults() {
        ProxyctlRunner.Result result = proxyctl.run("switch", "--to", "10.0.1.2:6379");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("DONE: switched\n");
        assertThat(proxyctl.admin.onlyRequest(SwitchRequest.class)).isEqualTo(SwitchRequest.newBuilder()
                .setTo("10.0.1.2:6379").setPauseTimeoutMillis(10_000).build());
        // 10 s to drain, no replication wait, 30 s for the check, the apply and the resume.
        assertThat(proxyctl.admin.deadlines).singleElement()
                .satisfies(left -> assertThat(left).isGreaterThan(44_000).isLessThanOrEqualTo(45_000));
    }

    @Test
    void aPlannedSwitchoverSendsEveryOptionAndPrintsTheRecordAndWarnings() {
        proxyctl.admin.switched = SWITCHED;

        ProxyctlRunner.Result result = proxyctl.run("switch", "--to", "10.0.1.2:6379", "--route", "default",
                "--wait-replication", "--replication-timeout", "4s", "--force", "--pause-timeout", "3s");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).isEqualTo("""
                DONE: route 'default' switched from 10.0.1.1:6379 to 10.0.1.2:6379 (version 9); traffic held 74 ms
                DATA PLANE  PHASE      DRAINED  HELD  DRAIN MS  HELD MS  BUSY
                dp-east     SWITCHING  311      57    12        0        -
                dp-west     SWITCHING  290      49    11        0        -
                switch 5f0c2a4e-8d1b-4d7e-9a51-0b7c3e2f9d10: route default, 10.0.1.1:6379 -> 10.0.1.2:6379, mode wait-replication, version 9
                timings: check 3 ms, drain 12 ms, replication 41 ms, apply 18 ms, held 74 ms, total 80 ms
                offsets: old primary 1843200 (fenced), target 1843200
                warning: the old primary 10.0.1.1:6379 stays write-fenced for up to 6 s; make it a replica of 10.0.1.2:6379 (REPLICAOF) or stop it before then
                """);
        assertThat(proxyctl.admin.onlyRequest(SwitchRequest.class)).isEqualTo(SwitchRequest.newBuilder()
                .setRoute("default").setTo("10.0.1.2:6379").setWaitReplication(true).setReplicationTimeoutMillis(4000)
                .setForce(true).setPauseTimeoutMillis(3000).build());
        // 3 s to drain + 4 s for replication + 30 s.
        assertThat(proxyctl.admin.deadlines).singleElement()
                .satisfies(left -> assertThat(left).isGreaterThan(36_000).isLessThanOrEqualTo(37_000));
    }

    @Test
    void waitReplicationSendsTheDefaultReplicationTimeout() {
        proxyctl.run("switch", "--to", "10.0.1.2:6379", "--wait-replication");

        assertThat(proxyctl.admin.onlyRequest(SwitchRequest.class)).isEqualTo(SwitchRequest.newBuilder()
                .setTo("10.0.1.2:6379").setWaitReplication(true).setReplicationTimeoutMillis(5000)
                .setPauseTimeoutMillis(10_000).build());
    }

    @Test
    void aLongerGlobalTimeoutLengthensTheDeadline() {
        proxyctl.run("switch", "--to", "10.0.1.2:6379", "--timeout", "2m");

        assertThat(proxyctl.admin.deadlines).singleElement()
                .satisfies(left -> assertThat(left).isGreaterThan(119_000).isLessThanOrEqualTo(120_000));
    }

    @Test
    void promoteSaysWritesMayBeLostOnStandardOutput() {
        proxyctl.admin.switched = OperationResult.newBuilder().setOutcome(Outcome.DONE)
                .setMessage("route 'default' switched from 10.0.1.1:6379 to 10.0.1.2:6379 (version 10); traffic held"
                        + " 35 ms")
                .setSwitch(SwitchRecord.newBuilder().setId("c41d").setRoute("default").setFrom("10.0.1.1:6379")
                        .setTo("10.0.1.2:6379").setMode("promote").setOutcome(Outcome.DONE).setVersion(10)
                        .setCheckMillis(2).setDrainMillis(9).setReplicationMillis(3).setApplyMillis(20)
                        .setHeldMillis(35).setTotalMillis(38).setTargetOffset(1_790_000))
                .addWarnings("unplanned failover: writes the old primary 10.0.1.1:6379 had acknowledged but not"
                        + " replicated to 10.0.1.2:6379 may be lost")
                .build();

        ProxyctlRunner.Result result = proxyctl.run("switch", "--to", "10.0.1.2:6379", "--promote");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).isEqualTo("""
                DONE: route 'default' switched from 10.0.1.1:6379 to 10.0.1.2:6379 (version 10); traffic held 35 ms
                switch c41d: route default, 10.0.1.1:6379 -> 10.0.1.2:6379, mode promote, version 10
                timings: check 2 ms, drain 9 ms, replication 3 ms, apply 20 ms, held 35 ms, total 38 ms
                offsets: target 1790000
                warning: unplanned failover: writes the old primary 10.0.1.1:6379 had acknowledged but not replicated to 10.0.1.2:6379 may be lost
                """);
        assertThat(proxyctl.admin.onlyRequest(SwitchRequest.class)).isEqualTo(SwitchRequest.newBuilder()
                .setTo("10.0.1.2:6379").setPromote(true).setPauseTimeoutMillis(10_000).build());
    }

    @Test
    void aLaggingReplicaExitsFivePrintsTheRecordAndTheReasonOnStandardError() {
        proxyctl.admin.switched = OperationResult.newBuilder().setOutcome(Outcome.PRECONDITION_FAILED)
                .setMessage(LAGGING.getMessage()).setSwitch(LAGGING).build();

        ProxyctlRunner.Result result = proxyctl.run("switch", "--to", "10.0.1.2:6379", "--wait-replication");

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.out()).isEqualTo("""
                switch a3e9b0c1-2f44-4b8e-8d0e-6c1f5a7b2e93: route default, 10.0.1.1:6379 -> 10.0.1.2:6379, mode wait-replication, no new version
                timings: check 4 ms, drain 13 ms, replication 5002 ms, apply 0 ms, held 5020 ms, total 5030 ms
                offsets: old primary 1843200 (fenced), target 1790000
                """);
        assertThat(result.err()).isEqualTo("proxyctl: PRECONDITION_FAILED: replica lagging: 10.0.1.2:6379 at offset"
                + " 1790000 of 1843200 (53200 bytes behind) after 5000 ms; rolled back: unfenced 10.0.1.1:6379 and"
                + " resumed on it\n");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"DONE, 0", "FAILED, 1", "CANCELLED, 1", "TIMED_OUT, 4", "PRECONDITION_FAILED, 5"})
    void eachOutcomeOfASwitchHasItsExitCode(Outcome outcome, int exitCode) {
        proxyctl.admin.switched = OperationResult.newBuilder().setOutcome(outcome).setMessage("m").build();

        assertThat(proxyctl.run("switch", "--to", "10.0.1.2:6379").exitCode()).isEqualTo(exitCode);
    }

    @Test
    void switchJsonHasTheRecordWithEveryField() {
        proxyctl.admin.switched = SWITCHED;

        ProxyctlRunner.Result result = proxyctl.run("switch", "--to", "10.0.1.2:6379", "--wait-replication", "-o", "json");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        JsonNode json = result.json();
        assertThat(StatusCommandTest.fieldNames(json)).containsExactly("outcome", "message", "dataPlanes", "switch",
                "warnings");
        JsonNode record = json.get("switch");
        assertThat(StatusCommandTest.fieldNames(record)).containsExactly("id", "route", "from", "to", "mode", "outcome",
                "message", "version", "startedMillis", "checkMillis", "drainMillis", "replicationMillis", "applyMillis",
                "heldMillis", "totalMillis", "fencedOffset", "targetOffset", "warnings");
        assertThat(record.get("fencedOffset").isIntegralNumber()).isTrue();
        assertThat(record.get("fencedOffset").asLong()).isEqualTo(1_843_200);
        assertThat(record.get("outcome").asText()).isEqualTo("DONE");
        assertThat(json.get("warnings").get(0).asText()).startsWith("the old primary 10.0.1.1:6379 stays write-fenced");
    }

    @Test
    void aFailedSwitchInJsonStillPrintsTheResult() {
        proxyctl.admin.switched = OperationResult.newBuilder().setOutcome(Outcome.PRECONDITION_FAILED)
                .setMessage(LAGGING.getMessage()).setSwitch(LAGGING).build();

        ProxyctlRunner.Result result = proxyctl.run("-o", "json", "switch", "--to", "10.0.1.2:6379", "--wait-replication");

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.json().get("switch").get("targetOffset").asLong()).isEqualTo(1_790_000);
        assertThat(result.err()).hasLineCount(1).startsWith("proxyctl: PRECONDITION_FAILED: replica lagging");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "switch --to 10.0.1.2:6379 --promote --wait-replication | --promote and --wait-replication exclude each other: --wait-replication for a planned switchover to a replica, --promote when the primary is gone",
            "switch --to 10.0.1.2:6379 --force | --force needs --wait-replication: it switches even if the replica lags",
            "switch --to 10.0.1.2:6379 --promote --force | --force needs --wait-replication: it switches even if the replica lags",
            "switch --to 10.0.1.2:6379 --replication-timeout 9s | --replication-timeout needs --wait-replication: nothing else waits for replication",
            "switch --to 10.0.1.2 | --to: expected host:port, got '10.0.1.2'",
            "switch --to 10.0.1.2:0 | --to: expected a port from 1 to 65535, got '10.0.1.2:0'",
            "switch | Missing required option: '--to=HOST:PORT' (see 'proxyctl switch --help')",
            "switch --to 10.0.1.2:6379 --pause-timeout 0s | Invalid value for option '--pause-timeout': expected a duration of more than 0, got '0s' (see 'proxyctl switch --help')",
            "history --limit 0 | --limit: expected a number of at least 1, got 0",
            "history --limit many | Invalid value for option '--limit': 'many' is not an int (see 'proxyctl history --help')",
    })
    void usageErrorsExitTwoAndSendNothing(String args, String message) {
        ProxyctlRunner.Result result = proxyctl.run(args.split(" "));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("proxyctl: " + message + "\n");
        assertThat(proxyctl.dialled).isEmpty();
        assertThat(proxyctl.admin.requests).isEmpty();
    }

    @Test
    void anEmptyRouteIsAUsageError() {
        ProxyctlRunner.Result result = proxyctl.run("switch", "--to", "10.0.1.2:6379", "--route", "");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("proxyctl: --route: expected a route name, got ''\n");
        assertThat(proxyctl.admin.requests).isEmpty();
    }

    @Test
    void historyIsATableNewestFirstWithTimesInUtc() {
        proxyctl.admin.history = ListHistoryResponse.newBuilder().addSwitches(PLANNED).addSwitches(LAGGING).build();

        ProxyctlRunner.Result result = proxyctl.run("history");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).isEqualTo("""
                STARTED               ROUTE    FROM           TO             MODE              OUTCOME              HELD MS  TOTAL MS  VERSION
                2026-11-18T11:06:40Z  default  10.0.1.1:6379  10.0.1.2:6379  wait-replication  DONE                 74       80        9
                2026-11-18T10:50:00Z  default  10.0.1.1:6379  10.0.1.2:6379  wait-replication  PRECONDITION_FAILED  5020     5030      -
                """);
        assertThat(proxyctl.admin.onlyRequest(ListHistoryRequest.class))
                .isEqualTo(ListHistoryRequest.newBuilder().setLimit(20).build());
    }

    @Test
    void historyLimitAndJson() {
        proxyctl.admin.history = ListHistoryResponse.newBuilder().addSwitches(PLANNED).build();

        ProxyctlRunner.Result result = proxyctl.run("history", "--limit", "1", "-o", "json");

        assertThat(result.exitCode()).isZero();
        assertThat(proxyctl.admin.onlyRequest(ListHistoryRequest.class).getLimit()).isEqualTo(1);
        JsonNode json = result.json();
        assertThat(StatusCommandTest.fieldNames(json)).containsExactly("switches");
        assertThat(json.get("switches").get(0).get("startedMillis").asLong()).isEqualTo(1_795_000_000_000L);
        assertThat(json.get("switches").get(0).get("mode").asText()).isEqualTo("wait-replication");
    }

    @Test
    void anEmptyHistory() {
        ProxyctlRunner.Result result = proxyctl.run("history");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("no switches recorded yet\n");
        assertThat(proxyctl.run("history", "-o", "json").json().get("switches")).isEmpty();
    }
}
