package dev.turnout.controlplane.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.Secret;
import dev.turnout.testing.Await;
import dev.turnout.testing.FreePorts;
import dev.turnout.testing.RedisServerProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/** {@link RedisAdmin} against real redis-server processes: a primary, and a replica of it where needed. */
class RedisAdminTest {

    private static final String PASSWORD = "hunter2-Admin-7c41";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration AWAIT = Duration.ofSeconds(10);

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    @AfterEach
    void closeAll() throws Exception {
        while (!opened.isEmpty()) {
            opened.pop().close();
        }
    }

    @Test
    void connectsAndAuthenticatesWithThePassword() throws Exception {
        RedisServerProcess redis = primary();
        RedisAdmin admin = admin(redis);

        assertThat(admin.address()).isEqualTo(addressOf(redis));
        assertThat(admin.replication().isPrimary()).isTrue();
        assertThat(admin).hasToString("RedisAdmin[" + addressOf(redis) + "]");
    }

    @Test
    void connectsAsAnAclUser() throws Exception {
        RedisServerProcess redis = open(RedisServerProcess.builder().password(PASSWORD)
                .aclUser("switcher on >" + PASSWORD + "-user ~* +@all").start());

        try (RedisAdmin admin = RedisAdmin.connect(addressOf(redis), "switcher", Secret.of(PASSWORD + "-user"), TIMEOUT)) {
            assertThat(admin.replication().role()).isEqualTo("master");
        }
        assertThatThrownBy(() -> RedisAdmin.connect(addressOf(redis), "switcher", Secret.of(PASSWORD), TIMEOUT))
                .isInstanceOf(RedisAdminException.class)
                .hasMessageStartingWith(addressOf(redis) + ": authentication failed (WRONGPASS");
    }

