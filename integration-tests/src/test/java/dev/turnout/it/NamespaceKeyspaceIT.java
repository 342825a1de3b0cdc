package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.dataplane.pause.PauseController;
import dev.turnout.dataplane.pause.PausePhase;
import dev.turnout.dataplane.pause.PauseProgress;
import dev.turnout.testing.Await;
import dev.turnout.testing.DataPlaneFixture;
import dev.turnout.testing.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.args.ClientPauseMode;

/**
 * FLUSHDB, DBSIZE and the like in a namespace are walks of the namespace's keys that the proxy runs: they follow
 * what the client sent before them, do not depend on the session's own connection (CLIENT REPLY OFF/SKIP), finish
 * a flush the client no longer waits for, and stop at a page boundary while a pause holds traffic.
 */
class NamespaceKeyspaceIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final List<PauseProgress> reports = new CopyOnWriteArrayList<>();
    private RedisServerProcess redis;
    private DataPlaneFixture proxy;
    private PauseController pauses;
    private Jedis direct;

    @BeforeEach
    void start() {
        redis = RedisServerProcess.builder().start();
        proxy = DataPlaneFixture.forwardingTo(redis).threads(1)
                .users(new UserConfig("alice", UserConfig.sha256("a-pw".getBytes(StandardCharsets.UTF_8)), "alice:",
                        "+@all", 0, 0))
                .start();
        pauses = new PauseController(proxy.server().sessions(), reports::add);
        direct = new Jedis(redis.host(), redis.port());
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {direct, pauses, proxy, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private RawRedisClient alice() {
        RawRedisClient c = RawRedisClient.connect(proxy.host(), proxy.port());
        assertThat(c.call("AUTH", "alice", "a-pw")).isEqualTo("OK");
        return c;
    }

    private void fill(String prefix, int n) {
        Pipeline p = direct.pipelined();
        for (int i = 0; i < n; i++) {
            p.set(prefix + i, "v");
        }
        p.sync();
    }

    private static String commands(String[]... commands) {
        StringBuilder raw = new StringBuilder();
        for (String[] command : commands) {
            raw.append(new String(RawRedisClient.encode(command), StandardCharsets.ISO_8859_1));
        }
        return raw.toString();
    }

    @Test
    void flushdbAfterClientReplyOffRunsAndAnswersNothing() {
        direct.set("alice:k", "v");
        try (RawRedisClient alice = alice()) {
            alice.command("CLIENT", "REPLY", "OFF");
            alice.command("FLUSHDB");
            assertThat(alice.call("CLIENT", "REPLY", "ON")).isEqualTo("OK");
        }
        assertThat(direct.exists("alice:k")).isFalse();
    }

    @Test
    void flushdbAfterClientReplySkipRunsAndTheNextReplyIsTheNextCommands() {
        direct.set("alice:k", "v");
        try (RawRedisClient alice = alice()) {
            alice.command("CLIENT", "REPLY", "SKIP");
            alice.command("FLUSHDB");
            assertThat(alice.call("PING")).isEqualTo("PONG");
            assertThat(alice.call("GET", "k")).isNull();
        }
        assertThat(direct.exists("alice:k")).isFalse();
    }

    /** A refused command takes the skip too: the skip Redis still holds must not swallow a later reply. */
    @Test
    void aRefusedCommandAfterClientReplySkipLeavesLaterRepliesInPlace() {
        try (RawRedisClient alice = alice()) {
            alice.command("CLIENT", "REPLY", "SKIP");
            alice.command("CONFIG", "GET", "maxmemory");
            assertThat(alice.call("SET", "k", "v")).isEqualTo("OK");
            assertThat(alice.call("GET", "k")).isEqualTo("v");
        }
    }

    /** On a connection held by WATCH, a pipelined SET then FLUSHDB: the walk starts after the SET has run. */
    @Test
    void aWalkFollowsWhatTheClientSentBeforeIt() {
        try (RawRedisClient alice = alice()) {
            assertThat(alice.call("WATCH", "w")).isEqualTo("OK");
            alice.send(commands(new String[] {"SET", "k", "v"}, new String[] {"FLUSHDB"}, new String[] {"DBSIZE"}));
            assertThat(alice.read()).isEqualTo("OK");
            assertThat(alice.read()).isEqualTo("OK");
            assertThat(alice.read()).isEqualTo(0L);
        }
        assertThat(direct.exists("alice:k")).isFalse();
    }

    @Test
    void aFlushFollowedByQuitFlushesTheWholeNamespace() {
        fill("alice:k", 5_000);
        fill("bob:k", 100);
        try (RawRedisClient alice = alice()) {
            alice.send(commands(new String[] {"FLUSHDB"}, new String[] {"QUIT"}));
            assertThat(alice.read()).isEqualTo("OK");
            assertThat(alice.read()).isEqualTo("OK");
        }
        Await.until(WAIT, "alice's keys gone", () -> direct.keys("alice:*").isEmpty());
        assertThat(direct.dbSize()).isEqualTo(100L);
    }

    /**
     * A pause stops a FLUSHDB at a page boundary: the pause drains (nothing in flight), no key is deleted while it
     * holds, and after the resume the flush goes on and answers. Redis's own CLIENT PAUSE WRITE keeps the walk's
     * first UNLINK waiting until the proxy's pause has begun, so the walk cannot end before it.
     */
    @Test
    void aPauseStopsAWalkAtAPageBoundaryAndTheResumeFinishesIt() {
        int keys = 20_000;
        fill("alice:k", keys);
        try (RawRedisClient alice = alice()) {
            direct.clientPause(10_000, ClientPauseMode.WRITE);
            alice.command("FLUSHDB");
            Await.until(WAIT, "the walk's first UNLINK waiting in Redis",
                    () -> direct.clientList().contains(" cmd=unlink "));

            pauses.pause("op", Duration.ofSeconds(60), Duration.ofSeconds(60), 100_000);
            direct.clientUnpause();
            Await.until(WAIT, "PAUSED (the walk out of flight)",
                    () -> reports.stream().anyMatch(r -> r.phase() == PausePhase.PAUSED));
            assertThat(pauses.snapshot().held()).as("the walk, waiting for the resume").isEqualTo(1);
            assertThat(pauses.snapshot().inflight()).isZero();
            long left = direct.dbSize();
            assertThat(left).as("one page (about 1000 keys) unlinked, then nothing while paused")
                    .isLessThan(keys).isGreaterThan(keys - 1500L);
            assertThat(pauses.snapshot().held()).isEqualTo(1);
            assertThat(direct.dbSize()).isEqualTo(left);

            pauses.resume("op", "resumed");
            assertThat(alice.read()).isEqualTo("OK");
            assertThat(alice.call("DBSIZE")).isEqualTo(0L);
        }
        assertThat(direct.dbSize()).isZero();
    }
}
