package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.upstream.Upstreams;
import dev.turnout.testing.Await;
import dev.turnout.testing.DataPlaneFixture;
import dev.turnout.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * The proxy authenticates upstream on the clients' behalf (requirepass or an ACL user), on every upstream
 * connection, shared or dedicated, and selects the client's db before the connection carries a command.
 * Wrong credentials: each client hears it and is closed; the log says so once.
 */
class UpstreamAuthIT {

    /**
     * Many clients at once on a fresh proxy, each in its own db, race the upstream handshakes: not one
     * command may reach Redis before AUTH (Redis would answer NOAUTH) or before SELECT (wrong db).
     */
    @Test
    void everyConnectionAuthenticatesAndSelectsBeforeCarryingACommand() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.builder().password("s3cret").start();
             DataPlaneFixture proxy = DataPlaneFixture.forwardingTo(redis).start()) {
            runClientsInTheirOwnDbs(proxy, 12);
            try (Jedis direct = new Jedis(redis.host(), redis.port())) {
                direct.auth("s3cret");
                for (int i = 0; i < 12; i++) {
                    direct.select(i % 4);
                    assertThat(direct.get("auth:" + i)).as("key of client %d in db %d", i, i % 4).isEqualTo("v" + i);
                }
            }
            blockingCommandInDb(redis, proxy, "s3cret", null);
        }
    }

    @Test
    void aclUser() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.builder()
                .aclUser("default off")
                .aclUser("app on >apppw ~* &* +@all")
                .start();
             DataPlaneFixture proxy = DataPlaneFixture.forwardingTo(redis).user("app").password("apppw").start()) {
            try (Jedis jedis = new Jedis(proxy.host(), proxy.port())) {
                assertThat(jedis.aclWhoAmI()).isEqualTo("app");
            }
            runClientsInTheirOwnDbs(proxy, 8);
            blockingCommandInDb(redis, proxy, "apppw", "app");
            try (Jedis direct = new Jedis(redis.host(), redis.port())) {
                direct.auth("app", "apppw");
                String me = "id=" + direct.clientId() + " ";
                List<String> proxyConnections = direct.clientList().lines().filter(l -> !l.startsWith(me)).toList();
                assertThat(proxyConnections).isNotEmpty().allSatisfy(line -> assertThat(line).contains(" user=app "));
            }
        }
    }

    private static void runClientsInTheirOwnDbs(DataPlaneFixture proxy, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int id = i;
                done.add(pool.submit(() -> {
                    try (Jedis jedis = new Jedis(proxy.host(), proxy.port())) {
                        assertThat(jedis.select(id % 4)).isEqualTo("OK");
                        assertThat(jedis.set("auth:" + id, "v" + id)).isEqualTo("OK");
                        assertThat(jedis.get("auth:" + id)).isEqualTo("v" + id);
                        assertThat(jedis.dbSize()).isPositive();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** BLPOP runs on a dedicated upstream connection: it too must be authenticated and in the client's db. */
    private static void blockingCommandInDb(RedisServerProcess redis, DataPlaneFixture proxy, String password, String user)
            throws Exception {
        try (Jedis client = new Jedis(proxy.host(), proxy.port(), 10_000);
             Jedis direct = new Jedis(redis.host(), redis.port())) {
            if (user == null) {
                direct.auth(password);
            } else {
                direct.auth(user, password);
            }
            direct.select(3);
            direct.del("auth:queue");
            client.select(3);
            CompletableFuture<List<String>> popped = CompletableFuture.supplyAsync(() -> client.blpop(5, "auth:queue"));
            Await.until(Duration.ofSeconds(5), "BLPOP to block upstream",
                    () -> direct.info("clients").contains("blocked_clients:1"));
            direct.rpush("auth:queue", "job");
            assertThat(popped.get(5, TimeUnit.SECONDS)).containsExactly("auth:queue", "job");
        }
    }

    @Test
    void wrongPasswordClosesEachClientAndIsLoggedOnce() {
        Logger upstreamsLog = (Logger) LoggerFactory.getLogger(Upstreams.class);
        Logger turnoutLog = (Logger) LoggerFactory.getLogger("dev.turnout");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        ListAppender<ILoggingEvent> everything = new ListAppender<>();
        events.start();
        everything.start();
        upstreamsLog.addAppender(events);
        turnoutLog.addAppender(everything);
        try (RedisServerProcess redis = RedisServerProcess.builder().password("right").start();
             DataPlaneFixture proxy = DataPlaneFixture.forwardingTo(redis).password("wrong").start();
             Jedis direct = new Jedis(redis.host(), redis.port())) {
            direct.auth("right");
            // Clients keep coming while the proxy retries with backoff: several refused handshakes, on
            // both event loops, and every client told and closed.
            int[] clients = {0};
            Await.until(Duration.ofSeconds(15), "Redis to refuse the proxy's password several times", () -> {
                for (int i = 0; i < 4; i++) {
                    try (RawRedisClient client = RawRedisClient.connect(proxy.host(), proxy.port())) {
                        client.command("SET", "never", "written");
                        assertThat(client.readUntilClosed(Duration.ofSeconds(5)))
                                .isEqualTo("-ERR upstream authentication failed\r\n");
                        clients[0]++;
                    }
                }
                return authFailures(redis) >= 5;
            });
            assertThat(direct.exists("never")).isFalse();

            List<ILoggingEvent> errors = logged(events).stream().filter(e -> e.getLevel() == Level.ERROR).toList();
            assertThat(errors).as("errors logged for %d refused clients", clients[0]).hasSize(1);
            assertThat(errors.get(0).getFormattedMessage())
                    .contains(redis.host() + ":" + redis.port())
                    .contains("refused the proxy's credentials")
                    .doesNotContain("wrong");
            // Nothing else in the data plane logs per client or per attempt about it either.
            assertThat(logged(everything)).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .filteredOn(m -> m.contains("authentication") || m.contains("credentials") || m.contains("WRONGPASS"))
                    .hasSize(1);

            // Fixing the password (a reload) heals the proxy without a restart.
            proxy.switchUpstream(HostAndPort.parse(redis.host() + ":" + redis.port()), "right");
            try (Jedis jedis = new Jedis(proxy.host(), proxy.port())) {
                assertThat(jedis.set("healed", "yes")).isEqualTo("OK");
            }
        } finally {
            upstreamsLog.detachAppender(events);
            turnoutLog.detachAppender(everything);
        }
    }

    /** A copy of what the appender holds; it appends under its own lock, from the event loops. */
    private static List<ILoggingEvent> logged(ListAppender<ILoggingEvent> appender) {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    /** Refused authentications, from Redis's ACL LOG (identical entries are counted in one). */
    private static long authFailures(RedisServerProcess redis) {
        try (RawRedisClient direct = RawRedisClient.connect(redis.host(), redis.port())) {
            assertThat(direct.call("AUTH", "right")).isEqualTo("OK");
            long failures = 0;
            for (Object entry : (List<?>) direct.call("ACL", "LOG")) {
                List<?> fields = (List<?>) entry;
                if ("auth".equals(fields.get(fields.indexOf("reason") + 1))) {
                    failures += (Long) fields.get(fields.indexOf("count") + 1);
                }
            }
            return failures;
        }
    }
}
