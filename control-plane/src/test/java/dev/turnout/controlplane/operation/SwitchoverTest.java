package dev.turnout.controlplane.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.controlplane.redis.RedisAdmin;
import dev.turnout.controlplane.redis.RedisAdminException;
import dev.turnout.controlplane.registry.DataPlaneRegistry;
import dev.turnout.controlplane.state.DesiredStateStore;
import dev.turnout.controlplane.state.SwitchHistory;
import dev.turnout.dataplane.agent.ConfigSnapshots;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.dataplane.config.Secret;
import dev.turnout.testing.Await;
import dev.turnout.testing.FreePorts;
import dev.turnout.testing.RedisServerProcess;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.Outcome;
import dev.turnout.v1.SwitchRecord;
import dev.turnout.v1.SwitchRequest;
import java.nio.file.Path;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** Switchover against real Redis servers, with scripted data planes that pause, apply and resume: PAUSE_SWITCH.md 8, 9, 11. */
class SwitchoverTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String PASSWORD = "s3cret";

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService operations = Executors.newCachedThreadPool();
    private RedisServerProcess primary;
    private DesiredStateStore store;
    private SwitchHistory history;
    private DataPlaneRegistry registry;
    private FleetPause fleet;
    private Switchover switchover;
    private ScriptedDataPlane dpA;
    private ScriptedDataPlane dpB;

    @BeforeEach
    void start() throws Exception {
        primary = redis();
        store = DesiredStateStore.open(dataDir);
        closing.add(store);
        store.setUpstream("default", address(primary), null, PASSWORD, 0);
        history = SwitchHistory.open(dataDir);
        registry = new DataPlaneRegistry(Clock.systemUTC(), ConfigSnapshots.toProto(store.current()));
        fleet = new FleetPause(registry, timer, operations);
        switchover = new Switchover(store, registry, fleet, history, operations, Clock.systemUTC());
        dpA = ScriptedDataPlane.connect(registry, "dp-a", 1);
        dpB = ScriptedDataPlane.connect(registry, "dp-b", 1);
        closing.add(dpA);
        closing.add(dpB);
    }

    @AfterEach
    void stop() throws Exception {
        fleet.close();
        operations.shutdownNow();
        timer.shutdownNow();
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    @Test
    void aSwitchToAPrimaryPausesRepointsResumesAndIsRecorded() throws Exception {
        RedisServerProcess target = redis();

        OperationResult result = run(SwitchRequest.newBuilder().setTo(address(target)));

        assertThat(result.getOutcome()).isEqualTo(Outcome.DONE);
        assertThat(result.getMessage()).matches("switched route 'default' from " + quoted(primary) + " to "
                + quoted(target) + " \\(version 2\\); traffic held \\d+ ms");
        RouteConfig route = store.current().routes().get("default");
        assertThat(route.upstream()).isEqualTo(HostAndPort.parse(address(target)));
        assertThat(route.password()).isEqualTo(Secret.of(PASSWORD)); // kept
        assertThat(store.current().version()).isEqualTo(2);
        // Paused, then the new snapshot, then resumed: nothing reaches the new upstream before it is applied.
        assertThat(dpA.kinds()).containsExactly("pause", "config 2", "resume");
        assertThat(dpB.kinds()).containsExactly("pause", "config 2", "resume");
        assertThat(result.getDataPlanesList()).hasSize(2).allSatisfy(d -> {
            assertThat(d.getDrainedCommands()).isEqualTo(3);
            assertThat(d.getHeldMillis()).isEqualTo(42);
        });
        SwitchRecord record = result.getSwitch();
        assertThat(record.getId()).startsWith("switch-");
        assertThat(record.getRoute()).isEqualTo("default");
        assertThat(record.getFrom()).isEqualTo(address(primary));
        assertThat(record.getTo()).isEqualTo(address(target));
        assertThat(record.getMode()).isEqualTo("switch");
        assertThat(record.getOutcome()).isEqualTo(Outcome.DONE);
        assertThat(record.getVersion()).isEqualTo(2);
        assertThat(record.getStartedMillis()).isPositive();
        assertThat(record.getTotalMillis()).isGreaterThanOrEqualTo(record.getHeldMillis());
        assertThat(record.getHeldMillis()).isGreaterThanOrEqualTo(record.getApplyMillis());
        assertThat(history.newestFirst(10)).containsExactly(record);
        assertThat(fleet.state()).isEqualTo(FleetState.SERVING);
    }

    @Test
    void aTargetThatFailsItsCheckChangesNothing() throws Exception {
        int nobody = FreePorts.next();

        OperationResult result = run(SwitchRequest.newBuilder().setTo("127.0.0.1:" + nobody));

        assertThat(result.getOutcome()).isEqualTo(Outcome.PRECONDITION_FAILED);
        assertThat(result.getMessage()).startsWith("target check failed: 127.0.0.1:" + nobody + ": cannot connect")
                .endsWith("; nothing changed");
        assertThat(store.current().version()).isEqualTo(1);
        assertThat(dpA.kinds()).isEmpty();
        assertThat(history.newestFirst(1)).singleElement().satisfies(r -> {
            assertThat(r.getOutcome()).isEqualTo(Outcome.PRECONDITION_FAILED);
            assertThat(r.getVersion()).isZero();
            assertThat(r.getFrom()).isEqualTo(address(primary));
        });
    }

    @Test
    void aTargetThatRefusesTheRoutesPasswordFailsItsCheck() throws Exception {
        RedisServerProcess other = RedisServerProcess.builder().password("another").start();
        closing.add(other);

        OperationResult result = run(SwitchRequest.newBuilder().setTo(address(other)));

        assertThat(result.getOutcome()).isEqualTo(Outcome.PRECONDITION_FAILED);
        assertThat(result.getMessage()).startsWith("target check failed: " + address(other) + ": authentication failed")
                .endsWith("; nothing changed");
        assertThat(dpA.kinds()).isEmpty();
    }

    @Test
    void aPlainSwitchToAReplicaIsRefused() throws Exception {
        RedisServerProcess replica = replicaOf(primary);

        OperationResult result = run(SwitchRequest.newBuilder().setTo(address(replica)));

        assertThat(result.getOutcome()).isEqualTo(Outcome.PRECONDITION_FAILED);
        assertThat(result.getMessage()).isEqualTo("target check failed: target " + address(replica) + " is a replica (of " + address(primary)
                + "), expected a primary; use --wait-replication for a planned switchover to it, or --promote for a"
                + " failover; nothing changed");
        assertThat(dpA.kinds()).isEmpty();
    }

    @Test
    void aPlannedSwitchoverFencesWaitsForTheReplicaAndPromotesIt() throws Exception {
        RedisServerProcess replica = replicaOf(primary);
        try (Jedis jedis = jedis(primary)) {
            for (int i = 0; i < 100; i++) {
                jedis.incr("counter");
            }
        }

        OperationResult result = run(SwitchRequest.newBuilder().setTo(address(replica)).setWaitReplication(true));

        assertThat(result.getOutcome()).as(result.getMessage()).isEqualTo(Outcome.DONE);
        assertThat(admin(replica).replication().isPrimary()).isTrue();
        try (Jedis jedis = jedis(replica)) {
            assertThat(jedis.get("counter")).isEqualTo("100");
            jedis.incr("counter"); // writable: a primary now
        }
        SwitchRecord record = result.getSwitch();
        assertThat(record.getMode()).isEqualTo("wait-replication");
        assertThat(record.getFencedOffset()).isPositive();
        assertThat(record.getTargetOffset()).isGreaterThanOrEqualTo(record.getFencedOffset());
        assertThat(result.getWarningsList()).singleElement().asString()
                .startsWith("the old primary " + address(primary) + " is now a replica of " + address(replica));
        try (Jedis old = jedis(primary)) {
            assertThat(old.info("replication")).as("demoted while still fenced")
                    .contains("role:slave").contains("master_port:" + replica.port());
        }
        assertThat(history.newestFirst(1)).containsExactly(record);
        assertThat(store.current().routes().get("default").upstream().port()).isEqualTo(replica.port());
        try (Jedis old = jedis(primary)) {
            old.clientUnpause(); // let the old primary go without waiting out its fence
        }
    }

    @Test
    void aPlannedSwitchoverToAServerThatDoesNotReplicateTheUpstreamIsRefused() throws Exception {
        RedisServerProcess stranger = redis();

        OperationResult result = run(SwitchRequest.newBuilder().setTo(address(stranger)).setWaitReplication(true));

        assertThat(result.getOutcome()).isEqualTo(Outcome.PRECONDITION_FAILED);
        assertThat(result.getMessage()).isEqualTo("target check failed: target " + address(stranger) + " is a primary, not a replica of "
                + address(primary) + "; a plain switch (without --wait-replication) moves to a primary; nothing changed");
    }

    @Test
    void aFailoverPromotesTheReplicaAndWarnsOfLostWrites() throws Exception {
        RedisServerProcess replica = replicaOf(primary);

        OperationResult result = run(SwitchRequest.newBuilder().setTo(address(replica)).setPromote(true));

        assertThat(result.getOutcome()).as(result.getMessage()).isEqualTo(Outcome.DONE);
        assertThat(result.getWarningsList())
                .contains("unplanned failover: writes the old primary had acknowledged but not replicated may be lost");
        assertThat(admin(replica).replication().isPrimary()).isTrue();
        assertThat(result.getSwitch().getMode()).isEqualTo("promote");
    }

    @Test
    void aSwitchAndBackIsRecordedTwiceWithItsVersions() throws Exception {
        RedisServerProcess other = redis();
        String a = address(primary);
        String b = address(other);

        OperationResult there = run(SwitchRequest.newBuilder().setTo(b));
        OperationResult back = run(SwitchRequest.newBuilder().setTo(a));

        assertThat(there.getOutcome()).isEqualTo(Outcome.DONE);
        assertThat(back.getOutcome()).isEqualTo(Outcome.DONE);
        assertThat(history.newestFirst(10)).extracting(SwitchRecord::getFrom, SwitchRecord::getTo, SwitchRecord::getVersion)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(b, a, 3L), org.assertj.core.groups.Tuple.tuple(a, b, 2L));
        assertThat(dpA.kinds()).containsExactly("pause", "config 2", "resume", "pause", "config 3", "resume");
    }

    @Test
    void aRejectedVersionPointsTheRouteBackAndResumes() throws Exception {
        RedisServerProcess target = redis();
        dpB.rejecting(2);

        OperationResult result = run(SwitchRequest.newBuilder().setTo(address(target)));

        assertThat(result.getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.getMessage()).isEqualTo("data plane dp-b rejected version 2: routes.default.upstream: refused"
                + " by the test; route 'default' points at " + address(primary) + " again (version 3), resumed on "
                + address(primary));
        assertThat(store.current().routes().get("default").upstream().port()).isEqualTo(primary.port());
        assertThat(dpA.kinds()).containsExactly("pause", "config 2", "config 3", "resume");
        assertThat(result.getSwitch().getVersion()).isEqualTo(2);
        assertThat(fleet.state()).isEqualTo(FleetState.SERVING);
    }

    @Test
    void aSwitchWhileTheFleetIsPausedIsRefusedAndRecorded() throws Exception {
        RedisServerProcess target = redis();
        assertThat(fleet.pause(PauseSettings.DEFAULTS).get(5, TimeUnit.SECONDS).getOutcome()).isEqualTo(Outcome.DONE);

        OperationResult result = run(SwitchRequest.newBuilder().setTo(address(target)));

        assertThat(result.getOutcome()).isEqualTo(Outcome.PRECONDITION_FAILED);
        assertThat(result.getMessage()).startsWith("another operation is in progress: pause (pause-")
                .endsWith("; nothing changed");
        assertThat(history.newestFirst(1)).singleElement()
                .satisfies(r -> assertThat(r.getOutcome()).isEqualTo(Outcome.PRECONDITION_FAILED));
        assertThat(store.current().version()).isEqualTo(1);
    }

    @Test
    void aSwitchWhoseDrainTimesOutChangesNothing() throws Exception {
        RedisServerProcess target = redis();
        dpB.onPause(ScriptedDataPlane.OnPause.STAY_BUSY);

        OperationResult result = run(SwitchRequest.newBuilder().setTo(address(target)).setPauseTimeoutMillis(200));

        assertThat(result.getOutcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(result.getMessage()).startsWith("could not pause the fleet (timed out after ")
                .contains("dp-b: client 7 127.0.0.1:50123: inside MULTI").endsWith("); nothing changed");
        assertThat(store.current().version()).isEqualTo(1);
        Await.until(WAIT, "both data planes to be resumed", () -> dpA.resumes() == 1 && dpB.resumes() == 1);
    }

    @Test
    void usageErrorsAreRefusedBeforeAnythingIsRecorded() {
        assertThatThrownBy(() -> switchover.start(SwitchRequest.newBuilder().setTo("nowhere").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("to: expected host:port");
        assertThatThrownBy(() -> switchover.start(SwitchRequest.newBuilder().setTo("127.0.0.1:7001")
                .setWaitReplication(true).setPromote(true).build()))
                .hasMessageStartingWith("wait_replication and promote: choose one");
        assertThatThrownBy(() -> switchover.start(SwitchRequest.newBuilder().setTo("127.0.0.1:7001").setForce(true).build()))
                .hasMessageStartingWith("force: only with wait_replication");
        assertThatThrownBy(() -> switchover.start(SwitchRequest.newBuilder().setTo("127.0.0.1:7001")
                .setPauseTimeoutMillis(-1).build()))
                .hasMessage("pause_timeout_millis: -1 (expected: >= 0, 0 for 10 s)");
        assertThat(history.newestFirst(10)).isEmpty();
    }

    @Test
    void anUnknownRouteOrTheCurrentUpstreamIsAPreconditionFailure() throws Exception {
        OperationResult unknown = run(SwitchRequest.newBuilder().setRoute("orders").setTo("127.0.0.1:7001"));
        OperationResult same = run(SwitchRequest.newBuilder().setTo(address(primary)));

        assertThat(unknown.getOutcome()).isEqualTo(Outcome.PRECONDITION_FAILED);
        assertThat(unknown.getMessage()).isEqualTo("no route 'orders' in the desired state (routes: [default]); nothing changed");
        assertThat(same.getOutcome()).isEqualTo(Outcome.PRECONDITION_FAILED);
        assertThat(same.getMessage()).isEqualTo("route 'default' already points at " + address(primary) + "; nothing changed");
        assertThat(history.newestFirst(10)).hasSize(2);
    }

    private OperationResult run(SwitchRequest.Builder request) throws Exception {
        CompletableFuture<OperationResult> result = switchover.start(request.build());
        return result.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private RedisServerProcess redis() {
        // No 5 s wait for more replicas before a full sync: a replica is in sync at once.
        RedisServerProcess redis = RedisServerProcess.builder().password(PASSWORD)
                .args("--repl-diskless-sync-delay", "0").start();
        closing.add(redis);
        return redis;
    }

    private RedisServerProcess replicaOf(RedisServerProcess of) throws Exception {
        RedisServerProcess replica = RedisServerProcess.builder().password(PASSWORD)
                .args("--replicaof", "127.0.0.1", Integer.toString(of.port()), "--masterauth", PASSWORD).start();
        closing.add(replica);
        RedisAdmin admin = admin(replica);
        Await.until(WAIT, "the replica's link to be up", () -> {
            try {
                return admin.replication().isLinkUp();
            } catch (RedisAdminException e) {
                throw new IllegalStateException(e);
            }
        });
        return replica;
    }

    private RedisAdmin admin(RedisServerProcess redis) throws RedisAdminException {
        RedisAdmin admin = RedisAdmin.connect(HostAndPort.parse(address(redis)), null, Secret.of(PASSWORD),
                Duration.ofSeconds(2));
        closing.add(admin);
        return admin;
    }

    private static Jedis jedis(RedisServerProcess redis) {
        Jedis jedis = new Jedis(redis.host(), redis.port());
        jedis.auth(PASSWORD);
        return jedis;
    }

    private static String address(RedisServerProcess redis) {
        return redis.host() + ":" + redis.port();
    }

    private static String quoted(RedisServerProcess redis) {
        return java.util.regex.Pattern.quote(address(redis));
    }
}
