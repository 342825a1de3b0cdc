package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.testing.DataPlaneFixture;
import dev.turnout.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The first promise: a client with no password reaches a password-protected Redis through the proxy. */
class ForwardingSmokeIT {

    @Test
    void clientWithoutPasswordReachesProtectedRedis() {
        try (RedisServerProcess redis = RedisServerProcess.builder().password("s3cret").start();
             DataPlaneFixture proxy = DataPlaneFixture.forwardingTo(redis).start();
             Jedis jedis = new Jedis(proxy.host(), proxy.port())) {
            assertThat(jedis.ping()).isEqualTo("PONG");
            assertThat(jedis.set("greeting", "hello")).isEqualTo("OK");
            assertThat(jedis.get("greeting")).isEqualTo("hello");
            try (Jedis direct = new Jedis(redis.host(), redis.port())) {
                direct.auth("s3cret");
                assertThat(direct.get("greeting")).isEqualTo("hello");
            }
        }
    }
}
