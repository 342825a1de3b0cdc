package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.it.RespWire.Push;
import dev.turnout.it.support.ProxiedRedis;
import dev.turnout.testing.Await;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * The commands that turn a connection into something other than request/reply: MONITOR (a stream of
 * every command Redis runs, ended by RESET), CLIENT TRACKING in RESP3 (invalidation pushes) and CLIENT
 * REPLY OFF/ON/SKIP (no replies at all). Each ends with the connection back to ordinary commands.
 */
class MonitorAndTrackingIT {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String PASSWORD = "monitor-secret";

    @RegisterExtension
    static final ProxiedRedis stack = ProxiedRedis.withPassword(PASSWORD);



    private static RespWire wire() {
        return new RespWire(stack.proxy().host(), stack.proxy().port());
    }

    private static RespWire directWire() {
        RespWire wire = new RespWire(stack.redis().host(), stack.redis().port());
        assertThat(wire.call("AUTH", PASSWORD)).isEqualTo("OK");
        return wire;
    }

    /** Reads MONITOR lines until one contains {@code text}, returning it. */
    private static String awaitMonitorLine(RespWire monitor, String text) {
        List<Object> seen = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Object line = monitor.read();
            if (line instanceof String s && s.contains(text)) {
                return s;
            }
            seen.add(line);
        }
        throw new AssertionError("no MONITOR line with " + text + " within " + WAIT + "; saw " + seen);
    }

    private long monitorsInRedis() {
        return stack.admin().clientList().lines().filter(l -> l.contains(" flags=O ")).count();
    }

    // ------------------------------------------------------------------ MONITOR

    @Test
    void monitorSeesOtherClientsCommandsUntilReset() {
        try (RespWire monitor = wire(); Jedis other = new Jedis(stack.proxy().host(), stack.proxy().port())) {
            assertThat(monitor.call("MONITOR")).isEqualTo("OK");
            other.set("monitored-key", "v1");
            other.incr("monitored-counter");
            String line = awaitMonitorLine(monitor, "\"SET\" \"monitored-key\" \"v1\"");
            assertThat(line).matches("\\d+\\.\\d+ \\[0 .+\\] \"SET\" \"monitored-key\" \"v1\"");
            awaitMonitorLine(monitor, "\"INCR\" \"monitored-counter\"");
            try (Jedis direct = stack.direct()) {
                direct.set("set-directly", "x");
            }
            awaitMonitorLine(monitor, "\"SET\" \"set-directly\" \"x\"");

            // RESET ends MONITOR: its reply comes after whatever lines were already on their way.
            monitor.send("RESET");
            Object reply;
            do {
                reply = monitor.read();
            } while (reply instanceof String s && !s.equals("RESET"));
            assertThat(reply).isEqualTo("RESET");
            Await.until(WAIT, "Redis to drop the proxy's MONITOR connection", () -> monitorsInRedis() == 0);

            // Back to an ordinary connection: no more MONITOR lines, replies to its own commands only.
            other.set("after-reset", "1");
            assertThat(monitor.call("GET", "after-reset")).isEqualTo("1");
            assertThat(monitor.call("PING")).isEqualTo("PONG");
        }
    }

    /** MONITOR and RESET in one write: the reply to MONITOR must come first, as from Redis. */
    @Test
    void monitorThenResetInOneWrite() {
        String monitorResetPing = "*1\r\n$7\r\nMONITOR\r\n*1\r\n$5\r\nRESET\r\n*1\r\n$4\r\nPING\r\n";
        try (RespWire direct = directWire()) {
            direct.sendRaw(monitorResetPing);
            assertThat(direct.read()).isEqualTo("OK");
            assertThat(direct.read()).isEqualTo("RESET");
            // RESET logged the direct connection out; the proxy's clients never log in.
            assertThat(direct.read()).isEqualTo(new RespWire.Error("NOAUTH Authentication required."));
        }
        try (RespWire viaProxy = wire()) {
            viaProxy.sendRaw(monitorResetPing);
            assertThat(viaProxy.read()).isEqualTo("OK");
            assertThat(viaProxy.read()).isEqualTo("RESET");
            assertThat(viaProxy.read()).isEqualTo("PONG");
        }
        Await.until(WAIT, "no MONITOR left in Redis", () -> monitorsInRedis() == 0);
    }

    @Test
    void quitEndsMonitor() {
        try (RespWire monitor = wire()) {
            assertThat(monitor.call("MONITOR")).isEqualTo("OK");
            Await.until(WAIT, "the MONITOR to reach Redis", () -> monitorsInRedis() == 1);
            monitor.send("QUIT");
            Object reply;
            do {
                reply = monitor.read();
            } while (reply instanceof String s && !s.equals("OK"));
            assertThat(reply).isEqualTo("OK");
            assertThat(monitor.closedByServer()).isTrue();
        }
        Await.until(WAIT, "Redis to drop the proxy's MONITOR connection", () -> monitorsInRedis() == 0);
    }

    // ------------------------------------------------------------------ CLIENT TRACKING

    @Test
    void trackingInResp3PushesAnInvalidationOnARawSocket() {
        try (RespWire tracked = wire(); Jedis writer = new Jedis(stack.proxy().host(), stack.proxy().port())) {
            assertThat(tracked.call("HELLO", "3")).isInstanceOf(Map.class);
            assertThat(tracked.call("CLIENT", "TRACKING", "ON")).isEqualTo("OK");
            writer.set("tracked-key", "v1");
            assertThat(tracked.call("GET", "tracked-key")).isEqualTo("v1");
            writer.set("tracked-key", "v2");
            assertThat(tracked.read()).isEqualTo(new Push(List.of("invalidate", List.of("tracked-key"))));
            // The connection still answers its own commands, and tracks again after the next read.
            assertThat(tracked.call("GET", "tracked-key")).isEqualTo("v2");
            writer.del("tracked-key");
            assertThat(tracked.read()).isEqualTo(new Push(List.of("invalidate", List.of("tracked-key"))));
            assertThat(tracked.call("CLIENT", "TRACKING", "OFF")).isEqualTo("OK");
            assertThat(tracked.call("GET", "tracked-key")).isNull();
            writer.set("tracked-key", "v3");
            assertThat(tracked.call("PING")).as("no invalidation once tracking is off").isEqualTo("PONG");
        }
    }

    @Test
    void trackingInResp3WithLettuce() throws Exception {
        ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1).build();
        RedisClient client = RedisClient.create(resources, RedisURI.create(stack.proxy().host(), stack.proxy().port()));
        client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
        try (StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8);
             Jedis writer = new Jedis(stack.proxy().host(), stack.proxy().port())) {
            BlockingQueue<String> pushes = new LinkedBlockingQueue<>();
            Function<ByteBuffer, Object> text = b -> StringCodec.UTF8.decodeValue(b);
            connection.addListener(push -> pushes.add(push.getType() + " " + push.getContent(text)));
            assertThat(connection.sync().clientTracking(TrackingArgs.Builder.enabled())).isEqualTo("OK");
            writer.set("lettuce-tracked", "1");
            assertThat(connection.sync().get("lettuce-tracked")).isEqualTo("1");
            writer.incr("lettuce-tracked");
            assertThat(pushes.poll(5, TimeUnit.SECONDS)).isEqualTo("invalidate [invalidate, [lettuce-tracked]]");
            assertThat(connection.sync().get("lettuce-tracked")).isEqualTo("2");
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ CLIENT REPLY

    /**
     * The same script against Redis and through the proxy gets the same replies: none while replies are
     * OFF, none for the command after SKIP, everything again after ON.
     */
    @Test
    void clientReplyOffSkipOnAsRedisDocuments() {
        List<Object> fromRedis;
        try (RespWire direct = directWire()) {
            fromRedis = clientReplyScript(direct);
        }
        List<Object> fromProxy;
        try (RespWire client = wire()) {
            fromProxy = clientReplyScript(client);
        }
        assertThat(fromProxy).isEqualTo(fromRedis).containsExactly("OK", "v1", "1", "v2", "PONG", "v3", "OK", "PONG");
    }

    private List<Object> clientReplyScript(RespWire wire) {
        stack.admin().flushAll();
        List<Object> replies = new ArrayList<>();
        wire.send("CLIENT", "REPLY", "OFF");
        wire.send("SET", "r1", "v1");
        wire.send("INCR", "r-counter");
        wire.send("GET", "r1");
        wire.send("CLIENT", "GETNAME"); // answered by the proxy: silent too
        wire.send("PING");
        replies.add(wire.call("CLIENT", "REPLY", "ON"));
        replies.add(wire.call("GET", "r1"));
        replies.add(wire.call("GET", "r-counter"));
        wire.send("CLIENT", "REPLY", "SKIP");
        wire.send("SET", "r2", "v2");
        replies.add(wire.call("GET", "r2"));
        wire.send("CLIENT", "REPLY", "SKIP");
        wire.send("CLIENT", "SETNAME", "skipped-reply");
        replies.add(wire.call("PING"));
        // One write: OFF, commands, ON, and more, as a pipelining client would send them.
        wire.sendRaw("*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n*3\r\n$3\r\nSET\r\n$2\r\nr3\r\n$2\r\nv3\r\n"
                + "*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$2\r\nON\r\n*2\r\n$3\r\nGET\r\n$2\r\nr3\r\n");
        assertThat(wire.read()).as("CLIENT REPLY ON, the first reply after OFF").isEqualTo("OK");
        replies.add(wire.read());
        replies.add(wire.call("CLIENT", "REPLY", "ON"));
        replies.add(wire.call("PING"));
        return replies;
    }
}
