package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.it.support.Replication;
import dev.turnout.it.support.SwitchLoad;
import dev.turnout.it.support.TurnoutFleet;
import dev.turnout.testing.Await;
import dev.turnout.testing.FreePorts;
import dev.turnout.testing.RedisServerProcess;
import dev.turnout.v1.Phase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * PAUSE_SWITCH.md end to end: a primary and its replica (real Redis processes), a control plane and two data
 * planes (real processes), proxyctl driving them, and clients of every kind through both data planes. The steps
 * build on each other, in order: checks that change nothing, pause and resume, a pause that times out and one a
 * resume cancels, the planned switchover under load (point 13), the switch back, and an unplanned failover.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwitchIT {

    private static final String PASSWORD = "s3cret-pw";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private RedisServerProcess primary;
    private RedisServerProcess replica;
    private TurnoutFleet fleet;
    private HostAndPort primaryAddress;
    private HostAndPort replicaAddress;

    @BeforeAll
    void start(@TempDir Path dir) {
        primary = RedisServerProcess.builder().password(PASSWORD).start();
        replica = RedisServerProcess.builder().password(PASSWORD)
                .args("--replicaof", "127.0.0.1", Integer.toString(primary.port()), "--masterauth", PASSWORD).start();
        primaryAddress = new HostAndPort("127.0.0.1", primary.port());
        replicaAddress = new HostAndPort("127.0.0.1", replica.port());
        awaitReplicating(replica);
        fleet = TurnoutFleet.start(dir, 2);
        fleet.route(primaryAddress, PASSWORD);
    }

    @AfterAll
    void stop() {
        if (fleet != null) {
            fleet.close();
        }
        if (replica != null) {
            replica.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    private Jedis direct(RedisServerProcess redis) {
        return Replication.direct(redis, PASSWORD);
    }

    private Jedis viaProxy(int dataPlane) {
        HostAndPort p = fleet.listeners().get(dataPlane);
        return new Jedis(p.host(), p.port(), 30_000);
    }

    /** A client inside MULTI (a raw one: Jedis sends MULTI only with the transaction). */
    private RawRedisClient inMulti(int dataPlane) {
        HostAndPort p = fleet.listeners().get(dataPlane);
        RawRedisClient c = RawRedisClient.connect(p.host(), p.port());
        assertThat(c.call("MULTI")).isEqualTo("OK");
        return c;
    }

    private void awaitReplicating(RedisServerProcess replicaServer) {
        Replication.awaitLinkUp(replicaServer, PASSWORD, WAIT);
    }

    /** Each step starts from a serving fleet, whatever the step before left. */
    @org.junit.jupiter.api.BeforeEach
    void serving() {
        if (fleet.admin().status().getPhase() != Phase.SERVING) {
            fleet.proxyctl("resume");
        }
    }

    private long desiredVersion() {
        return fleet.admin().status().getDesiredVersion();
    }

    @Test
    @Order(1)
    void aSwitchToAnUnreachableTargetChangesNothing() {
        long version = desiredVersion();
        TurnoutFleet.Run run = fleet.proxyctl("switch", "--to", "127.0.0.1:" + FreePorts.next());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(5);
        assertThat(run.err()).contains("target check failed").contains("cannot connect").contains("nothing changed");
        assertThat(desiredVersion()).isEqualTo(version);
        JsonNode history = fleet.proxyctlJson(0, "history");
        assertThat(history.get("switches").get(0).get("outcome").asText()).isEqualTo("PRECONDITION_FAILED");
    }

    @Test
    @Order(2)
    void aPlainSwitchToAReplicaIsRefused() {
        long version = desiredVersion();
        TurnoutFleet.Run run = fleet.proxyctl("switch", "--to", replicaAddress.toString());
        assertThat(run.exitCode()).isEqualTo(5);
        assertThat(run.err()).contains("is a replica").contains("--wait-replication");
        assertThat(desiredVersion()).isEqualTo(version);
    }

    @Test
    @Order(3)
    void pauseHoldsEveryDataPlaneUntilResumeAndBothAreIdempotent() throws Exception {
        try (Jedis a = viaProxy(0); Jedis d = direct(primary)) {
            JsonNode paused = fleet.proxyctlJson(0, "pause");
            assertThat(paused.get("outcome").asText()).isEqualTo("DONE");
            assertThat(paused.get("dataPlanes")).hasSize(2);
            paused.get("dataPlanes").forEach(dp -> assertThat(dp.get("phase").asText()).isEqualTo("PAUSED"));
            assertThat(fleet.proxyctlJson(0, "pause").get("message").asText()).isEqualTo("already paused");

            CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> a.set("held", "1"));
            Await.until(WAIT, "the command to be held", () -> fleet.admin().status().getDataPlanesList().stream()
                    .anyMatch(dp -> dp.getHeldCommands() >= 1));
            assertThat(fleet.admin().status().getPhase()).isEqualTo(Phase.PAUSED);
            assertThat(d.exists("held")).isFalse();

            JsonNode resumed = fleet.proxyctlJson(0, "resume");
            assertThat(resumed.get("outcome").asText()).isEqualTo("DONE");
            assertThat(held.get()).isEqualTo("OK");
            assertThat(d.get("held")).isEqualTo("1");
            assertThat(fleet.proxyctlJson(0, "resume").get("message").asText()).contains("not paused");
        }
    }

    @Test
    @Order(4)
    void aPauseThatCannotDrainGivesUpNamesTheBusyConnectionAndResumes() {
        try (RawRedisClient tx = inMulti(0)) {
            TurnoutFleet.Run run = fleet.proxyctl("--timeout", "500ms", "pause");
            assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(4);
            assertThat(run.err()).contains("inside MULTI").contains("resumed everything");
            Await.until(WAIT, "the fleet to serve again", () -> fleet.admin().status().getDataPlanesList().stream()
                    .allMatch(dp -> dp.getPhase() == Phase.SERVING));
            assertThat(tx.call("SET", "after-timeout", "1")).isEqualTo("QUEUED");
            assertThat(tx.call("EXEC")).isEqualTo(java.util.List.of("OK"));
        }
    }

    @Test
    @Order(5)
    void aResumeCancelsAPauseStillDraining() throws Exception {
        try (RawRedisClient tx = inMulti(1)) {
            CompletableFuture<TurnoutFleet.Run> pause = CompletableFuture.supplyAsync(
                    () -> fleet.proxyctl("--timeout", "20s", "pause"));
            Await.until(WAIT, "the pause to be draining", () -> fleet.admin().status().getPhase() == Phase.DRAINING);
            assertThat(fleet.proxyctl("resume").exitCode()).isZero();
            TurnoutFleet.Run cancelled = pause.get();
            assertThat(cancelled.exitCode()).isEqualTo(1);
            assertThat(cancelled.err()).contains("CANCELLED");
            assertThat(tx.call("SET", "after-cancel", "1")).isEqualTo("QUEUED");
            assertThat(tx.call("EXEC")).isEqualTo(java.util.List.of("OK"));
        }
    }

    @Test
    @Order(6)
    void aPlannedSwitchoverUnderLoadLosesNoAcknowledgedWriteAndClosesNoClient() throws Exception {
        SwitchLoad load = SwitchLoad.start(fleet.listeners(), 200, 5);
        try {
            Await.until(WAIT, "the load to get going", () -> load.acknowledgedWrites() > 10_000);
            JsonNode result = fleet.proxyctlJson(0, "switch", "--to", replicaAddress.toString(), "--wait-replication");
            JsonNode record = result.get("switch");
            assertThat(record.get("outcome").asText()).isEqualTo("DONE");
            assertThat(record.get("targetOffset").asLong()).isGreaterThanOrEqualTo(record.get("fencedOffset").asLong());
            long writesAtSwitch = load.acknowledgedWrites();
            Await.until(WAIT, "writes on the new primary", () -> load.acknowledgedWrites() > writesAtSwitch + 10_000);
            System.out.printf("planned switchover under load: traffic held %d ms (drain %d ms, replication %d ms, "
                            + "apply %d ms); %d writes acknowledged; slowest request %d ms%n",
                    record.get("heldMillis").asLong(), record.get("drainMillis").asLong(),
                    record.get("replicationMillis").asLong(), record.get("applyMillis").asLong(),
                    load.acknowledgedWrites(), load.maxLatencyMillis());
        } finally {
            load.stop();
        }
        assertThat(load.disconnects()).as("client connections closed: %s", load.disconnectReasons()).isZero();
        assertThat(load.errorReplies()).isZero();
        try (Jedis newPrimary = direct(replica)) {
            assertThat(newPrimary.info("replication")).contains("role:master");
            for (Map.Entry<String, Long> e : load.ackedIncrs().entrySet()) {
                assertThat(Long.parseLong(newPrimary.get(e.getKey())))
                        .as("counter %s: every acknowledged INCR, and nothing else", e.getKey()).isEqualTo(e.getValue());
            }
            assertThat(load.poppedTwice()).isZero();
            assertThat(load.popped() + newPrimary.llen("queue")).as("every pushed item popped once or still queued")
                    .isEqualTo(load.pushed());
        }
        assertThat(load.received()).isPositive();
    }

    @Test
    @Order(7)
    void switchingBackWorksAndBothSwitchesAreInTheHistory() {
        try (Jedis old = direct(primary)) {
            old.clientUnpause();
            old.configSet("masterauth", PASSWORD);
            old.replicaof(replicaAddress.host(), replicaAddress.port());
        }
        awaitReplicating(primary);
        JsonNode result = fleet.proxyctlJson(0, "switch", "--to", primaryAddress.toString(), "--wait-replication");
        assertThat(result.get("switch").get("outcome").asText()).isEqualTo("DONE");
        try (Jedis a = viaProxy(0); Jedis d = direct(primary)) {
            assertThat(a.set("back", "1")).isEqualTo("OK");
            assertThat(d.get("back")).isEqualTo("1");
        }
        JsonNode switches = fleet.proxyctlJson(0, "history").get("switches");
        assertThat(switches.get(0).get("to").asText()).isEqualTo(primaryAddress.toString());
        assertThat(switches.get(1).get("to").asText()).isEqualTo(replicaAddress.toString());
        assertThat(switches.get(0).get("version").asLong()).isGreaterThan(switches.get(1).get("version").asLong());
        assertThat(switches.get(0).get("outcome").asText()).isEqualTo("DONE");
    }

    @Test
    @Order(8)
    void anUnplannedFailoverPromotesTheReplicaAndSaysWritesMayBeLost() throws Exception {
        try (Jedis r = direct(replica)) {
            r.clientUnpause();
            r.replicaof(primaryAddress.host(), primaryAddress.port());
        }
        awaitReplicating(replica);
        SwitchLoad load = SwitchLoad.start(fleet.listeners(), 50, 2);
        JsonNode result;
        try {
            Await.until(WAIT, "the load to get going", () -> load.acknowledgedWrites() > 5_000);
            primary.kill();
            result = fleet.proxyctlJson(0, "switch", "--to", replicaAddress.toString(), "--promote");
            long atSwitch = load.acknowledgedWrites();
            Await.until(WAIT, "writes on the promoted replica", () -> load.acknowledgedWrites() > atSwitch + 5_000);
        } finally {
            load.stop();
        }
        assertThat(result.get("warnings").toString()).contains("may be lost");
        long lost = 0;
        try (Jedis promoted = direct(replica)) {
            assertThat(promoted.info("replication")).contains("role:master");
            for (Map.Entry<String, Long> e : load.ackedIncrs().entrySet()) {
                String value = promoted.get(e.getKey());
                lost += Math.max(0, e.getValue() - (value == null ? 0 : Long.parseLong(value)));
            }
        }
        System.out.printf("unplanned failover under load: %d writes acknowledged, %d acknowledged INCRs lost, "
                        + "%d error replies, %d client connections closed (%s)%n", load.acknowledgedWrites(), lost,
                load.errorReplies(), load.disconnects(), load.disconnectReasons());
    }
}
