package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.dataplane.config.LimitsConfig;
import dev.turnout.testing.DataPlaneFixture;
import dev.turnout.testing.RedisServerProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Commands held for ordering still run, as in Redis, when a protocol error, QUIT or idle timeout follows them. */
class HeldCommandsIT {

    @Test
    void heldThenProtocolError() {
        String input = "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*x\r\n";
        try (RedisServerProcess redis = RedisServerProcess.start();
             DataPlaneFixture proxy = DataPlaneFixture.forwardingTo(redis).start()) {
            String fromRedis;
            try (RawRedisClient c = RawRedisClient.connect(redis.host(), redis.port())) {
                fromRedis = c.send(input).readUntilClosed(Duration.ofSeconds(5));
            }
            try (RawRedisClient c = RawRedisClient.connect(proxy.host(), proxy.port())) {
                assertThat(c.send(input).readUntilClosed(Duration.ofSeconds(5))).isEqualTo(fromRedis);
            }
        }
    }

    @Test
    void heldThenQuitThenMore() {
        String input = "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*1\r\n$4\r\nQUIT\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n";
        try (RedisServerProcess redis = RedisServerProcess.start();
             DataPlaneFixture proxy = DataPlaneFixture.forwardingTo(redis).start()) {
            String fromRedis;
            try (RawRedisClient c = RawRedisClient.connect(redis.host(), redis.port())) {
                fromRedis = c.send(input).readUntilClosed(Duration.ofSeconds(5));
            }
            try (redis.clients.jedis.Jedis d = new redis.clients.jedis.Jedis(redis.host(), redis.port())) {
                d.select(1);
                assertThat(d.del("after")).isZero();
            }
            try (RawRedisClient c = RawRedisClient.connect(proxy.host(), proxy.port())) {
                assertThat(c.send(input).readUntilClosed(Duration.ofSeconds(5))).isEqualTo(fromRedis);
            }
            try (redis.clients.jedis.Jedis d = new redis.clients.jedis.Jedis(redis.host(), redis.port())) {
                d.select(1);
                assertThat(d.exists("after")).isFalse();
            }
        }
    }

    @Test
    void idleDuringSlowCommand() {
        LimitsConfig l = new LimitsConfig(100, Duration.ofMillis(300), LimitsConfig.DEFAULTS.maxBulkLength(),
                LimitsConfig.DEFAULTS.maxMultibulkLength(), LimitsConfig.DEFAULTS.maxInlineLength(), 1000);
        try (RedisServerProcess redis = RedisServerProcess.builder().args("--enable-debug-command", "yes").start();
             DataPlaneFixture proxy = DataPlaneFixture.forwardingTo(redis).limits(l).start();
             RawRedisClient c = RawRedisClient.connect(proxy.host(), proxy.port())) {
            assertThat(c.call("DEBUG", "SLEEP", "1")).isEqualTo("OK");
            assertThat(c.awaitClosed(Duration.ofSeconds(5))).isTrue();
        }
    }
}
