package dev.turnout.controlplane.operation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.controlplane.operation.ScriptedDataPlane.OnPause;
import dev.turnout.controlplane.registry.DataPlaneRegistry;
import dev.turnout.testing.Await;
import dev.turnout.v1.ConfigSnapshot;
import dev.turnout.v1.ControlMessage;
import dev.turnout.v1.DataPlaneInfo;
import dev.turnout.v1.DataPlanePause;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.Outcome;
import dev.turnout.v1.Pause;
import dev.turnout.v1.PauseReport;
import dev.turnout.v1.Phase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** FleetPause with scripted data planes on a real registry: PAUSE_SWITCH.md 1, 2, 4 (the lease), 5. */
class FleetPauseTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final PauseSettings SHORT = PauseSettings.DEFAULTS.withTimeout(Duration.ofMillis(300));

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService callbacks = Executors.newCachedThreadPool();
    private final DataPlaneRegistry registry = new DataPlaneRegistry(Clock.systemUTC(),
            ConfigSnapshot.newBuilder().setVersion(3).build());
    private final FleetPause fleet = new FleetPause(registry, timer, callbacks);
    private final List<ScriptedDataPlane> dataPlanes = new ArrayList<>();

    @AfterEach
    void stop() {
        fleet.close();
        dataPlanes.forEach(ScriptedDataPlane::close);
        timer.shutdownNow();
        callbacks.shutdownNow();
    }

    @Test
    void aPauseIsDoneOnceEveryDataPlaneHasDrained() throws Exception {
        connect("dp-a");
        connect("dp-b");

        OperationResult result = get(fleet.pause(PauseSettings.DEFAULTS));

        assertThat(result.getOutcome()).isEqualTo(Outcome.DONE);
        assertThat(result.getMessage()).matches("paused 2 data plane\\(s\\) in \\d+ ms: 6 command\\(s\\) drained, 2 held");
        assertThat(result.getDataPlanesList()).extracting(DataPlanePause::getId).containsExactly("dp-a", "dp-b");
        assertThat(result.getDataPlanesList()).allSatisfy(d -> {
            assertThat(d.getPhase()).isEqualTo(Phase.PAUSED);
            assertThat(d.getDrainedCommands()).isEqualTo(3);
            assertThat(d.getHeldCommands()).isEqualTo(1);
            assertThat(d.getDrainMillis()).isEqualTo(12);
            assertThat(d.getBusyList()).isEmpty();
        });
        assertThat(fleet.state()).isEqualTo(new FleetState(Phase.PAUSED, "pause"));
        Pause sent = dataPlanes.get(0).received(ControlMessage::hasPause).get(0).getPause();
        assertThat(sent.getOperationId()).startsWith("pause-");
        assertThat(sent.getLeaseMillis()).isEqualTo(30_000);
        assertThat(sent.getHoldLimitMillis()).isEqualTo(10_000);
        assertThat(sent.getMaxHeldCommands()).isEqualTo(100_000);
        assertThat(registry.list()).extracting(DataPlaneInfo::getPhase).containsOnly(Phase.PAUSED);
    }

    @Test
    void aPauseThatTimesOutResumesEveryoneAndNamesTheBusyConnections() throws Exception {
        ScriptedDataPlane a = connect("dp-a");
        ScriptedDataPlane b = connect("dp-b").onPause(OnPause.STAY_BUSY)
                .busy("client 7 127.0.0.1:50123: inside MULTI", "client 9 127.0.0.1:50124: 1 command(s) in flight");

        OperationResult result = get(fleet.pause(SHORT));

        assertThat(result.getOutcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(result.getMessage()).startsWith("timed out after ").contains("1 of 2 data plane(s) had not drained")
                .contains("dp-b: client 7 127.0.0.1:50123: inside MULTI, client 9 127.0.0.1:50124: 1 command(s) in flight")
                .endsWith("resumed everything");
        assertThat(result.getDataPlanesList()).filteredOn(d -> d.getId().equals("dp-b")).singleElement()
                .satisfies(d -> {
                    assertThat(d.getPhase()).isEqualTo(Phase.DRAINING);
                    assertThat(d.getBusyList()).hasSize(2);
                });
        Await.until(WAIT, "both data planes to be sent a Resume", () -> a.resumes() == 1 && b.resumes() == 1);
        assertThat(fleet.state()).isEqualTo(FleetState.SERVING);
        assertThat(a.kinds()).containsExactly("config 3", "pause", "resume");
    }

    @Test
    void aResumeWhileAPauseDrainsCancelsIt() throws Exception {
        ScriptedDataPlane a = connect("dp-a");
        ScriptedDataPlane b = connect("dp-b").onPause(OnPause.SILENT);
        CompletableFuture<OperationResult> pause = fleet.pause(PauseSettings.DEFAULTS);
        Await.until(WAIT, "dp-b to be sent the pause", () -> b.pauses() == 1);
        assertThat(fleet.state().phase()).isEqualTo(Phase.DRAINING);

        OperationResult resumed = get(fleet.resume());

        assertThat(get(pause).getOutcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(get(pause).getMessage()).startsWith("cancelled by a resume after ").endsWith("resumed everything");
        assertThat(resumed.getOutcome()).isEqualTo(Outcome.DONE);
        assertThat(resumed.getMessage()).startsWith("cancelled the pause (pause-").endsWith("resumed 2 data plane(s)");
        assertThat(resumed.getDataPlanesList()).extracting(DataPlanePause::getHeldMillis).containsExactly(42L, 42L);
        assertThat(a.resumes()).isEqualTo(1);
        assertThat(fleet.state()).isEqualTo(FleetState.SERVING);
    }

    @Test
    void pauseAndResumeAreIdempotent() throws Exception {
        ScriptedDataPlane a = connect("dp-a").onPause(OnPause.SILENT);

        OperationResult notPaused = get(fleet.resume());
        assertThat(notPaused.getOutcome()).isEqualTo(Outcome.DONE);
        assertThat(notPaused.getMessage()).isEqualTo("not paused; sent a resume to 1 data plane(s) anyway");

        CompletableFuture<OperationResult> first = fleet.pause(PauseSettings.DEFAULTS);
        CompletableFuture<OperationResult> second = fleet.pause(PauseSettings.DEFAULTS);
        assertThat(second).isSameAs(first); // joins the drain in progress
        Await.until(WAIT, "the pause to reach dp-a", () -> a.pauses() == 1);
        String op = a.received(ControlMessage::hasPause).get(0).getPause().getOperationId();
        a.report(PauseReport.newBuilder().setOperationId(op).setPhase(Phase.PAUSED).setDrainedCommands(1).build());
        assertThat(get(first).getOutcome()).isEqualTo(Outcome.DONE);
        assertThat(get(second).getOutcome()).isEqualTo(Outcome.DONE);

        OperationResult again = get(fleet.pause(PauseSettings.DEFAULTS));
        assertThat(again.getOutcome()).isEqualTo(Outcome.DONE);
        assertThat(again.getMessage()).isEqualTo("already paused");
        assertThat(again.getDataPlanesList()).singleElement().satisfies(d -> assertThat(d.getPhase()).isEqualTo(Phase.PAUSED));
        assertThat(a.pauses()).isEqualTo(1);

        assertThat(get(fleet.resume()).getMessage()).startsWith("resumed 1 data plane(s), paused for ");
        assertThat(get(fleet.resume()).getMessage()).startsWith("not paused");
        assertThat(fleet.state()).isEqualTo(FleetState.SERVING);
    }

    @Test
    void whilePausedThePauseIsSentAgainEveryThirdOfTheLease() throws Exception {
        ScriptedDataPlane a = connect("dp-a");
        PauseSettings shortLease = new PauseSettings(Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofMillis(150), 100_000);

        assertThat(get(fleet.pause(shortLease)).getOutcome()).isEqualTo(Outcome.DONE);

        Await.until(WAIT, "the pause to be renewed three times", () -> a.pauses() >= 4);
        assertThat(a.received(ControlMessage::hasPause)).extracting(m -> m.getPause().getOperationId()).containsOnly(
                a.received(ControlMessage::hasPause).get(0).getPause().getOperationId());
        get(fleet.resume());
        long afterResume = a.pauses();
        // Another pause and resume later: had the renewal outlived the first resume, it would have sent more.
        ScriptedDataPlane b = connect("dp-b");
        get(fleet.pause(PauseSettings.DEFAULTS));
        get(fleet.resume());
        assertThat(b.pauses()).isEqualTo(1);
        assertThat(a.pauses()).isEqualTo(afterResume + 1);
    }

    @Test
    void aDataPlaneThatConnectsWhilePausedIsPausedAfterItsSnapshot() throws Exception {
        OperationResult result = get(fleet.pause(PauseSettings.DEFAULTS));
        assertThat(result.getOutcome()).isEqualTo(Outcome.DONE);
        assertThat(result.getMessage()).startsWith("paused 0 data plane(s)");
        assertThat(result.getWarningsList()).singleElement().asString().startsWith("no data plane is connected");

        ScriptedDataPlane late = connect("dp-late");

        assertThat(late.kinds()).containsExactly("config 3", "pause");
        Await.until(WAIT, "dp-late to report PAUSED", () -> registry.list().get(0).getPhase() == Phase.PAUSED);
        get(fleet.resume());
        assertThat(late.kinds()).containsExactly("config 3", "pause", "resume");
        ScriptedDataPlane after = connect("dp-after");
        assertThat(after.kinds()).containsExactly("config 3");
    }

    @Test
    void aDataPlaneThatConnectsWhileAPauseDrainsIsWaitedFor() throws Exception {
        ScriptedDataPlane a = connect("dp-a").onPause(OnPause.SILENT);
        CompletableFuture<OperationResult> pause = fleet.pause(PauseSettings.DEFAULTS);
        Await.until(WAIT, "the pause to reach dp-a", () -> a.pauses() == 1);

        ScriptedDataPlane late = connect("dp-late").onPause(OnPause.SILENT);
        Await.until(WAIT, "the pause to reach dp-late", () -> late.pauses() == 1);
        String op = a.received(ControlMessage::hasPause).get(0).getPause().getOperationId();
        a.report(PauseReport.newBuilder().setOperationId(op).setPhase(Phase.PAUSED).build());
        Await.until(WAIT, "dp-a's report to arrive", () -> registry.list().get(0).getPhase() == Phase.PAUSED);
        assertThat(pause).isNotDone();

        late.report(PauseReport.newBuilder().setOperationId(op).setPhase(Phase.PAUSED).build());

        assertThat(get(pause).getDataPlanesList()).extracting(DataPlanePause::getId).containsExactly("dp-a", "dp-late");
    }

    @Test
    void aDataPlaneThatDisconnectsWhileDrainingFailsThePause() throws Exception {
        ScriptedDataPlane a = connect("dp-a");
        ScriptedDataPlane b = connect("dp-b").onPause(OnPause.SILENT);
        CompletableFuture<OperationResult> pause = fleet.pause(PauseSettings.DEFAULTS);
        Await.until(WAIT, "the pause to reach dp-b", () -> b.pauses() == 1);

        b.disconnect();

        OperationResult result = get(pause);
        assertThat(result.getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.getMessage()).isEqualTo("data plane dp-b disconnected while draining; resumed everything");
        Await.until(WAIT, "dp-a to be sent a Resume", () -> a.resumes() == 1);
        assertThat(fleet.state()).isEqualTo(FleetState.SERVING);
    }

    @Test
    void aDataPlaneThatLeavesThePauseOnItsOwnIsPausedAgain() throws Exception {
        ScriptedDataPlane a = connect("dp-a");
        assertThat(get(fleet.pause(PauseSettings.DEFAULTS)).getOutcome()).isEqualTo(Outcome.DONE);
        String op = a.received(ControlMessage::hasPause).get(0).getPause().getOperationId();

        a.report(PauseReport.newBuilder().setOperationId(op).setPhase(Phase.SERVING).setHeldMillis(30_000)
                .setEnd("lease expired after 30000 ms without the control plane").build());

        Await.until(WAIT, "dp-a to be paused again", () -> a.pauses() == 2);
        Await.until(WAIT, "dp-a to report PAUSED again", () -> registry.list().get(0).getPhase() == Phase.PAUSED);
        assertThat(registry.list().get(0).getLastPauseEnd()).startsWith("lease expired");
    }

    @Test
    void aResumeNamesTheDataPlanesThatDidNotConfirmIt() throws Exception {
        connect("dp-a");
        connect("dp-b").silentOnResume();
        get(fleet.pause(PauseSettings.DEFAULTS));

        OperationResult result = get(fleet.resume());

        assertThat(result.getOutcome()).isEqualTo(Outcome.DONE);
        assertThat(result.getDataPlanesList()).extracting(DataPlanePause::getId, DataPlanePause::getHeldMillis)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("dp-a", 42L), org.assertj.core.groups.Tuple.tuple("dp-b", 0L));
        assertThat(result.getWarningsList()).singleElement().asString()
                .startsWith("data plane dp-b did not confirm the resume within 2000 ms");
    }

    @Test
    void aPauseWhileASwitchHoldsTheFleetIsRefused() throws Exception {
        Operation op = fleet.beginSwitch("switch-1", "switch default to 127.0.0.1:7001");

        OperationResult result = get(fleet.pause(PauseSettings.DEFAULTS));

        assertThat(result.getOutcome()).isEqualTo(Outcome.PRECONDITION_FAILED);
        assertThat(result.getMessage()).startsWith("another operation is in progress: switch default to 127.0.0.1:7001"
                + " (switch-1, checking for ");
        fleet.end(op, "done");
        assertThat(get(fleet.pause(PauseSettings.DEFAULTS)).getOutcome()).isEqualTo(Outcome.DONE);
    }

    @Test
    void aResumeDuringASwitchCancelsItBeforeItsPointOfNoReturnAndWaitsForItsEnd() throws Exception {
        ScriptedDataPlane a = connect("dp-a");
        Operation op = fleet.beginSwitch("switch-2", "switch default to 127.0.0.1:7001");
        assertThat(get(fleet.pause(op, PauseSettings.DEFAULTS)).getOutcome()).isEqualTo(Outcome.DONE);
        assertThat(fleet.state()).isEqualTo(new FleetState(Phase.SWITCHING, "switch default to 127.0.0.1:7001"));

        CompletableFuture<OperationResult> resume = fleet.resume();

        assertThat(fleet.isCancelled(op)).isTrue();
        assertThat(fleet.commit(op)).isFalse();
        assertThat(resume).isNotDone(); // it waits for the switch to roll back
        get(fleet.resume(op, "resumed on the old upstream"));
        fleet.end(op, "CANCELLED: rolled back");
        OperationResult result = get(resume);
        assertThat(result.getMessage()).startsWith("cancelled the switch switch default to 127.0.0.1:7001 (switch-2):"
                + " CANCELLED: rolled back; not paused");
        assertThat(a.resumes()).isEqualTo(2);
    }

    @Test
    void aResumeDuringACommittedSwitchWaitsForItToComplete() throws Exception {
        connect("dp-a");
        Operation op = fleet.beginSwitch("switch-3", "switch default to 127.0.0.1:7001");
        get(fleet.pause(op, PauseSettings.DEFAULTS));
        assertThat(fleet.commit(op)).isTrue();

        CompletableFuture<OperationResult> resume = fleet.resume();

        assertThat(fleet.isCancelled(op)).isFalse();
        get(fleet.resume(op, "resumed on the new upstream"));
        fleet.end(op, "DONE: switched");
        assertThat(get(resume).getMessage()).startsWith("the switch was past the point of no return and ran to its end:"
                + " switch default to 127.0.0.1:7001 (switch-3): DONE: switched; ");
    }

    private ScriptedDataPlane connect(String id) {
        ScriptedDataPlane dp = ScriptedDataPlane.connect(registry, id, 0);
        dataPlanes.add(dp);
        return dp;
    }

    private static OperationResult get(CompletableFuture<OperationResult> future) throws Exception {
        return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
