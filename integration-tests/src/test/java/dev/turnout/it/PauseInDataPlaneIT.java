package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.pause.PauseController;
import dev.turnout.dataplane.pause.PausePhase;
import dev.turnout.dataplane.pause.PauseProgress;
import dev.turnout.testing.Await;
import dev.turnout.testing.DataPlaneFixture;
import dev.turnout.testing.RedisServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/**
 * The data plane's half of pause and switch (PAUSE_SWITCH.md 1-7 and 10), driven directly through its
 * {@link PauseController} against real Redis servers: drain, hold, hold limit, bound, lease, MULTI let
 * through, blocking commands ended and re-issued, and session state carried to a new upstream.
 */
class PauseInDataPlaneIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration HOLD = Duration.ofSeconds(10);

    private final List<PauseProgress> reports = new CopyOnWriteArrayList<>();
    private RedisServerProcess redis;
    private RedisServerProcess other;
    private DataPlaneFixture proxy;
    private PauseController pauses;

    private void start(int threads, String... redisArgs) {
        redis = RedisServerProcess.builder().args(redisArgs).start();
        proxy = DataPlaneFixture.forwardingTo(redis).threads(threads).start();
        pauses = new PauseController(proxy.server().sessions(), reports::add);
    }

    @AfterEach
    void stop() {
        if (pauses != null) {
            pauses.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (other != null) {
            other.close();
        }
    }

    private RawRedisClient client() {
        return RawRedisClient.connect(proxy.host(), proxy.port());
    }

    private Jedis direct(RedisServerProcess server) {
        return new Jedis(server.host(), server.port());
    }

    private PauseProgress awaitReport(String what, Predicate<PauseProgress> match) {
        Await.until(WAIT, what, () -> reports.stream().anyMatch(match));
        return reports.stream().filter(match).findFirst().orElseThrow();
    }

    private PauseProgress pauseAndAwaitPaused() {
        pauses.pause("op", LEASE, HOLD, 100_000);
        return awaitReport("PAUSED", r -> r.phase() == PausePhase.PAUSED);
    }

    /** Whether a client of {@code server} is blocked in BLPOP now (flag b, not just BLPOP as its last command). */
    private static boolean blockedIn(Jedis server) {
        return server.clientList().lines().anyMatch(l -> l.contains(" flags=b ") && l.contains(" cmd=blpop "));
    }

    private void awaitHeld(long n) {
        Await.until(WAIT, n + " held command(s)", () -> pauses.snapshot().held() >= n);
    }

    @Test
    void commandsSentWhilePausedAreHeldAndRunOnResume() {
        start(2);
        try (RawRedisClient c = client(); Jedis d = direct(redis)) {
            assertThat(c.call("SET", "before", "1")).isEqualTo("OK");
            PauseProgress paused = pauseAndAwaitPaused();
            assertThat(paused.inflight()).isZero();

            c.command("SET", "k", "v");
            awaitHeld(1);
            assertThat(d.get("k")).as("held, never sent upstream").isNull();

            pauses.resume("op", "resumed");
            assertThat(c.read()).isEqualTo("OK");
            assertThat(d.get("k")).isEqualTo("v");
            PauseProgress resumed = awaitReport("SERVING", r -> r.phase() == PausePhase.SERVING);
            assertThat(resumed.heldMillis()).isPositive();
            assertThat(resumed.end()).isEqualTo("resumed");
        }
    }

    @Test
    void pauseWaitsForCommandsInFlightAndNamesTheBusyConnection() {
        start(2, "--enable-debug-command", "yes");
        try (RawRedisClient c = client()) {
            c.command("DEBUG", "SLEEP", "0.6");
            Await.until(WAIT, "the DEBUG SLEEP in flight", () -> pauses.snapshot().inflight() == 1);
            pauses.pause("op", LEASE, HOLD, 100_000);
            PauseProgress draining = awaitReport("DRAINING", r -> r.phase() == PausePhase.DRAINING);
            assertThat(draining.busy()).anySatisfy(b -> assertThat(b).contains("1 command(s) in flight"));
            PauseProgress paused = awaitReport("PAUSED", r -> r.phase() == PausePhase.PAUSED);
            assertThat(paused.drained()).isEqualTo(1);
            assertThat(c.read()).as("the reply was delivered before PAUSED").isEqualTo("OK");
        }
    }

    @Test
    void aHeldCommandGetsTryagainAfterTheHoldLimitAndTheConnectionStaysUsable() {
        start(2);
        try (RawRedisClient c = client()) {
            pauses.pause("op", LEASE, Duration.ofMillis(200), 100_000);
            awaitReport("PAUSED", r -> r.phase() == PausePhase.PAUSED);
            c.command("GET", "k");
            c.command("PING");
            assertThat(c.read()).isEqualTo(new RawRedisClient.Error("TRYAGAIN proxy paused"));
            assertThat(c.read()).isEqualTo(new RawRedisClient.Error("TRYAGAIN proxy paused"));
            pauses.resume("op", "resumed");
            assertThat(c.call("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void pastTheBoundANewCommandIsRefusedAtOnce() {
        start(1);
        try (RawRedisClient a = client(); RawRedisClient b = client(); Jedis d = direct(redis)) {
            pauses.pause("op", LEASE, HOLD, 1);
            awaitReport("PAUSED", r -> r.phase() == PausePhase.PAUSED);
            a.command("SET", "a", "1");
            awaitHeld(1);
            assertThat(b.call("SET", "b", "1")).isEqualTo(new RawRedisClient.Error("TRYAGAIN proxy paused"));
            pauses.resume("op", "resumed");
            assertThat(a.read()).isEqualTo("OK");
            assertThat(d.exists("b")).isFalse();
        }
    }

    @Test
    void aPauseIsALease() {
        start(2);
        try (RawRedisClient c = client()) {
            pauses.pause("op", Duration.ofMillis(300), HOLD, 100_000);
            c.command("SET", "k", "v");
            PauseProgress resumed = awaitReport("SERVING", r -> r.phase() == PausePhase.SERVING);
            assertThat(resumed.end()).startsWith("lease expired after 300 ms");
            assertThat(c.read()).isEqualTo("OK");
            assertThat(pauses.phase()).isEqualTo(PausePhase.SERVING);
        }
    }

    @Test
    void pauseAndResumeAreIdempotent() {
        start(2);
        pauses.resume("op", "resumed");
        awaitReport("SERVING while serving", r -> r.phase() == PausePhase.SERVING);
        pauseAndAwaitPaused();
        reports.clear();
        pauses.pause("op", LEASE, HOLD, 100_000);
        awaitReport("PAUSED again", r -> r.phase() == PausePhase.PAUSED);
        pauses.resume("op", "resumed");
        pauses.resume("op", "resumed");
        Await.until(WAIT, "two SERVING reports", () -> reports.stream().filter(r -> r.phase() == PausePhase.SERVING).count() == 2);
        assertThat(pauses.phase()).isEqualTo(PausePhase.SERVING);
    }

    @Test
    void aTransactionIsLetThroughToExec() {
        start(2);
        try (RawRedisClient c = client(); RawRedisClient other = client(); Jedis d = direct(redis)) {
            assertThat(c.call("MULTI")).isEqualTo("OK");
            pauses.pause("op", LEASE, HOLD, 100_000);
            PauseProgress draining = awaitReport("DRAINING", r -> r.phase() == PausePhase.DRAINING);
            assertThat(draining.busy()).anySatisfy(b -> assertThat(b).contains("inside MULTI"));
            other.command("SET", "outside", "1");
            assertThat(c.call("SET", "inside", "1")).isEqualTo("QUEUED");
            assertThat(c.call("EXEC")).isEqualTo(List.of("OK"));
            awaitReport("PAUSED", r -> r.phase() == PausePhase.PAUSED);
            assertThat(d.get("inside")).isEqualTo("1");
            assertThat(d.exists("outside")).as("held").isFalse();
            pauses.resume("op", "resumed");
            assertThat(other.read()).isEqualTo("OK");
        }
    }

    @Test
    void aBlockedPopIsEndedUpstreamAndReissuedWithoutLosingTheElement() {
        start(2);
        try (RawRedisClient c = client(); Jedis d = direct(redis)) {
            c.command("BLPOP", "list", "20");
            Await.until(WAIT, "BLPOP blocked upstream", () -> blockedIn(d));
            PauseProgress paused = pauseAndAwaitPaused();
            assertThat(paused.elapsedMillis()).isLessThan(5_000);
            assertThat(blockedIn(d)).as("ended upstream").isFalse();
            d.rpush("list", "e1");
            assertThat(d.llen("list")).as("nobody pops while paused").isEqualTo(1);
            pauses.resume("op", "resumed");
            assertThat(c.read()).isEqualTo(List.of("list", "e1"));
            assertThat(d.llen("list")).isZero();
            assertThat(c.call("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void anXreadFromDollarEndedByAPauseStillGetsTheEntryAddedDuringIt() {
        start(2);
        try (RawRedisClient c = client(); Jedis d = direct(redis)) {
            d.xadd("s", StreamEntryID.NEW_ENTRY, java.util.Map.of("before", "1"));
            c.command("XREAD", "BLOCK", "20000", "STREAMS", "s", "$");
            Await.until(WAIT, "XREAD blocked upstream", () -> d.clientList().lines()
                    .anyMatch(l -> l.contains(" flags=b ") && l.contains(" cmd=xread ")));
            pauseAndAwaitPaused();
            StreamEntryID during = d.xadd("s", StreamEntryID.NEW_ENTRY,
                    java.util.Map.of("during", "1"));
            pauses.resume("op", "resumed");
            Object reply = c.read();
            assertThat(reply.toString()).as("the entry added while paused").contains(during.toString()).contains("during")
                    .doesNotContain("before");
        }
    }

    @Test
    void aSelectSentBehindABlockedPopWaitsForItAcrossAPause() {
        start(2);
        try (RawRedisClient c = client(); Jedis d = direct(redis)) {
            c.command("BLPOP", "list", "20");
            c.command("SELECT", "1");
            Await.until(WAIT, "BLPOP blocked upstream", () -> blockedIn(d));
            pauseAndAwaitPaused();
            pauses.resume("op", "resumed");
            Await.until(WAIT, "BLPOP re-issued", () -> blockedIn(d));
            d.rpush("list", "in-db-0");
            assertThat(c.read()).as("re-issued on db 0, where it was sent").isEqualTo(List.of("list", "in-db-0"));
            assertThat(c.read()).isEqualTo("OK");
        }
    }

    @Test
    void aBlockedPopThatTimesOutAfterTheResumeStillTimesOut() {
        start(2);
        try (RawRedisClient c = client(); Jedis d = direct(redis)) {
            c.command("BLPOP", "list", "0.5");
            Await.until(WAIT, "BLPOP blocked upstream", () -> blockedIn(d));
            pauseAndAwaitPaused();
            pauses.resume("op", "resumed");
            assertThat(c.read()).isNull();
        }
    }

    @Test
    void aSwitchCarriesSubscriptionsDatabaseAndBlockedCommandsToTheNewUpstream() {
        start(2);
        other = RedisServerProcess.start();
        try (RawRedisClient sub = client(); RawRedisClient c = client(); RawRedisClient blocked = client();
             Jedis oldDirect = direct(redis); Jedis newDirect = direct(other)) {
            assertThat(sub.call("SUBSCRIBE", "ch")).isEqualTo(List.of("subscribe", "ch", 1L));
            assertThat(c.call("SELECT", "3")).isEqualTo("OK");
            assertThat(c.call("SET", "k", "old")).isEqualTo("OK");
            blocked.command("BLPOP", "list", "20");
            Await.until(WAIT, "BLPOP blocked upstream", () -> blockedIn(oldDirect));

            pauseAndAwaitPaused();
            proxy.switchUpstream(new HostAndPort(other.host(), other.port()), null);
            pauses.resume("op", "resumed");

            Await.until(WAIT, "the subscription replayed on the new upstream",
                    () -> newDirect.pubsubNumSub("ch").get("ch") == 1L);
            assertThat(newDirect.publish("ch", "hello")).isEqualTo(1);
            assertThat(sub.read()).isEqualTo(List.of("message", "ch", "hello"));

            assertThat(c.call("SET", "k", "new")).isEqualTo("OK");
            newDirect.select(3);
            assertThat(newDirect.get("k")).isEqualTo("new");
            newDirect.select(0);

            Await.until(WAIT, "BLPOP re-issued on the new upstream", () -> blockedIn(newDirect));
            newDirect.rpush("list", "from-new");
            assertThat(blocked.read()).isEqualTo(List.of("list", "from-new"));
            oldDirect.select(3);
            assertThat(oldDirect.get("k")).isEqualTo("old");
        }
    }

    @Test
    void aSubscriberFollowsAnUpstreamChangeWithoutAPause() {
        start(2);
        other = RedisServerProcess.start();
        try (RawRedisClient sub = client(); Jedis newDirect = direct(other)) {
            assertThat(sub.call("SUBSCRIBE", "news")).isEqualTo(List.of("subscribe", "news", 1L));
            proxy.switchUpstream(new HostAndPort(other.host(), other.port()), null);
            Await.until(WAIT, "the subscription replayed on the new upstream",
                    () -> newDirect.pubsubNumSub("news").get("news") == 1L);
            assertThat(newDirect.publish("news", "moved")).isEqualTo(1);
            assertThat(sub.read()).isEqualTo(List.of("message", "news", "moved"));
        }
    }

    @Test
    void anExecWhoseWatchWasOpenedOnTheOldUpstreamFails() {
        start(2);
        other = RedisServerProcess.start();
        try (RawRedisClient c = client(); Jedis newDirect = direct(other)) {
            assertThat(c.call("WATCH", "k")).isEqualTo("OK");
            pauseAndAwaitPaused();
            proxy.switchUpstream(new HostAndPort(other.host(), other.port()), null);
            pauses.resume("op", "resumed");
            assertThat(c.call("MULTI")).isEqualTo("OK");
            assertThat(c.call("SET", "k", "1")).isEqualTo("QUEUED");
            assertThat(c.call("EXEC")).as("null: the watched key may have changed").isNull();
            assertThat(newDirect.exists("k")).isFalse();
            assertThat(c.call("MULTI")).isEqualTo("OK");
            assertThat(c.call("SET", "k", "2")).isEqualTo("QUEUED");
            assertThat(c.call("EXEC")).isEqualTo(List.of("OK"));
            assertThat(newDirect.get("k")).isEqualTo("2");
        }
    }

    @Test
    void aSwitchReplaysTrackingAndTellsTheClientToDropItsCache() throws Exception {
        start(2);
        other = RedisServerProcess.start();
        try (RawRedisClient c = client(); Jedis newDirect = direct(other)) {
            c.send("HELLO 3\r\nCLIENT TRACKING on\r\nGET k\r\n");
            readUntil(c, "+OK\r\n_\r\n");
            pauseAndAwaitPaused();
            proxy.switchUpstream(new HostAndPort(other.host(), other.port()), null);
            pauses.resume("op", "resumed");
            assertThat(readUntil(c, ">2\r\n$10\r\ninvalidate\r\n_\r\n")).as("invalidate-all push").isNotEmpty();
            Await.until(WAIT, "tracking replayed on the new upstream",
                    () -> newDirect.clientList().lines().anyMatch(l -> l.contains(" flags=t ")));
            c.send("GET k\r\n");
            readUntil(c, "_\r\n");
            newDirect.set("k", "changed");
            assertThat(readUntil(c, "invalidate")).as("an invalidation from the new upstream").isNotEmpty();
        }
    }

    /** Reads the client's raw bytes until they contain {@code marker}; fails after the client's read timeout. */
    private static String readUntil(RawRedisClient c, String marker) throws java.io.IOException {
        StringBuilder seen = new StringBuilder();
        while (!seen.toString().contains(marker)) {
            int b = c.input().read();
            if (b < 0) {
                throw new AssertionError("connection closed before '" + marker + "'; got: " + seen);
            }
            seen.append((char) b);
        }
        return seen.toString();
    }
}
