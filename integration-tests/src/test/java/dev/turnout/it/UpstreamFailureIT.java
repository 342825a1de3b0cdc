package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.testing.Await;
import dev.turnout.testing.DataPlaneFixture;
import dev.turnout.testing.FreePorts;
import dev.turnout.testing.RedisServerProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * An upstream that is down, or goes down: each affected command fails with an error naming the upstream
 * and the reason, clients stay connected, and the proxy reconnects on its own, with backoff.
 */
class UpstreamFailureIT {

    @Test
    void unreachableUpstreamGivesErrorsThenTheSameClientSucceedsOnceItIsUp() {
        int port = FreePorts.next();
        String upstream = "127.0.0.1:" + port;
        try (DataPlaneFixture proxy = DataPlaneFixture.forwardingTo(HostAndPort.parse(upstream)).start();
             RawRedisClient client = RawRedisClient.connect(proxy.host(), proxy.port())) {
            for (int i = 0; i < 3; i++) {
                assertUpstreamError(client.call("SET", "k", "v"), upstream);
            }
            // A pipeline: one error per command, in order, and the connection stays open.
            client.command("SET", "k", "v").command("GET", "k").command("PING");
            for (int i = 0; i < 3; i++) {
                assertUpstreamError(client.read(), upstream);
            }

            RedisServerProcess redis = RedisServerProcess.builder().port(port).start();
            try {
                Await.until(Duration.ofSeconds(10), "the same client's SET to succeed once Redis is up",
                        () -> client.call("SET", "k", "v"), "OK"::equals);
                assertThat(client.call("GET", "k")).isEqualTo("v");
                assertThat(proxy.server().connectedClients()).isEqualTo(1);
            } finally {
                redis.close();
            }
        }
    }

    /**
     * A server that accepts connections but never answers (a frozen Redis, a wrong port): commands fail
     * after the connect timeout instead of waiting forever, and the client stays connected.
     */
    @Test
    void upstreamThatAcceptsButNeverAnswers() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             DataPlaneFixture proxy = DataPlaneFixture.forwardingTo(new HostAndPort("127.0.0.1", silent.getLocalPort()))
                     .connectTimeout(Duration.ofMillis(300)).start();
             RawRedisClient client = RawRedisClient.connect(proxy.host(), proxy.port())) {
            String upstream = "127.0.0.1:" + silent.getLocalPort();
            assertThat(client.call("PING")).isEqualTo(new RawRedisClient.Error(
                    "ERR upstream " + upstream + " did not answer the handshake (HELLO) within 300 ms"));
            Object next = client.call("PING");
            assertThat(next).isInstanceOf(RawRedisClient.Error.class);
            assertThat(((RawRedisClient.Error) next).message()).startsWith("ERR upstream " + upstream + " ")
                    .contains("did not answer the handshake");
            assertThat(proxy.server().connectedClients()).isEqualTo(1);
        }
    }

    private static void assertUpstreamError(Object reply, String upstream) {
        assertThat(reply).isInstanceOf(RawRedisClient.Error.class);
        assertThat(((RawRedisClient.Error) reply).message())
                .startsWith("ERR upstream " + upstream + " ")
                .containsIgnoringCase("connection refused");
    }

    /**
     * Clients run commands in a loop while the upstream restarts, one of them BLPOP on dedicated upstream
     * connections: some commands fail (naming the upstream), then all succeed again, and no client is ever
     * disconnected.
     */
    @Test
    void upstreamRestartMidRun() throws Exception {
        int clients = 4;
        try (RedisServerProcess redis = RedisServerProcess.builder().password("pw").start();
             DataPlaneFixture proxy = DataPlaneFixture.forwardingTo(redis).start()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLongArray successes = new AtomicLongArray(clients);
            Queue<String> errors = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<?>> loops = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int id = c;
                    loops.add(pool.submit(() -> {
                        try (Jedis jedis = new Jedis(proxy.host(), proxy.port())) {
                            for (long i = 0; !stop.get(); i++) {
                                try {
                                    if (id == 0) {
                                        // A blocking command, on a dedicated upstream connection: times out empty.
                                        assertThat(jedis.blpop(0.01, "loop:queue")).isNull();
                                    } else {
                                        jedis.set("loop:" + id, Long.toString(i));
                                        assertThat(jedis.get("loop:" + id)).isEqualTo(Long.toString(i));
                                    }
                                    successes.incrementAndGet(id);
                                } catch (JedisDataException e) {
                                    errors.add(e.getMessage()); // a reply, not a lost connection
                                }
                            }
                        }
                        return null;
                    }));
                }
                awaitEachSucceeds(successes, "before the restart");
                redis.restart();
                awaitEachSucceeds(successes, "after the restart");
                assertThat(proxy.server().connectedClients()).isEqualTo(clients);
                stop.set(true);
                for (Future<?> loop : loops) {
                    loop.get(10, TimeUnit.SECONDS); // a JedisConnectionException would fail here
                }
            } finally {
                stop.set(true);
                pool.shutdownNow();
            }
            assertThat(errors).as("errors while Redis restarted").isNotEmpty()
                    .allSatisfy(e -> assertThat(e).startsWith("ERR upstream " + redis.host() + ":" + redis.port() + " "));
        }
    }

    private static void awaitEachSucceeds(AtomicLongArray successes, String when) {
        long[] from = new long[successes.length()];
        for (int i = 0; i < from.length; i++) {
            from[i] = successes.get(i);
        }
        Await.until(Duration.ofSeconds(15), "every client to succeed 20 times " + when, () -> {
            for (int i = 0; i < from.length; i++) {
                if (successes.get(i) - from[i] < 20) {
                    return false;
                }
            }
            return true;
        });
    }
}
