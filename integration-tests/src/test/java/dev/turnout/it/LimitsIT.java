package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.dataplane.config.LimitsConfig;
import dev.turnout.testing.Await;
import dev.turnout.testing.DataPlaneFixture;
import dev.turnout.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Client limits: Redis's protocol limits by default (same reply, same close), configurable ones, max
 * clients, and the idle timeout, which spares blocked and subscribed clients.
 */
class LimitsIT {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private static RedisServerProcess redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    /** Past Redis's default limits, the proxy sends what Redis sends, then closes, as Redis does. */
    @Test
    void defaultLimitsAreRedisDefaults() {
        List<String> inputs = List.of(
                "*1\r\n$536870913\r\n",                      // bulk longer than proto-max-bulk-len (512 MiB)
                "*2147483648\r\n",                           // multibulk count past INT_MAX
                "*" + "1".repeat(70_000),                    // a count line longer than 64 KiB
                "*1\r\n$" + "1".repeat(70_000),              // a bulk length line longer than 64 KiB
                "GET " + "k".repeat(70_000));                // an inline command longer than 64 KiB
        try (DataPlaneFixture proxy = DataPlaneFixture.forwardingTo(redis).start()) {
            for (String input : inputs) {
                String fromRedis;
                try (RawRedisClient direct = RawRedisClient.connect(redis.host(), redis.port())) {
                    fromRedis = direct.send(input).readUntilClosed(CLOSE_TIMEOUT);
                }
                try (RawRedisClient client = RawRedisClient.connect(proxy.host(), proxy.port())) {
                    assertThat(client.send(input).readUntilClosed(CLOSE_TIMEOUT))
                            .as("reply to %.40s...", input.replace("\r\n", "\\r\\n"))
                            .startsWith("-ERR Protocol error: ")
                            .isEqualTo(fromRedis);
                }
            }
            // Just under the defaults is fine: a 60 KiB inline command and a 1 MiB bulk.
            try (RawRedisClient client = RawRedisClient.connect(proxy.host(), proxy.port())) {
                assertThat(client.send("SET inline " + "v".repeat(60 * 1024) + "\r\n").read()).isEqualTo("OK");
                assertThat(client.call("SET", "bulk", "b".repeat(1024 * 1024))).isEqualTo("OK");
                assertThat(client.call("STRLEN", "bulk")).isEqualTo(1024L * 1024);
            }
        }
    }

    @Test
    void configuredLimitsApply() {
        LimitsConfig limits = new LimitsConfig(100, Duration.ZERO, 1024, 8, 256, 1000);
        try (DataPlaneFixture proxy = DataPlaneFixture.forwardingTo(redis).limits(limits).start();
             Jedis bystander = new Jedis(proxy.host(), proxy.port())) {
            assertThat(bystander.set("bystander", "here")).isEqualTo("OK");
            try (RawRedisClient client = RawRedisClient.connect(proxy.host(), proxy.port())) {
                assertThat(client.call("SET", "k", "x".repeat(1024))).isEqualTo("OK");
                assertThat(client.call("RPUSH", "list", "a", "b", "c", "d", "e", "f")).isEqualTo(6L); // 8 arguments
                assertThat(client.send("SET inline " + "y".repeat(240) + "\r\n").read()).isEqualTo("OK");
            }
            expectErrorAndClose(proxy, RawRedisClient.encode("SET", "k", "x".repeat(1025)),
                    "ERR Protocol error: invalid bulk length");
            expectErrorAndClose(proxy, RawRedisClient.encode("RPUSH", "list", "a", "b", "c", "d", "e", "f", "g"),
                    "ERR Protocol error: invalid multibulk length");
            expectErrorAndClose(proxy, ("SET inline " + "y".repeat(300) + "\r\n").getBytes(),
                    "ERR Protocol error: too big inline request");
            expectErrorAndClose(proxy, ("*1\r\n$" + "0".repeat(300) + "3\r\n").getBytes(),
                    "ERR Protocol error: too big bulk count string");
            assertThat(bystander.get("bystander")).isEqualTo("here");
        }
    }

