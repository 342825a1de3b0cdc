package dev.turnout.dataplane.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.dataplane.command.CommandTable;
import dev.turnout.dataplane.config.ConfigHolder;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.LimitsConfig;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.Secret;
import dev.turnout.dataplane.server.ProxyServer;
import dev.turnout.testing.Await;
import dev.turnout.testing.FreePorts;
import dev.turnout.testing.RedisServerProcess;
import dev.turnout.v1.ConfigAck;
import dev.turnout.v1.ConfigSnapshot;
import dev.turnout.v1.Listener;
import dev.turnout.v1.Route;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * End to end in one JVM: a real ProxyServer that starts with nothing, driven by a fake control plane, in
 * front of a real Redis.
 */
class ManagedDataPlaneTest {

    private RedisServerProcess redis;
    private FakeControlPlane controlPlane;
    private ConfigHolder holder;
    private ProxyServer server;
    private ControlPlaneAgent agent;
    private HostAndPort ownListen;

    @BeforeEach
    void setUp() throws Exception {
        redis = RedisServerProcess.builder().password("redis-pw").start();
        controlPlane = new FakeControlPlane();
        holder = new ConfigHolder(new ProxyConfig(0, List.of(), Map.of(), LimitsConfig.DEFAULTS));
        server = new ProxyServer(holder, CommandTable.loadDefault(), 2);
        server.start();
        ownListen = new HostAndPort("127.0.0.1", FreePorts.next());
        agent = ControlPlaneAgent.builder("dp-e2e", holder, controlPlane.channel(), Secret.of("token"))
                .server(server)
                .extraListeners(List.of(ownListen))
                .build();
        agent.start();
        controlPlane.awaitHello(1);
    }

    @AfterEach
    void tearDown() throws Exception {
        agent.close();
        server.close();
        controlPlane.close();
        redis.close();
    }

    private ConfigSnapshot snapshot(long version, int... ports) {
        ConfigSnapshot.Builder s = ConfigSnapshot.newBuilder().setVersion(version)
                .putRoutes("default", Route.newBuilder()
                        .setUpstream(redis.host() + ":" + redis.port())
                        .setPassword("redis-pw")
                        .build());
        for (int port : ports) {
            s.addListeners(Listener.newBuilder().setListen("127.0.0.1:" + port).setRoute("default"));
        }
        return s.build();
    }

    private static String roundTrip(int port, String key, String value) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            jedis.set(key, value);
            return jedis.get(key);
        }
    }

    @Test
    void aSnapshotMakesTheProxyListenAndForwardToRedis() {
        assertThat(server.boundListeners()).isEmpty();
        int port = FreePorts.next();
        controlPlane.send(snapshot(1, port));
        assertThat(controlPlane.awaitAck(1).getApplied()).isTrue();

        assertThat(roundTrip(port, "k", "v")).isEqualTo("v");
        assertThat(roundTrip(ownListen.port(), "k2", "through --listen")).isEqualTo("through --listen");
        assertThat(server.boundListeners()).containsExactly(new HostAndPort("127.0.0.1", port), ownListen);
        Await.until(FakeControlPlane.TIMEOUT, "a status listing both listeners", controlPlane::statuses,
                s -> !s.isEmpty() && s.get(s.size() - 1).getListenersList().equals(List.of("127.0.0.1:" + port, ownListen.toString())));

        // The next snapshot moves the listener: the old port stops accepting, the new one serves.
        int moved = FreePorts.next();
        controlPlane.send(snapshot(2, moved));
        assertThat(controlPlane.awaitAck(2).getApplied()).isTrue();
        assertThat(roundTrip(moved, "k", "v2")).isEqualTo("v2");
        assertThatThrownBy(() -> roundTrip(port, "k", "v3")).isInstanceOf(JedisConnectionException.class);
    }

    @Test
    void aListenerThatCannotBeBoundRejectsTheWholeSnapshot() throws IOException {
        int first = FreePorts.next();
        controlPlane.send(snapshot(1, first));
        controlPlane.awaitAck(1);
        ProxyConfig good = holder.get();

        int fresh = FreePorts.next();
        try (ServerSocket taken = new ServerSocket(FreePorts.next(), 50, InetAddress.getByName("127.0.0.1"))) {
            int busy = taken.getLocalPort();
            controlPlane.send(snapshot(2, first, fresh, busy));
            ConfigAck ack = controlPlane.awaitAck(2);
            assertThat(ack.getApplied()).isFalse();
            assertThat(ack.getError()).startsWith("not applied: cannot listen on 127.0.0.1:" + busy + ": ")
                    .doesNotContain("redis-pw");
        }
        assertThat(holder.get()).isEqualTo(good);
        assertThat(agent.appliedVersion()).isEqualTo(1);
        // The listener bound before the failure was closed again; the old ones still serve.
        assertThat(server.boundListeners()).containsExactlyInAnyOrder(new HostAndPort("127.0.0.1", first), ownListen);
        assertThat(FreePorts.isFree(fresh)).isTrue();
        assertThat(roundTrip(first, "k", "still here")).isEqualTo("still here");
    }
}
