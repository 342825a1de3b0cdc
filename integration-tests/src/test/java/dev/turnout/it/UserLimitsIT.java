package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.testing.Await;
import dev.turnout.testing.DataPlaneFixture;
import dev.turnout.testing.RedisServerProcess;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 5: a user's command rules (Redis ACL syntax, refused with Redis's NOPERM text, EXECABORT inside MULTI), its
 * rate limit ({@code -ERR rate limited}) and its maximum number of connections, enforced by the proxy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserLimitsIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private RedisServerProcess redis;
    private DataPlaneFixture proxy;

    private static UserConfig user(String name, String commands, int maxConnections, int rateLimit) {
        return new UserConfig(name, UserConfig.sha256("pw".getBytes(StandardCharsets.UTF_8)), name + ":", commands,
                maxConnections, rateLimit);
    }

    @BeforeAll
    void start() {
        redis = RedisServerProcess.builder().start();
        proxy = DataPlaneFixture.forwardingTo(redis).users(
                user("safe", "+@all -@dangerous", 0, 0),
                user("reader", "-@all +get +ping +multi +exec", 0, 0),
                user("limited", "+@all", 0, 100),
                user("few", "+@all", 2, 0)).start();
    }

    @AfterAll
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private RawRedisClient as(String user) {
        RawRedisClient c = RawRedisClient.connect(proxy.host(), proxy.port());
        assertThat(c.call("AUTH", user, "pw")).isEqualTo("OK");
        return c;
    }

    @Test
    void commandRulesRefuseWithRedissNopermTextAndTheConnectionGoesOn() {
        try (RawRedisClient safe = as("safe"); RawRedisClient reader = as("reader")) {
            assertThat(safe.call("SET", "k", "v")).isEqualTo("OK");
            assertThat(safe.call("FLUSHALL")).isEqualTo(new RawRedisClient.Error(
                    "NOPERM this user has no permissions to run the 'flushall' command"));
            assertThat(safe.call("KEYS", "*")).isEqualTo(new RawRedisClient.Error(
                    "NOPERM this user has no permissions to run the 'keys' command"));
            assertThat(safe.call("GET", "k")).isEqualTo("v");

            assertThat(reader.call("GET", "k")).isNull();
            assertThat(reader.call("SET", "k", "w")).isEqualTo(new RawRedisClient.Error(
                    "NOPERM this user has no permissions to run the 'set' command"));
            assertThat(reader.call("CLIENT", "INFO")).isEqualTo(new RawRedisClient.Error(
                    "NOPERM this user has no permissions to run the 'client|info' command"));
            assertThat(reader.call("NOSUCHCOMMAND")).isEqualTo(new RawRedisClient.Error(
                    "NOPERM this user has no permissions to run the 'nosuchcommand' command"));
            assertThat(reader.call("MULTI")).isEqualTo("OK");
            assertThat(reader.call("SET", "k", "w")).isInstanceOf(RawRedisClient.Error.class);
            assertThat(reader.call("GET", "k")).isEqualTo("QUEUED");
            assertThat(reader.call("EXEC")).isEqualTo(new RawRedisClient.Error(
                    "EXECABORT Transaction discarded because of previous errors."));
            assertThat(reader.call("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void aRateLimitRefusesWhatGoesBeyondItAndTheConnectionGoesOn() {
        try (RawRedisClient limited = as("limited")) {
            int sent = 400;
            ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
            for (int i = 0; i < sent; i++) {
                pipeline.writeBytes(RawRedisClient.encode("INCR", "n"));
            }
            long start = System.nanoTime();
            limited.send(pipeline.toByteArray());
            int ran = 0;
            int refused = 0;
            for (int i = 0; i < sent; i++) {
                Object reply = limited.read();
                if (reply instanceof RawRedisClient.Error e) {
                    assertThat(e.message()).isEqualTo("ERR rate limited: user 'limited' may run 100 commands per second");
                    refused++;
                } else {
                    ran++;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // A second's worth (100, plus what refills while the pipeline runs) goes through; the rest is refused.
            assertThat(ran).isBetween(100, 101 + (int) Math.ceil(100 * seconds));
            assertThat(refused).isPositive();
            assertThat(refused).isEqualTo(sent - ran);
            assertThat(limited.call("GET", "n")).isEqualTo(Integer.toString(ran));
            Await.until(WAIT, "the bucket to refill", () -> "PONG".equals(limited.call("PING")));
        }
    }

    @Test
    void aUserGetsAtMostItsMaximumNumberOfConnections() {
        try (RawRedisClient first = as("few"); RawRedisClient second = as("few")) {
            RawRedisClient third = RawRedisClient.connect(proxy.host(), proxy.port());
            try {
                assertThat(third.call("AUTH", "few", "pw")).isEqualTo(new RawRedisClient.Error(
                        "ERR max number of connections for user 'few' reached (2)"));
                assertThat(third.call("PING")).isEqualTo(new RawRedisClient.Error("NOAUTH Authentication required."));
                // Another user on the same connection is not affected.
                assertThat(third.call("AUTH", "safe", "pw")).isEqualTo("OK");
                second.close();
                Await.until(WAIT, "the closed connection's slot to be free",
                        () -> "OK".equals(third.call("AUTH", "few", "pw")));
                assertThat(third.call("PING")).isEqualTo("PONG");
                // RESET gives the slot back.
                assertThat(third.call("RESET")).isEqualTo("RESET");
                try (RawRedisClient again = as("few")) {
                    assertThat(again.call("PING")).isEqualTo("PONG");
                }
            } finally {
                third.close();
            }
            assertThat(first.call("PING")).isEqualTo("PONG");
        }
    }
}