    @Test
    void aWrongPasswordSaysAuthenticationFailedAndWhatToCheckButNotThePassword() {
        RedisServerProcess redis = primary();
        String wrong = "not-" + PASSWORD;

        assertThatThrownBy(() -> RedisAdmin.connect(addressOf(redis), null, Secret.of(wrong), TIMEOUT))
                .isInstanceOf(RedisAdminException.class)
                .hasMessage(addressOf(redis) + ": authentication failed (WRONGPASS invalid username-password pair or user"
                        + " is disabled.): check the route's upstream user and password")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void noPasswordForAServerThatWantsOneFailsAtConnect() {
        RedisServerProcess redis = primary();

        assertThatThrownBy(() -> RedisAdmin.connect(addressOf(redis), null, null, TIMEOUT))
                .isInstanceOf(RedisAdminException.class)
                .hasMessageStartingWith(addressOf(redis) + ": authentication failed (NOAUTH")
                .hasMessageEndingWith("the server wants a password: set the route's upstream user and password");
    }

    @Test
    void noPasswordForAServerWithoutOneSendsNoAuth() throws Exception {
        RedisServerProcess redis = open(RedisServerProcess.start());

        try (RedisAdmin admin = RedisAdmin.connect(addressOf(redis), null, null, TIMEOUT)) {
            assertThat(admin.replication().isPrimary()).isTrue();
        }
    }

    @Test
    void anUnreachableServerSaysCannotConnect() {
        HostAndPort nobody = new HostAndPort("127.0.0.1", FreePorts.next());

        assertThatThrownBy(() -> RedisAdmin.connect(nobody, null, Secret.of(PASSWORD), TIMEOUT))
                .isInstanceOf(RedisAdminException.class)
                .hasMessage(nobody + ": cannot connect: Connection refused");
    }

    @Test
    void aServerThatNeverAnswersTimesOutWithinTheTimeout() throws Exception {
        // Accepts connections (the kernel does) and never answers.
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            HostAndPort address = new HostAndPort("127.0.0.1", silent.getLocalPort());
            long start = System.nanoTime();

            assertThatThrownBy(() -> RedisAdmin.connect(address, null, Secret.of(PASSWORD), Duration.ofMillis(200)))
                    .isInstanceOf(RedisAdminException.class)
                    .hasMessage(address + ": cannot connect: no answer within 200 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aPrimaryListsItsReplicaAndOffsets() throws Exception {
        RedisServerProcess primaryServer = primary();
        RedisServerProcess replicaServer = replicaOf(primaryServer);
        RedisAdmin primary = admin(primaryServer);
        Jedis writer = client(primaryServer);
        Await.until(AWAIT, "the replica to be online", uncheck(primary::replication),
                i -> i.replicas().size() == 1 && i.replicas().get(0).state().equals("online"));
        // Written once the replica is attached, so that it moves the replication offset (before, the SET would
        // only be in the full sync's snapshot, and the offset could still be 0).
        writer.set("k", "v");

        ReplicationInfo info = Await.until(AWAIT, "the replica to acknowledge the SET",
                uncheck(primary::replication),
                i -> i.masterReplOffset() > 0 && i.replicas().size() == 1
                        && i.replicas().get(0).offset() == i.masterReplOffset());

        assertThat(info.isPrimary()).isTrue();
        assertThat(info.masterReplOffset()).isPositive();
        assertThat(info.masterReplId()).hasSize(40);
        ReplicationInfo.Replica replica = info.replicas().get(0);
        assertThat(replica.address()).isEqualTo("127.0.0.1:" + replicaServer.port());
        assertThat(replica.lagBytes()).isZero();
        assertThat(info.slaveReplOffset()).isZero();
        assertThat(info.masterHost()).isEmpty();
    }

    @Test
    void aReplicaReportsItsPrimaryAndTheSameReplicationId() throws Exception {
        RedisServerProcess primaryServer = primary();
        RedisServerProcess replicaServer = replicaOf(primaryServer);
        RedisAdmin primary = admin(primaryServer);
        RedisAdmin replica = admin(replicaServer);
        client(primaryServer).set("k", "v");
        long offset = primary.replication().masterReplOffset();

        ReplicationInfo info = Await.until(AWAIT, "the replica's link to be up and at the primary's offset",
                uncheck(replica::replication), i -> i.isLinkUp() && i.slaveReplOffset() == offset);

        assertThat(info.isPrimary()).isFalse();
        assertThat(info.role()).isEqualTo("slave");
        assertThat(info.masterHost()).isEqualTo("127.0.0.1");
        assertThat(info.masterPort()).isEqualTo(primaryServer.port());
        assertThat(info.masterLinkStatus()).isEqualTo("up");
        assertThat(info.masterReplId()).isEqualTo(primary.replication().masterReplId());
        assertThat(info.slaveReplOffset()).isPositive();
        assertThat(info.masterReplOffset()).isEqualTo(offset);
        assertThat(info.replicas()).isEmpty();
    }

    @Test
    void fenceWritesHoldsOtherClientsWritesUntilUnfenceWhileReadsAndInfoGoOn() throws Exception {
        RedisServerProcess redis = primary();
        RedisAdmin admin = admin(redis);
        Jedis writer = client(redis);
        Jedis reader = client(redis);
        writer.set("k", "before");
        long offset = admin.replication().masterReplOffset();

        admin.fenceWrites(Duration.ofSeconds(60));
        CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> writer.set("k", "after"));
        Await.until(AWAIT, "the SET to be held by the fence", () -> blockedClients(reader) == 1);

        assertThat(reader.get("k")).isEqualTo("before");
        assertThat(admin.replication().masterReplOffset()).isEqualTo(offset);
        assertThat(held).isNotDone();

        admin.unfence();
        assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("OK");
        assertThat(reader.get("k")).isEqualTo("after");
    }

    @Test
    void aFenceEndsByItselfAfterItsDuration() throws Exception {
        RedisServerProcess redis = primary();
        RedisAdmin admin = admin(redis);
        Jedis writer = client(redis);

        admin.fenceWrites(Duration.ofMillis(100));

        assertThat(writer.set("k", "v")).isEqualTo("OK"); // held up to 100 ms, well within the client's timeout
        admin.unfence(); // harmless without a fence
    }

    @Test
    void awaitReplicaOffsetReturnsOnceTheReplicaCatchesUp() throws Exception {
        RedisServerProcess primaryServer = primary();
        RedisServerProcess replicaServer = replicaOf(primaryServer);
        RedisAdmin primary = admin(primaryServer);
        RedisAdmin replica = admin(replicaServer);
        Jedis writer = client(primaryServer);
        for (int i = 0; i < 1000; i++) {
            writer.incr("counter");
        }
        long target = primary.replication().masterReplOffset();

        long reached = replica.awaitReplicaOffset(target, AWAIT);

        assertThat(reached).isGreaterThanOrEqualTo(target);
        try (Jedis replicaClient = client(replicaServer)) {
            assertThat(replicaClient.get("counter")).isEqualTo("1000");
        }
    }

    @Test
    void awaitReplicaOffsetTimesOutReturningTheSmallerOffsetWhenTheLinkIsDown() throws Exception {
        RedisServerProcess primaryServer = primary();
        RedisServerProcess replicaServer = replicaOf(primaryServer);
        RedisAdmin primary = admin(primaryServer);
        RedisAdmin replica = admin(replicaServer);
        Jedis writer = client(primaryServer);
        writer.set("k", "1");
        long synced = primary.replication().masterReplOffset();
        replica.awaitReplicaOffset(synced, AWAIT);
        // Cut the link, and keep it down: the replica cannot authenticate when it reconnects.
        try (Jedis replicaClient = client(replicaServer)) {
            replicaClient.configSet("masterauth", "wrong");
        }
        writer.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "replica");
        Await.until(AWAIT, "the replica's link to be down", () -> !uncheck(replica::replication).get().isLinkUp());
        writer.set("k", "2");
        long target = primary.replication().masterReplOffset();
        assertThat(target).isGreaterThan(synced);

        long start = System.nanoTime();
        long reached = replica.awaitReplicaOffset(target, Duration.ofMillis(300));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(reached).isLessThan(target).isGreaterThanOrEqualTo(synced);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void awaitReplicaOffsetOnAPrimarySaysItIsNotAReplica() {
        RedisServerProcess redis = primary();
        RedisAdmin admin = admin(redis);

        assertThatThrownBy(() -> admin.awaitReplicaOffset(1, AWAIT))
                .isInstanceOf(RedisAdminException.class)
                .hasMessageStartingWith(addressOf(redis) + ": is a primary (role:master), not a replica");
    }

    @Test
    void promoteTurnsTheReplicaIntoAPrimaryThatTakesWrites() throws Exception {
        RedisServerProcess primaryServer = primary();
        RedisServerProcess replicaServer = replicaOf(primaryServer);
        RedisAdmin replica = admin(replicaServer);
        Jedis replicaClient = client(replicaServer);
        assertThatThrownBy(() -> replicaClient.set("k", "v")).isInstanceOf(JedisDataException.class)
                .hasMessageStartingWith("READONLY");

        replica.promote();

        ReplicationInfo info = replica.replication();
        assertThat(info.isPrimary()).isTrue();
        assertThat(info.masterHost()).isEmpty();
        assertThat(replicaClient.set("k", "v")).isEqualTo("OK");
    }

    @Test
    void aSwitchFencesWaitsPromotesAndTheOldPrimaryFollowsWithItsHeldWritesRefused() throws Exception {
        RedisServerProcess oldServer = primary();
        RedisServerProcess newServer = replicaOf(oldServer);
        RedisAdmin oldPrimary = admin(oldServer);
        RedisAdmin target = admin(newServer);
        Jedis app = client(oldServer);
        Jedis observer = client(oldServer);
        for (int i = 0; i < 100; i++) {
            app.incr("counter");
        }

        oldPrimary.fenceWrites(Duration.ofSeconds(60));
        long fenced = oldPrimary.replication().masterReplOffset();
        CompletableFuture<Long> held = CompletableFuture.supplyAsync(() -> app.incr("counter"));
        Await.until(AWAIT, "the INCR to be held by the fence", () -> blockedClients(observer) == 1);
        assertThat(target.awaitReplicaOffset(fenced, AWAIT)).isEqualTo(fenced);
        target.promote();
        oldPrimary.replicaOf(addressOf(newServer)); // runs while fenced
        oldPrimary.unfence();

        assertThatThrownBy(() -> held.get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(JedisDataException.class).hasMessageStartingWith("READONLY");
        assertThat(client(newServer).get("counter")).isEqualTo("100");
        assertThat(target.replication().isPrimary()).isTrue();
        assertThat(oldPrimary.replication().role()).isEqualTo("slave");
    }

    @Test
    void aBrokenConnectionFailsOneCallAndTheNextConnectsAgain() throws Exception {
        RedisServerProcess redis = primary();
        RedisAdmin admin = admin(redis);
        Jedis other = client(redis);
        other.sendCommand(Protocol.Command.CLIENT, "KILL", "ID", Long.toString(adminClientId(other)));

        assertThatThrownBy(admin::replication)
                .isInstanceOf(RedisAdminException.class)
                .hasMessageStartingWith(addressOf(redis) + ": INFO replication failed: connection lost");
        assertThat(admin.replication().isPrimary()).isTrue();
    }

    @Test
    void aRedisErrorIsReportedWithTheCommand() throws Exception {
        RedisServerProcess redis = primary();
        RedisAdmin admin = admin(redis);
        Jedis other = client(redis);
        other.aclSetUser("default", "-replicaof");

        assertThatThrownBy(admin::promote)
                .isInstanceOf(RedisAdminException.class)
                .hasMessageStartingWith(addressOf(redis) + ": REPLICAOF NO ONE refused (NOPERM")
                .hasMessageContaining("the route's upstream user needs permission for it");
    }

    @Test
    void setsListsAndDeletesAclUsers() throws Exception {
        RedisServerProcess redis = primary();
        RedisAdmin admin = admin(redis);

        admin.setAclUser("turnout-tenant-a", List.of("reset", "on", ">pw-a", "~a:*", "+@all"));
        admin.setAclUser("turnout-tenant-b", List.of("reset", "on", ">pw-b", "~b:*", "+@all"));
        assertThat(admin.aclUsers()).containsExactlyInAnyOrder("default", "turnout-tenant-a", "turnout-tenant-b");
        try (Jedis a = new Jedis(redis.host(), redis.port())) {
            a.auth("turnout-tenant-a", "pw-a");
            assertThat(a.set("a:k", "v")).isEqualTo("OK");
        }

        assertThat(admin.deleteAclUsers(List.of("turnout-tenant-a", "turnout-tenant-b", "never-there"))).isEqualTo(2);
        assertThat(admin.deleteAclUsers(List.of())).isZero();
        assertThat(admin.aclUsers()).containsExactly("default");
    }

    @Test
    void anAclCommandRefusedByTheServerSaysWhichPermissionIsMissing() throws Exception {
        RedisServerProcess redis = open(RedisServerProcess.builder().password(PASSWORD)
                .aclUser("app on >app-pw ~* &* +@all -@admin").start());
        try (RedisAdmin admin = RedisAdmin.connect(addressOf(redis), "app", Secret.of("app-pw"), TIMEOUT)) {
            assertThatThrownBy(() -> admin.setAclUser("turnout-tenant-a", List.of("reset", "#" + "0".repeat(64))))
                    .isInstanceOf(RedisAdminException.class)
                    .hasMessageStartingWith(addressOf(redis) + ": ACL SETUSER turnout-tenant-a refused (NOPERM")
                    .hasMessageEndingWith("the route's upstream user needs permission for it (ACL, e.g. +acl)")
                    .hasMessageNotContaining("0000000000")
                    .satisfies(e -> assertThat(((RedisAdminException) e).refusedByServer()).isTrue());
        }
        RedisAdmin admin = admin(redis);
        assertThatThrownBy(() -> admin.setAclUser("turnout-tenant-a", List.of("~a b*")))
                .isInstanceOf(RedisAdminException.class)
                .hasMessageContaining("Error in ACL SETUSER modifier")
                .satisfies(e -> assertThat(((RedisAdminException) e).refusedByServer()).isTrue());
    }

    @Test
    void aServerThatCannotBeAskedIsNotARefusal() throws Exception {
        RedisServerProcess redis = primary();
        RedisAdmin admin = admin(redis);
        redis.kill();

        assertThatThrownBy(admin::aclUsers)
                .isInstanceOf(RedisAdminException.class)
                .satisfies(e -> assertThat(((RedisAdminException) e).refusedByServer()).isFalse());
    }

    @Test
    void callsAfterCloseAreRefusedAndCloseTwiceIsHarmless() {
        RedisAdmin admin = admin(primary());
        admin.close();
        admin.close();

        assertThatThrownBy(admin::replication).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    /** A primary that starts a replica's full sync at once, not after the default 5 s. */
    private RedisServerProcess primary() {
        return open(RedisServerProcess.builder().password(PASSWORD).args("--repl-diskless-sync-delay", "0").start());
    }

    /**
     * A replica of {@code primary}, returned once its link is up: a write made before the link is up lands only in
     * the full sync's snapshot and does not move the replication offset, which tests that compare offsets need.
     */
    private RedisServerProcess replicaOf(RedisServerProcess primary) {
        RedisServerProcess replica = open(RedisServerProcess.builder().password(PASSWORD)
                .args("--replicaof", "127.0.0.1", Integer.toString(primary.port()), "--masterauth", PASSWORD)
                .start());
        RedisAdmin admin = admin(replica);
        Await.until(AWAIT, "the replica's link to be up", () -> uncheck(admin::replication).get().isLinkUp());
        return replica;
    }

    private RedisAdmin admin(RedisServerProcess redis) {
        try {
            return open(RedisAdmin.connect(addressOf(redis), null, Secret.of(PASSWORD), TIMEOUT));
        } catch (RedisAdminException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** A client of our own, with a socket timeout well above the test's waits. */
    private Jedis client(RedisServerProcess redis) {
        return open(new Jedis(new redis.clients.jedis.HostAndPort(redis.host(), redis.port()),
                DefaultJedisClientConfig.builder().password(PASSWORD).socketTimeoutMillis(30_000).build()));
    }

    private <T extends AutoCloseable> T open(T closeable) {
        opened.push(closeable);
        return closeable;
    }

    private static HostAndPort addressOf(RedisServerProcess redis) {
        return new HostAndPort(redis.host(), redis.port());
    }

    /** Clients waiting on a blocking command or, as here, held by CLIENT PAUSE. */
    private static int blockedClients(Jedis jedis) {
        for (String line : jedis.info("clients").split("\r\n")) {
            if (line.startsWith("blocked_clients:")) {
                return Integer.parseInt(line.substring("blocked_clients:".length()));
            }
        }
        throw new AssertionError("INFO clients has no blocked_clients");
    }

    private static long adminClientId(Jedis jedis) {
        for (String line : jedis.clientList().split("\n")) {
            if (line.contains(" name=" + RedisAdmin.CLIENT_NAME + " ")) {
                return Long.parseLong(line.substring(3, line.indexOf(' ')));
            }
        }
        throw new AssertionError("no " + RedisAdmin.CLIENT_NAME + " in CLIENT LIST");
    }

    private static <T> java.util.function.Supplier<T> uncheck(Call<T> call) {
        return () -> {
            try {
                return call.run();
            } catch (RedisAdminException e) {
                throw new AssertionError(e.getMessage(), e);
            }
        };
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws RedisAdminException;
    }
}
