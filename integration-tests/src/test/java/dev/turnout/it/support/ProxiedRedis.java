package dev.turnout.it.support;

import dev.turnout.testing.DataPlaneFixture;
import dev.turnout.testing.RedisServerProcess;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;

/**
 * A password-protected redis-server and an in-JVM data plane forwarding to it, shared by all the tests of
 * one class: started before the first test, closed after the last.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ProxiedRedis stack = ProxiedRedis.withPassword("pw");
 *
 * new Jedis(stack.proxy().host(), stack.proxy().port())   // through the proxy, no password
 * try (Jedis direct = stack.direct()) { ... }              // straight to Redis, authenticated
 * stack.admin().get("k")                                   // this test's own direct connection
 * }</pre>
 *
 * <p>Before each test Redis is emptied (FLUSHALL) on a fresh direct connection, {@link #admin()}, which
 * is closed after the test.
 *
 * <p>The proxy presents the password upstream, so its clients never give one. A class's own
 * {@code @BeforeAll} methods run after this has started both, and its {@code @AfterAll} methods before
 * it closes them.
 */
public final class ProxiedRedis implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final String password;
    private RedisServerProcess redis;
    private DataPlaneFixture proxy;
    private Jedis admin;

    private ProxiedRedis(String password) {
        this.password = Objects.requireNonNull(password, "password");
    }

    /** Redis with {@code requirepass password}, and a data plane in front of it that authenticates with it. */
    public static ProxiedRedis withPassword(String password) {
        return new ProxiedRedis(password);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        redis = RedisServerProcess.builder().password(password).start();
        proxy = DataPlaneFixture.forwardingTo(redis).start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        admin = direct();
        admin.flushAll();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }

    /** This test's direct, authenticated connection to Redis (opened and flushed before it, closed after). */
    public Jedis admin() {
        return started(admin);
    }

    /** The redis-server; only between the class's start and end. */
    public RedisServerProcess redis() {
        return started(redis);
    }

    /** The data plane in front of {@link #redis()}. */
    public DataPlaneFixture proxy() {
        return started(proxy);
    }

    /** A new connection straight to Redis, authenticated; the caller closes it. */
    public Jedis direct() {
        RedisServerProcess server = redis();
        Jedis jedis = new Jedis(server.host(), server.port());
        jedis.auth(password);
        return jedis;
    }

    private static <T> T started(T part) {
        if (part == null) {
            throw new IllegalStateException("ProxiedRedis is not running: register it as a static @RegisterExtension"
                    + " field and use it from the tests or @BeforeAll/@AfterAll/@BeforeEach/@AfterEach methods");
        }
        return part;
    }
}