    private static void expectErrorAndClose(DataPlaneFixture proxy, byte[] input, String error) {
        try (RawRedisClient client = RawRedisClient.connect(proxy.host(), proxy.port())) {
            assertThat(client.send(input).readUntilClosed(CLOSE_TIMEOUT)).isEqualTo("-" + error + "\r\n");
        }
    }

    @Test
    void maxClientsRefusesTheNextClientOnly() {
        LimitsConfig limits = new LimitsConfig(3, Duration.ZERO, LimitsConfig.DEFAULTS.maxBulkLength(),
                LimitsConfig.DEFAULTS.maxMultibulkLength(), LimitsConfig.DEFAULTS.maxInlineLength(),
                LimitsConfig.DEFAULTS.maxInflightPerClient());
        try (DataPlaneFixture proxy = DataPlaneFixture.forwardingTo(redis).limits(limits).start()) {
            List<Jedis> admitted = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Jedis jedis = new Jedis(proxy.host(), proxy.port());
                    admitted.add(jedis);
                    assertThat(jedis.ping()).isEqualTo("PONG");
                }
                try (RawRedisClient refused = RawRedisClient.connect(proxy.host(), proxy.port())) {
                    refused.command("PING");
                    assertThat(refused.readUntilClosed(CLOSE_TIMEOUT)).isEqualTo("-ERR max number of clients reached\r\n");
                }
                for (Jedis jedis : admitted) {
                    assertThat(jedis.ping()).isEqualTo("PONG");
                }
                admitted.remove(0).close();
                // The freed slot is counted back once the proxy has seen the close.
                Await.until(Duration.ofSeconds(5), "a client to be admitted after another left", () -> {
                    try (RawRedisClient next = RawRedisClient.connect(proxy.host(), proxy.port())) {
                        return "PONG".equals(next.call("PING"));
                    } catch (RuntimeException refusedAgain) {
                        return false;
                    }
                });
                Await.until(Duration.ofSeconds(5), "the proxy to count 2 clients", () -> proxy.server().connectedClients() == 2);
            } finally {
                admitted.forEach(Jedis::close);
            }
        }
    }

    /**
     * With an idle timeout, a quiet client is closed, but a client blocked in BLPOP and a subscribed client
     * are not: both still receive what they wait for after longer than the timeout.
     */
    @Test
    void idleTimeoutSparesBlockedAndSubscribedClients() throws Exception {
        Duration idle = Duration.ofMillis(400);
        LimitsConfig limits = new LimitsConfig(100, idle, LimitsConfig.DEFAULTS.maxBulkLength(),
                LimitsConfig.DEFAULTS.maxMultibulkLength(), LimitsConfig.DEFAULTS.maxInlineLength(),
                LimitsConfig.DEFAULTS.maxInflightPerClient());
        try (DataPlaneFixture proxy = DataPlaneFixture.forwardingTo(redis).limits(limits).start();
             Jedis direct = new Jedis(redis.host(), redis.port())) {
            direct.del("idle:queue");
            try (RawRedisClient quiet = RawRedisClient.connect(proxy.host(), proxy.port())) {
                assertThat(quiet.call("PING")).isEqualTo("PONG");
                assertThat(quiet.awaitClosed(Duration.ofSeconds(5))).as("an idle client is closed").isTrue();
            }
            // Jedis connects (and talks) in its constructor: the idle clock of these starts here.
            try (Jedis blocked = new Jedis(proxy.host(), proxy.port(), 30_000);
                 Jedis subscribed = new Jedis(proxy.host(), proxy.port(), 30_000)) {
                waitingClientsSurvive(direct, blocked, subscribed, proxy);
            }
        }
    }

    /**
     * Like Redis, replies count as interaction: a client slowly reading a large reply is not idle; one that
     * stopped reading is.
     */
    @Test
    void clientReadingALargeReplySlowlyIsNotIdle() throws Exception {
        LimitsConfig limits = new LimitsConfig(100, Duration.ofMillis(300), LimitsConfig.DEFAULTS.maxBulkLength(),
                LimitsConfig.DEFAULTS.maxMultibulkLength(), LimitsConfig.DEFAULTS.maxInlineLength(),
                LimitsConfig.DEFAULTS.maxInflightPerClient());
        int size = 4 * 1024 * 1024;
        try (DataPlaneFixture proxy = DataPlaneFixture.forwardingTo(redis).limits(limits).start();
             Jedis direct = new Jedis(redis.host(), redis.port());
             RawRedisClient client = RawRedisClient.connect(proxy.host(), proxy.port(), 32 * 1024)) {
            direct.set("idle:large", "x".repeat(size));
            client.command("GET", "idle:large");
            // A slow consumer: 32 KiB every 10 ms, so the reply takes over a second, several idle timeouts.
            java.io.InputStream in = client.input();
            byte[] piece = new byte[32 * 1024];
            long total = 0;
            long expected = ("$" + size + "\r\n").length() + size + 2;
            while (total < expected) {
                int n = in.read(piece);
                assertThat(n).as("bytes read after %d of %d", total, expected).isPositive();
                total += n;
                java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10));
            }
            assertThat(total).isEqualTo(expected);
            // Once quiet, it is idle like any other.
            assertThat(client.awaitClosed(Duration.ofSeconds(5))).isTrue();

            // A client that asks for more than the socket buffers hold and never reads is idle too.
            direct.set("idle:huge", "x".repeat(32 * 1024 * 1024));
            try (RawRedisClient stuck = RawRedisClient.connect(proxy.host(), proxy.port(), 32 * 1024)) {
                stuck.command("GET", "idle:huge");
                Await.until(Duration.ofSeconds(10), "a client that does not read to be closed",
                        () -> proxy.server().connectedClients() == 0);
            }
            direct.del("idle:large", "idle:huge");
        }
    }

    /** BLPOP and SUBSCRIBE through the proxy; both outlast a client that starts idling after them. */
    private static void waitingClientsSurvive(Jedis direct, Jedis blocked, Jedis subscribed, DataPlaneFixture proxy)
            throws Exception {
        CompletableFuture<List<String>> popped = CompletableFuture.supplyAsync(() -> blocked.blpop(0, "idle:queue"));
        CompletableFuture<String> message = new CompletableFuture<>();
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String text) {
                message.complete(text);
                unsubscribe();
            }
        };
        CompletableFuture<Void> subscription = CompletableFuture.runAsync(() -> subscribed.subscribe(listener, "idle:channel"));
        Await.until(Duration.ofSeconds(5), "BLPOP to block upstream and SUBSCRIBE to take effect",
                () -> direct.info("clients").lines().filter(l -> l.startsWith("blocked_clients:")).findFirst().orElse("")
                        + " subscribers:" + direct.pubsubNumSub("idle:channel").get("idle:channel")
                        + " popped:" + popped + " subscription:" + subscription,
                s -> s.startsWith("blocked_clients:1 subscribers:1 "));

        // A client that starts idling now is closed after the timeout; the two above have idled longer.
        try (RawRedisClient witness = RawRedisClient.connect(proxy.host(), proxy.port())) {
            assertThat(witness.call("PING")).isEqualTo("PONG");
            assertThat(witness.awaitClosed(Duration.ofSeconds(5))).isTrue();
        }
        assertThat(direct.rpush("idle:queue", "job")).isEqualTo(1L);
        assertThat(popped.get(5, TimeUnit.SECONDS)).containsExactly("idle:queue", "job");
        assertThat(direct.publish("idle:channel", "hello")).isEqualTo(1L);
        assertThat(message.get(5, TimeUnit.SECONDS)).isEqualTo("hello");
        subscription.get(5, TimeUnit.SECONDS);
    }
}
