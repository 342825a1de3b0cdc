package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.testing.NettyLeakTracking;
import dev.turnout.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** The shared fixtures work from data-plane's test-jar under failsafe: a real Redis that Jedis can use. */
class RedisFixtureIT {

    private static RedisServerProcess redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServerProcess.builder().password("fixture-secret").start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void jedisAuthenticatesAndSetsAndGets() {
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
            assertThat(jedis.auth("fixture-secret")).isEqualTo("OK");
            assertThat(jedis.set("turnout:fixture", "works")).isEqualTo("OK");
            assertThat(jedis.get("turnout:fixture")).isEqualTo("works");
        }
    }

    @Test
    void jedisWithoutThePasswordIsRefused() {
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
            assertThatThrownBy(jedis::ping).isInstanceOf(JedisDataException.class).hasMessageStartingWith("NOAUTH");
        }
    }

    @Test
    void leakTrackingIsActiveInIntegrationTests() {
        assertThat(NettyLeakTracking.tracksByteBufs()).isTrue();
    }
}
