package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.turnout.it.support.AdminStub;
import dev.turnout.it.support.JavaProcess;
import dev.turnout.it.support.TurnoutFleet;
import dev.turnout.it.support.TurnoutJar;
import dev.turnout.testing.Await;
import dev.turnout.testing.RedisServerProcess;
import dev.turnout.v1.DataPlaneInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * The whole stack as real processes: a control plane, two managed data planes, two Redis servers, and
 * proxyctl driving it. The steps build on each other, in order, like an operator's day.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlPlaneIT {

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;

    private RedisServerProcess redisA;
    private RedisServerProcess redisB;
    private TurnoutFleet fleet;
    private JavaProcess controlPlane;
    private final List<JavaProcess> dataPlanes = new ArrayList<>();
    private int controlPort;
    private final int[] dataPlanePorts = new int[2];
    private AdminStub admin;
    private Jedis client1;
    private Jedis client2;
    private long client1Id;
    private long client2Id;

    @BeforeAll
    void startStack(@TempDir Path tempDir) throws IOException {
        dir = tempDir;
        redisA = RedisServerProcess.builder().password("a-pass").start();
        redisB = RedisServerProcess.builder().password("b-pass").start();
        write("a.pw", "a-pass\n");
        write("b.pw", "b-pass\n");
        fleet = TurnoutFleet.start(dir, 2);
        controlPlane = fleet.controlPlane();
        controlPort = fleet.controlPort();
        admin = fleet.admin();
        dataPlanes.addAll(fleet.dataPlanes());
        for (int i = 0; i < 2; i++) {
            dataPlanePorts[i] = fleet.listeners().get(i).port();
        }
    }

    @AfterAll
    void stopStack() {
        for (Jedis c : new Jedis[] {client1, client2}) {
            if (c != null) {
                c.close();
            }
        }
        if (fleet != null) {
            fleet.close();
        }
        if (redisA != null) {
            redisA.close();
        }
        if (redisB != null) {
            redisB.close();
        }
    }

    @Test
    @Order(1)
    void appliedConfigReachesBothDataPlanesWithinOneSecond() throws IOException {
        write("fleet.yaml", "routes:\n  default:\n    upstream: 127.0.0.1:" + redisA.port() + "\n    password-file: a.pw\n");
        JsonNode applied = proxyctlJson("config", "apply", "-f", dir.resolve("fleet.yaml").toString());
        long version = applied.get("version").asLong();
        assertThat(version).isEqualTo(1);
        long start = System.nanoTime();
        Await.until(Duration.ofSeconds(5), "both data planes to apply version 1",
                () -> applied("dp1") == version && applied("dp2") == version);
        assertReachedBothWithinOneSecond(version, start);

        client1 = new Jedis("127.0.0.1", dataPlanePorts[0]);
        client2 = new Jedis("127.0.0.1", dataPlanePorts[1]);
        Await.until(STARTUP, "the data planes to listen", () -> ping(client1) && ping(client2));
        client1Id = client1.clientId();
        client2Id = client2.clientId();
        assertThat(client1.set("k1", "via-dp1")).isEqualTo("OK");
        assertThat(client2.set("k2", "via-dp2")).isEqualTo("OK");
        assertThat(directGet(redisA, "a-pass", "k1")).isEqualTo("via-dp1");
        assertThat(directGet(redisA, "a-pass", "k2")).isEqualTo("via-dp2");
    }

    @Test
    @Order(2)
    void upstreamSetMovesTrafficWithoutDroppingAClient() {
        JsonNode set = proxyctlJson("upstream", "set", "127.0.0.1:" + redisB.port(),
                "--password-file", dir.resolve("b.pw").toString());
        long version = set.get("version").asLong();
        assertThat(version).isEqualTo(2);
        long start = System.nanoTime();
        Await.until(Duration.ofSeconds(5), "both data planes to apply version 2",
                () -> applied("dp1") == version && applied("dp2") == version);
        assertReachedBothWithinOneSecond(version, start);

        assertThat(client1.set("k1", "moved")).isEqualTo("OK");
        assertThat(client2.set("k2", "moved")).isEqualTo("OK");
        assertThat(directGet(redisB, "b-pass", "k1")).isEqualTo("moved");
        assertThat(directGet(redisB, "b-pass", "k2")).isEqualTo("moved");
        assertThat(directGet(redisA, "a-pass", "k1")).isEqualTo("via-dp1");
        // Same connections as before the switch: nobody was disconnected.
        assertThat(client1.clientId()).isEqualTo(client1Id);
        assertThat(client2.clientId()).isEqualTo(client2Id);
    }

    @Test
    @Order(3)
    void dataPlanesKeepServingWhileTheControlPlaneIsDown() {
        controlPlane.kill();
        assertThat(client1.incr("counter")).isEqualTo(1);
        assertThat(client2.incr("counter")).isEqualTo(2);
        try (Jedis fresh = new Jedis("127.0.0.1", dataPlanePorts[0])) {
            assertThat(fresh.get("counter")).isEqualTo("2");
        }
        assertThat(directGet(redisB, "b-pass", "counter")).isEqualTo("2");
        dataPlanes.forEach(JavaProcess::assertAlive);
    }

    @Test
    @Order(4)
    void restartedControlPlaneKeepsItsStateAndTheDataPlanesReconnect() {
        controlPlane.restart();
        Await.until(STARTUP, "the data planes to reconnect to the restarted control plane", () -> {
            controlPlane.assertAlive();
            return connected("dp1") && connected("dp2");
        });
        JsonNode status = proxyctlJson("status");
        assertThat(status.get("desiredVersion").asLong()).isEqualTo(2);
        for (JsonNode dp : status.get("dataPlanes")) {
            assertThat(dp.get("connected").asBoolean()).isTrue();
            assertThat(dp.get("appliedVersion").asLong()).isEqualTo(2);
            assertThat(dp.get("routes").get(0).get("upstream").asText()).isEqualTo("127.0.0.1:" + redisB.port());
        }
        JsonNode config = proxyctlJson("config", "get");
        assertThat(config.get("version").asLong()).isEqualTo(2);
        assertThat(config.get("yaml").asText()).contains("127.0.0.1:" + redisB.port()).contains("******")
                .doesNotContain("b-pass");
        assertThat(client1.get("counter")).isEqualTo("2");
        assertThat(client1.clientId()).isEqualTo(client1Id);
    }

    @Test
    @Order(5)
    void rejectedSnapshotShowsInStatus() throws IOException {
        // Valid for the control plane, but no data plane can listen on Redis A's port.
        write("busy.yaml", "listeners:\n  - listen: 127.0.0.1:" + redisA.port() + "\n    route: default\n"
                + "routes:\n  default:\n    upstream: 127.0.0.1:" + redisB.port() + "\n    password-file: b.pw\n");
        long version = proxyctlJson("config", "apply", "-f", dir.resolve("busy.yaml").toString()).get("version").asLong();
        Await.until(Duration.ofSeconds(10), "both data planes to reject version " + version,
                () -> rejected("dp1") == version && rejected("dp2") == version);

        ProxyctlResult table = proxyctl("status");
        assertThat(table.exitCode()).as(table.output()).isZero();
        assertThat(table.output()).contains("dp1").contains("dp2").contains(Integer.toString(redisA.port()));
        JsonNode status = proxyctlJson("status");
        for (JsonNode dp : status.get("dataPlanes")) {
            assertThat(dp.get("rejectedVersion").asLong()).isEqualTo(version);
            assertThat(dp.get("rejection").asText()).contains("127.0.0.1:" + redisA.port());
            assertThat(dp.get("appliedVersion").asLong()).isEqualTo(2);
        }
        // The data planes kept serving the last good configuration.
        assertThat(client1.get("counter")).isEqualTo("2");
        assertThat(status.toString()).doesNotContain("b-pass").doesNotContain(fleet.adminToken()).doesNotContain(fleet.dataPlaneToken());
    }

    @Test
    @Order(6)
    void staleIfVersionIsRefusedWithExitCodeFive() {
        ProxyctlResult result = proxyctl("config", "apply", "-f", dir.resolve("fleet.yaml").toString(), "--if-version", "1");
        assertThat(result.exitCode()).as(result.output()).isEqualTo(5);
        assertThat(result.output().strip().lines().toList()).hasSize(1);
    }

    // ------------------------------------------------------------------ helpers

    private static void assertReachedBothWithinOneSecond(long version, long startNanos) {
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        System.out.printf("ControlPlaneIT: version %d applied by both data planes %d ms after proxyctl returned%n",
                version, took.toMillis());
        assertThat(took).isLessThan(Duration.ofSeconds(1));
    }

    private boolean connected(String id) {
        return admin.dataPlane(id).map(DataPlaneInfo::getConnected).orElse(false);
    }

    private long applied(String id) {
        return admin.dataPlane(id).map(DataPlaneInfo::getAppliedVersion).orElse(-1L);
    }

    private long rejected(String id) {
        return admin.dataPlane(id).map(DataPlaneInfo::getRejectedVersion).orElse(-1L);
    }

    private record ProxyctlResult(int exitCode, String output) {
    }

    private int proxyctlRuns;

    private ProxyctlResult proxyctl(String... args) {
        Path log = dir.resolve("proxyctl-" + (++proxyctlRuns) + ".out");
        try (JavaProcess p = JavaProcess.start(TurnoutJar.PROXYCTL, log,
                Map.of("TURNOUT_CONTROL_PLANE", "127.0.0.1:" + controlPort, "TURNOUT_TOKEN", fleet.adminToken()), args)) {
            int code = p.waitFor(60);
            return new ProxyctlResult(code, p.output());
        }
    }

    private JsonNode proxyctlJson(String... args) {
        String[] withJson = new String[args.length + 2];
        withJson[0] = "-o";
        withJson[1] = "json";
        System.arraycopy(args, 0, withJson, 2, args.length);
        ProxyctlResult result = proxyctl(withJson);
        assertThat(result.exitCode()).as("proxyctl %s: %s", String.join(" ", args), result.output()).isZero();
        try {
            return JSON.readTree(result.output());
        } catch (IOException e) {
            throw new AssertionError("proxyctl " + String.join(" ", args) + " printed no JSON: " + result.output(), e);
        }
    }

    private static boolean ping(Jedis jedis) {
        try {
            return "PONG".equals(jedis.ping());
        } catch (RuntimeException notYet) {
            jedis.disconnect();
            return false;
        }
    }

    private static String directGet(RedisServerProcess redis, String password, String key) {
        try (Jedis direct = new Jedis(redis.host(), redis.port())) {
            direct.auth(password);
            return direct.get(key);
        }
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }
}
