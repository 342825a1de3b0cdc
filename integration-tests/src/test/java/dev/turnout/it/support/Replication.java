package dev.turnout.it.support;

import dev.turnout.testing.Await;
import dev.turnout.testing.RedisServerProcess;
import java.time.Duration;
import redis.clients.jedis.Jedis;

/** A primary and its replicas as the switch tests and benchmarks see them, straight from Redis. */
public final class Replication {

    private Replication() {
    }

    /** A client of {@code redis} itself (not through the proxy), authenticated with {@code password}. */
    public static Jedis direct(RedisServerProcess redis, String password) {
        Jedis jedis = new Jedis(redis.host(), redis.port());
        jedis.auth(password);
        return jedis;
    }

    /** Waits, at most {@code timeout}, until {@code replica}'s link to its primary is up. */
    public static void awaitLinkUp(RedisServerProcess replica, String password, Duration timeout) {
        try (Jedis r = direct(replica, password)) {
            Await.until(timeout, "the replica's link to be up", () -> r.info("replication").contains("master_link_status:up"));
        }
    }
}
