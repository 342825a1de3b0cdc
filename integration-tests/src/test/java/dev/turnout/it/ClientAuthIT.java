package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.testing.DataPlaneFixture;
import dev.turnout.testing.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;

/**
 * Issue 5, point 1: with users configured the proxy authenticates clients itself (AUTH user pass, AUTH pass for
 * the user "default", HELLO ... AUTH), refuses everything else before with NOAUTH, answers a wrong password with
 * WRONGPASS and slows repeated failures down; the client's credentials never reach Redis.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientAuthIT {

    /** The proxy's rule, as a client sees it: the first three failures in a row are answered at once. */
    private static final int FREE_FAILURES = 3;

    private RedisServerProcess redis;
    private DataPlaneFixture proxy;

    private static UserConfig user(String name, String password) {
        return new UserConfig(name, UserConfig.sha256(password.getBytes(StandardCharsets.UTF_8)), name + ":", "+@all", 0, 0);
    }

    @BeforeAll
    void start() {
        redis = RedisServerProcess.builder().password("upstream-pw").start();
        proxy = DataPlaneFixture.forwardingTo(redis).password("upstream-pw")
                .users(user("alice", "s3cret"), user("default", "let-me-in")).start();
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

    private RawRedisClient client() {
        return RawRedisClient.connect(proxy.host(), proxy.port());
    }

    @Test
    void commandsBeforeAuthGetNoauthAndAuthLetsThemThrough() {
        try (RawRedisClient c = client()) {
            assertThat(c.call("SET", "k", "v")).isEqualTo(new RawRedisClient.Error("NOAUTH Authentication required."));
            assertThat(c.call("PING")).isEqualTo(new RawRedisClient.Error("NOAUTH Authentication required."));
            assertThat(c.call("AUTH", "alice", "s3cret")).isEqualTo("OK");
            assertThat(c.call("SET", "k", "v")).isEqualTo("OK");
            assertThat(c.call("GET", "k")).isEqualTo("v");
        }
    }

    @Test
    void resetDeauthenticates() {
        try (RawRedisClient c = client()) {
            assertThat(c.call("AUTH", "alice", "s3cret")).isEqualTo("OK");
            assertThat(c.call("RESET")).isEqualTo("RESET");
            assertThat(c.call("PING")).isEqualTo(new RawRedisClient.Error("NOAUTH Authentication required."));
        }
    }

    @Test
    void aWrongPasswordIsWrongpassAndTheConnectionStaysUsable() {
        try (RawRedisClient c = client()) {
            assertThat(c.call("AUTH", "alice", "nope"))
                    .isEqualTo(new RawRedisClient.Error("WRONGPASS invalid username-password pair or user is disabled."));
            assertThat(c.call("AUTH", "mallory", "s3cret"))
                    .isEqualTo(new RawRedisClient.Error("WRONGPASS invalid username-password pair or user is disabled."));
            assertThat(c.call("GET", "k")).isEqualTo(new RawRedisClient.Error("NOAUTH Authentication required."));
            assertThat(c.call("AUTH", "alice", "s3cret")).isEqualTo("OK");
        }
    }

    @Test
    void authWithOnlyAPasswordIsTheDefaultUser() {
        try (RawRedisClient c = client()) {
            assertThat(c.call("AUTH", "let-me-in")).isEqualTo("OK");
            assertThat(c.call("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void helloAuthenticatesOrSaysHowTo() {
        try (RawRedisClient c = client()) {
            assertThat(c.call("HELLO", "2").toString()).contains("NOAUTH HELLO must be called with the client already "
                    + "authenticated");
            Object hello = c.call("HELLO", "2", "AUTH", "alice", "s3cret");
            assertThat(hello).isInstanceOf(List.class);
            assertThat(c.call("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void jedisAndRedisCliAuthenticateAsAUser() throws Exception {
        try (Jedis jedis = new Jedis(proxy.host(), proxy.port())) {
            assertThat(jedis.auth("alice", "s3cret")).isEqualTo("OK");
            assertThat(jedis.set("from-jedis", "1")).isEqualTo("OK");
        }
        Process cli = new ProcessBuilder("redis-cli", "-h", proxy.host(), "-p", Integer.toString(proxy.port()),
                "--user", "alice", "--pass", "s3cret", "--no-auth-warning", "get", "from-jedis").start();
        assertThat(cli.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()).isEqualTo("1");
    }

    @Test
    void repeatedFailuresAreSlowedDown() {
        try (RawRedisClient c = client()) {
            for (int i = 0; i < FREE_FAILURES; i++) {
                c.call("AUTH", "alice", "guess" + i);
            }
            long start = System.nanoTime();
            assertThat(c.call("AUTH", "alice", "guess")).isInstanceOf(RawRedisClient.Error.class);
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(tookMillis).as("the 4th failure in a row waits").isGreaterThanOrEqualTo(90);
            assertThat(c.call("AUTH", "alice", "s3cret")).as("success forgets the failures").isEqualTo("OK");
        }
    }

    @Test
    void aDelayedWrongpassKeepsPipelinedRepliesInOrder() {
        try (RawRedisClient setup = client(); RawRedisClient c = client()) {
            assertThat(setup.call("AUTH", "alice", "s3cret")).isEqualTo("OK");
            assertThat(setup.call("SET", "ordered", "v")).isEqualTo("OK");
            for (int i = 0; i < FREE_FAILURES; i++) {
                c.call("AUTH", "alice", "guess" + i);
            }
            c.send("AUTH alice wrong\r\nAUTH alice s3cret\r\nGET ordered\r\n");
            assertThat(c.read()).isInstanceOf(RawRedisClient.Error.class);
            assertThat(c.read()).isEqualTo("OK");
            assertThat(c.read()).isEqualTo("v");
        }
    }

    @Test
    void theClientsCredentialsNeverReachRedis() {
        try (RawRedisClient c = client(); Jedis direct = new Jedis(redis.host(), redis.port())) {
            direct.auth("upstream-pw");
            direct.configSet("slowlog-log-slower-than", "0");
            direct.slowlogReset();
            assertThat(c.call("AUTH", "alice", "s3cret")).isEqualTo("OK");
            assertThat(c.call("SET", "x", "1")).isEqualTo("OK");
            assertThat(direct.slowlogGet(128).toString()).doesNotContain("s3cret").doesNotContain("AUTH"); // "alice:" is in the key: the namespace
            direct.configSet("slowlog-log-slower-than", "10000");
        }
    }
}
