package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.testing.Await;
import dev.turnout.testing.DataPlaneFixture;
import dev.turnout.testing.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SortingParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.KeyValue;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Issue 5, points 2 to 5: a user with a namespace sees only its own keys and channels, by their own names; the
 * proxy puts the prefix in front of every key, channel and pattern and takes it off every name in a reply; whole-
 * keyspace commands are confined to the namespace; commands that cannot be confined are refused with NOPERM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NamespaceIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private RedisServerProcess redis;
    private DataPlaneFixture proxy;
    private Jedis direct;

    static UserConfig user(String name, String password, String namespace) {
        return new UserConfig(name, UserConfig.sha256(password.getBytes(StandardCharsets.UTF_8)), namespace, "+@all",
                0, 0);
    }

    @BeforeAll
    void start() {
        redis = RedisServerProcess.builder().start();
        proxy = DataPlaneFixture.forwardingTo(redis)
                .users(user("alice", "a-pw", "alice:"), user("bob", "b-pw", "bob:"), user("admin", "adm-pw", ""))
                .start();
        direct = new Jedis(redis.host(), redis.port());
    }

    @AfterAll
    void stop() {
        if (direct != null) {
            direct.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void empty() {
        direct.flushAll();
    }

    private Jedis as(String user, String password) {
        Jedis jedis = new Jedis(new HostAndPort(proxy.host(), proxy.port()),
                DefaultJedisClientConfig.builder().user(user).password(password).timeoutMillis(10_000).build());
        jedis.ping();
        return jedis;
    }

    private Jedis alice() {
        return as("alice", "a-pw");
    }

    private Jedis bob() {
        return as("bob", "b-pw");
    }

    @Test
    void keysArePrefixedUpstreamAndHashtagsStayIntact() {
        try (Jedis alice = alice(); Jedis bob = bob()) {
            alice.set("user:1", "a");
            alice.set("{user}:2", "b");
            bob.set("user:1", "bob's");

            assertThat(direct.get("alice:user:1")).isEqualTo("a");
            assertThat(direct.get("alice:{user}:2")).isEqualTo("b");
            assertThat(direct.get("bob:user:1")).isEqualTo("bob's");
            assertThat(alice.get("user:1")).isEqualTo("a");
            assertThat(bob.get("user:1")).isEqualTo("bob's");
            assertThat(alice.exists("bob:user:1")).isFalse();
        }
    }

    @Test
    void multiKeyAndNumkeysCommandsPrefixEveryKey() {
        try (Jedis alice = alice()) {
            alice.mset("a", "1", "b", "2");
            assertThat(alice.mget("a", "b", "c")).containsExactly("1", "2", null);
            assertThat(direct.mget("alice:a", "alice:b")).containsExactly("1", "2");
            alice.zadd("z1", Map.of("m", 1.0, "n", 2.0));
            alice.zadd("z2", Map.of("m", 3.0));
            assertThat(alice.zunionstore("zu", "z1", "z2")).isEqualTo(2);
            assertThat(direct.zscore("alice:zu", "m")).isEqualTo(4.0);
            alice.rename("a", "renamed");
            assertThat(direct.exists("alice:renamed")).isTrue();
            assertThat(alice.copy("renamed", "copied", false)).isTrue();
            assertThat(direct.get("alice:copied")).isEqualTo("1");
            byte[] dumped = alice.dump("copied");
            alice.restore("restored", 0, dumped);
            assertThat(direct.get("alice:restored")).isEqualTo("1");
            assertThat(alice.objectEncoding("restored")).isEqualTo("int");
            assertThat(alice.memoryUsage("restored")).isPositive();
        }
    }

    @Test
    void pipelinesOfManyTenantsAtOnceKeepEachCommandWholeAndInItsNamespace() throws Exception {
        // Namespaced runs of every session on an event loop share its buffers: clients pipelining at once, with
        // values larger than one of those buffers (64 KB) and some that just fit, must each get their own commands.
        String large = "L".repeat(100_000);
        String medium = "M".repeat(40_000);
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            String name = c % 2 == 0 ? "alice" : "bob";
            String client = "c" + c;
            clients.add(CompletableFuture.runAsync(() -> {
                try (Jedis jedis = as(name, name.charAt(0) + "-pw")) {
                    for (int round = 0; round < 3; round++) {
                        Pipeline pipeline = jedis.pipelined();
                        for (int i = 0; i < 500; i++) {
                            pipeline.set(client + ":" + round + ":" + i, "v" + i);
                        }
                        pipeline.set(client + ":large:" + round, large);
                        pipeline.mset(client + ":m1:" + round, medium, client + ":m2:" + round, medium);
                        pipeline.sync();
                    }
                }
            }));
        }
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        for (int c = 0; c < 4; c++) {
            String prefix = (c % 2 == 0 ? "alice:" : "bob:") + "c" + c + ":";
            for (int round = 0; round < 3; round++) {
                assertThat(direct.get(prefix + round + ":0")).isEqualTo("v0");
                assertThat(direct.get(prefix + round + ":499")).isEqualTo("v499");
                assertThat(direct.get(prefix + "large:" + round)).isEqualTo(large);
                assertThat(direct.get(prefix + "m2:" + round)).isEqualTo(medium);
            }
        }
        assertThat(direct.dbSize()).isEqualTo(4 * 3 * (500 + 3));
    }

    @Test
    void sortByAndGetPatternsNameTheNamespacesKeys() {
        try (Jedis alice = alice()) {
            alice.rpush("ids", "1", "2", "3");
            alice.mset("weight_1", "3", "weight_2", "1", "weight_3", "2", "name_1", "one", "name_2", "two",
                    "name_3", "three");
            List<String> sorted = alice.sort("ids", new SortingParams().by("weight_*").get("#", "name_*"));
            assertThat(sorted).containsExactly("2", "two", "3", "three", "1", "one");
            alice.sort("ids", new SortingParams().by("weight_*"), "sorted");
            assertThat(direct.lrange("alice:sorted", 0, -1)).containsExactly("2", "3", "1");
        }
    }

    @Test
    void keysScanAndRandomkeySeeOnlyTheNamespaceByItsOwnNames() {
        try (Jedis alice = alice(); Jedis bob = bob()) {
            for (int i = 0; i < 50; i++) {
                alice.set("k" + i, "v");
                bob.set("k" + i, "v");
                bob.set("only-bob" + i, "v");
            }
            assertThat(new HashSet<>(alice.keys("*"))).hasSize(50).allMatch(k -> k.matches("k\\d+"));
            assertThat(alice.keys("only-bob*")).isEmpty();

            Set<String> scanned = new HashSet<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = alice.scan(cursor);
                scanned.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertThat(scanned).hasSize(50).allMatch(k -> k.matches("k\\d+"));

            Set<String> matched = new HashSet<>();
            do {
                ScanResult<String> page = alice.scan(cursor, new ScanParams().match("k1*"));
                matched.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertThat(matched).containsExactlyInAnyOrder("k1", "k10", "k11", "k12", "k13", "k14", "k15", "k16",
                    "k17", "k18", "k19");

            assertThat(alice.randomKey()).matches("k\\d+");
            assertThat(alice.dbSize()).isEqualTo(50);
            assertThat(bob.dbSize()).isEqualTo(100);
        }
    }

    @Test
    void flushdbAndFlushallDeleteOnlyTheNamespacesKeys() {
        try (Jedis alice = alice(); Jedis bob = bob()) {
            for (int i = 0; i < 2500; i++) {
                direct.set("alice:k" + i, "v");
                direct.set("bob:k" + i, "v");
            }
            alice.select(1);
            alice.set("in-db-1", "v");
            alice.select(0);

            assertThatThrownBy(() -> alice.sendCommand(Protocol.Command.FLUSHDB, "bogus"))
                    .isInstanceOf(JedisDataException.class).hasMessage("ERR syntax error");
            assertThat(alice.dbSize()).isEqualTo(2500);
            assertThat(alice.flushDB()).isEqualTo("OK");
            assertThat(alice.dbSize()).isZero();
            assertThat(bob.dbSize()).isEqualTo(2500);
            assertThat(alice.randomKey()).isNull();
            assertThat(direct.exists("alice:in-db-1")).isFalse(); // db 0: it is in db 1
            direct.select(1);
            assertThat(direct.exists("alice:in-db-1")).isTrue();

            alice.set("again", "v");
            assertThat(alice.flushAll()).isEqualTo("OK");
            assertThat(direct.exists("alice:in-db-1")).isFalse();
            direct.select(0);
            assertThat(direct.exists("alice:again")).isFalse();
            assertThat(bob.dbSize()).isEqualTo(2500);
            // The connection goes on as before.
            assertThat(alice.set("after", "v")).isEqualTo("OK");
            assertThat(alice.get("after")).isEqualTo("v");
        }
    }

    @Test
    void blockingPopsAndStreamReadsNameTheirKeysWithoutThePrefix() throws Exception {
        try (Jedis alice = alice(); Jedis pusher = alice()) {
            alice.rpush("queue", "job");
            assertThat(alice.blpop(1, "empty", "queue")).containsExactly("queue", "job");

            CompletableFuture<List<String>> waiting = CompletableFuture.supplyAsync(() -> alice.brpop(10, "later"));
            Await.until(WAIT, "the BRPOP to block upstream", () -> blockedClients() == 1);
            pusher.lpush("later", "x");
            assertThat(waiting.get(10, TimeUnit.SECONDS)).containsExactly("later", "x");

            alice.rpush("l1", "a", "b");
            KeyValue<String, List<String>> mpop = alice.lmpop(ListDirection.LEFT, 1, "l0", "l1");
            assertThat(mpop.getKey()).isEqualTo("l1");
            assertThat(mpop.getValue()).containsExactly("a");

            alice.xadd("stream", StreamEntryID.NEW_ENTRY, Map.of("f", "v"));
            Object read = alice.sendCommand(Protocol.Command.XREAD, "COUNT", "1", "STREAMS", "stream", "0");
            @SuppressWarnings("unchecked")
            List<Object> streams = (List<Object>) read;
            @SuppressWarnings("unchecked")
            List<Object> first = (List<Object>) streams.get(0);
            assertThat(new String((byte[]) first.get(0), StandardCharsets.UTF_8)).isEqualTo("stream");
        }
    }

    private long blockedClients() {
        String clients = direct.info("clients");
        for (String line : clients.split("\r\n")) {
            if (line.startsWith("blocked_clients:")) {
                return Long.parseLong(line.substring("blocked_clients:".length()));
            }
        }
        return -1;
    }

    @Test
    void channelsAndPatternsAreNamespacedAndMessagesNameThemWithoutThePrefix() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                received.add("message " + channel + " " + message);
            }

            @Override
            public void onPMessage(String pattern, String channel, String message) {
                received.add("pmessage " + pattern + " " + channel + " " + message);
            }

            @Override
            public void onSubscribe(String channel, int subscribedChannels) {
                received.add("subscribe " + channel);
            }

            @Override
            public void onPSubscribe(String pattern, int subscribedChannels) {
                received.add("psubscribe " + pattern);
            }
        };
        try (Jedis subscriber = alice(); Jedis alice = alice(); Jedis bob = bob()) {
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> subscriber.subscribe(listener, "news"));
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("subscribe news");
            listener.psubscribe("new*");
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("psubscribe new*");
            assertThat(direct.pubsubChannels()).containsExactly("alice:news");

            assertThat(bob.publish("news", "from bob")).isZero();
            assertThat(alice.publish("news", "hello")).isEqualTo(2);
            List<String> got = new ArrayList<>(List.of(received.poll(10, TimeUnit.SECONDS),
                    received.poll(10, TimeUnit.SECONDS)));
            assertThat(got).containsExactlyInAnyOrder("message news hello", "pmessage new* news hello");
            assertThat(alice.pubsubChannels()).containsExactly("news");
            assertThat(alice.pubsubChannels("n*")).containsExactly("news");
            assertThat(bob.pubsubChannels()).isEmpty();
            assertThat(alice.pubsubNumSub("news")).containsEntry("news", 1L);
            listener.unsubscribe();
            listener.punsubscribe();
            running.get(10, TimeUnit.SECONDS);
            assertThat(received).isEmpty();
        }
    }

    @Test
    void transactionsRepliesLoseThePrefixAndARefusedCommandAbortsExec() {
        try (Jedis alice = alice()) {
            alice.set("t1", "v");
            Transaction tx = alice.multi();
            tx.keys("t*");
            tx.get("t1");
            List<Object> results = tx.exec();
            assertThat(results.get(0)).isEqualTo(Set.of("t1"));
            assertThat(results.get(1)).isEqualTo("v");

            alice.sendCommand(Protocol.Command.MULTI);
            assertThatThrownBy(() -> alice.sendCommand(Protocol.Command.CONFIG, "GET", "maxmemory"))
                    .isInstanceOf(JedisDataException.class).hasMessageStartingWith("NOPERM");
            alice.sendCommand(Protocol.Command.SET, "t2", "v");
            assertThatThrownBy(() -> alice.sendCommand(Protocol.Command.EXEC))
                    .isInstanceOf(JedisDataException.class).hasMessageStartingWith("EXECABORT");
            assertThat(direct.exists("alice:t2")).isFalse();
            assertThat(alice.ping()).isEqualTo("PONG");
        }
    }

    private RawRedisClient raw(String user, String password) {
        RawRedisClient c = RawRedisClient.connect(proxy.host(), proxy.port());
        assertThat(c.call("AUTH", user, password)).isEqualTo("OK");
        return c;
    }

    /** What the proxy answers itself needs no confining: CLIENT SETINFO and NO-TOUCH (newer than its table) too. */
    @Test
    void clientSubcommandsTheProxyAnswersWorkInANamespace() {
        try (RawRedisClient alice = raw("alice", "a-pw")) {
            assertThat(alice.call("CLIENT", "SETINFO", "LIB-NAME", "jedis")).isEqualTo("OK");
            assertThat(alice.call("CLIENT", "NO-TOUCH", "ON")).isEqualTo("OK");
            assertThat(alice.call("CLIENT", "SETNAME", "worker")).isEqualTo("OK");
            assertThat(alice.call("CLIENT", "GETNAME")).isEqualTo("worker");
            assertThat(alice.call("CLIENT", "NOSUCHSUBCOMMAND")).isInstanceOf(RawRedisClient.Error.class);
            assertThat(alice.call("PING")).isEqualTo("PONG");
        }
    }

    /** INFO's Keyspace section would count every tenant's keys: its dbN lines are dropped (DBSIZE counts alice's). */
    @Test
    void infoDoesNotCountOtherTenantsKeys() {
        for (int i = 0; i < 7; i++) {
            direct.set("bob:k" + i, "v");
        }
        try (RawRedisClient alice = raw("alice", "a-pw"); RespWire alice3 = new RespWire(proxy.host(), proxy.port())) {
            assertThat(alice.call("SET", "mine", "1")).isEqualTo("OK");
            assertThat(alice.call("DBSIZE")).isEqualTo(1L);
            assertThat(alice.call("INFO", "keyspace")).isEqualTo("# Keyspace\r\n");
            String all = String.valueOf(alice.call("INFO"));
            assertThat(all).contains("# Server", "redis_version:", "# Keyspace").doesNotContain("db0:");
            assertThat(alice.call("MULTI")).isEqualTo("OK");
            assertThat(alice.call("INFO", "keyspace")).isEqualTo("QUEUED");
            assertThat(alice.call("EXEC")).isEqualTo(List.of("# Keyspace\r\n"));

            assertThat(alice3.call("HELLO", "3", "AUTH", "alice", "a-pw")).isInstanceOf(Map.class);
            assertThat(String.valueOf(alice3.call("INFO", "server", "keyspace"))).contains("redis_version:", "# Keyspace")
                    .doesNotContain("db0:");
        }
        try (RawRedisClient admin = raw("admin", "adm-pw")) {
            assertThat(String.valueOf(admin.call("INFO", "keyspace"))).contains("db0:keys=8");
        }
    }

    @Test
    void trackingInfoShowsThePrefixesAsTheClientGaveThem() {
        try (RespWire alice = new RespWire(proxy.host(), proxy.port())) {
            assertThat(alice.call("HELLO", "3", "AUTH", "alice", "a-pw")).isInstanceOf(Map.class);
            assertThat(alice.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:")).isEqualTo("OK");
            Map<?, ?> info = (Map<?, ?>) alice.call("CLIENT", "TRACKINGINFO");
            assertThat(info.get("prefixes")).isEqualTo(List.of("user:"));
        }
    }

    /** Redis quotes the key in the stream commands' NOGROUP errors: the client sees its own name. */
    @Test
    void streamErrorsNameTheKeyWithoutThePrefix() {
        try (RawRedisClient alice = raw("alice", "a-pw")) {
            assertThat(alice.call("XADD", "s", "*", "f", "v")).isInstanceOf(String.class);
            assertThat(alice.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")).isEqualTo(new RawRedisClient.Error(
                    "NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option"));
            assertThat(alice.call("XPENDING", "s", "g"))
                    .isEqualTo(new RawRedisClient.Error("NOGROUP No such key 's' or consumer group 'g'"));
            assertThat(alice.call("XGROUP", "CREATECONSUMER", "s", "g", "c"))
                    .isEqualTo(new RawRedisClient.Error("NOGROUP No such consumer group 'g' for key name 's'"));
            assertThat(alice.call("MULTI")).isEqualTo("OK");
            assertThat(alice.call("XINFO", "CONSUMERS", "s", "g")).isEqualTo("QUEUED");
            assertThat(alice.call("EXEC")).isEqualTo(
                    List.of(new RawRedisClient.Error("NOGROUP No such consumer group 'g' for key name 's'")));
        }
    }

    /** Redis runs WATCH and a nested MULTI at once and queues neither: EXEC's reply shapes stay in step. */
    @Test
    void whatMultiDoesNotQueueLeavesExecsReplyShapesInStep() {
        try (RawRedisClient alice = raw("alice", "a-pw")) {
            alice.call("SET", "a", "1");
            alice.call("RPUSH", "l", "alice:x");
            assertThat(alice.call("MULTI")).isEqualTo("OK");
            assertThat(alice.call("WATCH", "a"))
                    .isEqualTo(new RawRedisClient.Error("ERR WATCH inside MULTI is not allowed"));
            assertThat(alice.call("MULTI")).isEqualTo(new RawRedisClient.Error("ERR MULTI calls can not be nested"));
            assertThat(alice.call("KEYS", "a")).isEqualTo("QUEUED");
            assertThat(alice.call("LRANGE", "l", "0", "-1")).isEqualTo("QUEUED");
            assertThat(alice.call("EXEC")).isEqualTo(List.of(List.of("a"), List.of("alice:x")));
        }
    }

    /** A nested MULTI (Redis's error) does not forget that the proxy refused a command of the open transaction. */
    @Test
    void aNestedMultiKeepsARefusedTransactionRefused() {
        try (RawRedisClient alice = raw("alice", "a-pw")) {
            assertThat(alice.call("MULTI")).isEqualTo("OK");
            assertThat(alice.call("SET", "a", "1")).isEqualTo("QUEUED");
            assertThat(alice.call("CONFIG", "GET", "maxmemory")).isInstanceOf(RawRedisClient.Error.class);
            assertThat(alice.call("MULTI")).isEqualTo(new RawRedisClient.Error("ERR MULTI calls can not be nested"));
            assertThat(String.valueOf(alice.call("EXEC"))).startsWith("Error[message=EXECABORT");
        }
        assertThat(direct.exists("alice:a")).isFalse();
    }

    /** A reply loses the prefix of the namespace its command ran in, not of the user authenticated when it arrives. */
    @Test
    void aReplyInFlightAcrossAReAuthLosesItsOwnNamespace() {
        try (RawRedisClient c = RawRedisClient.connect(proxy.host(), proxy.port())) {
            c.send(new String(RawRedisClient.encode("AUTH", "alice", "a-pw"), StandardCharsets.ISO_8859_1)
                    + new String(RawRedisClient.encode("SET", "k", "v"), StandardCharsets.ISO_8859_1)
                    + new String(RawRedisClient.encode("KEYS", "*"), StandardCharsets.ISO_8859_1)
                    + new String(RawRedisClient.encode("AUTH", "bob", "b-pw"), StandardCharsets.ISO_8859_1));
            assertThat(c.read()).isEqualTo("OK");
            assertThat(c.read()).isEqualTo("OK");
            assertThat(c.read()).isEqualTo(List.of("k"));
            assertThat(c.read()).isEqualTo("OK");
        }
    }

    @Test
    void commandsThatCannotBeConfinedAreRefusedWithTheReasonAndTheConnectionGoesOn() {
        try (Jedis alice = alice()) {
            for (String[] command : new String[][] {{"CONFIG", "GET", "maxmemory"}, {"MONITOR"}, {"SWAPDB", "0", "1"},
                    {"MOVE", "k", "1"}, {"DEBUG", "SLEEP", "0"}, {"CLIENT", "LIST"}, {"CLIENT", "KILL", "ID", "1"},
                    {"SCRIPT", "FLUSH"}, {"FUNCTION", "FLUSH"}, {"ACL", "WHOAMI"}, {"PUBSUB", "NUMPAT"},
                    {"CLIENT", "INFO"}, {"WAIT", "1", "0"}, {"CLIENT", "TRACKING", "ON", "REDIRECT", "1", "BCAST"},
                    {"FUNCTION", "LIST"}, {"CONFIG", "NOSUCHSUBCOMMAND"}, {"NOSUCHCOMMAND", "x"}}) {
                assertThatThrownBy(() -> alice.sendCommand(() -> command[0].getBytes(StandardCharsets.UTF_8),
                        java.util.Arrays.copyOfRange(command, 1, command.length)))
                        .as(String.join(" ", command))
                        .isInstanceOf(JedisDataException.class)
                        .hasMessageStartingWith("NOPERM this user has no permissions to run the '");
                assertThat(alice.ping()).isEqualTo("PONG");
            }
        }
    }

    /**
     * Without a tenant ACL user on the upstream (none here: no control plane), nothing confines what a script's code
     * names, so scripts are refused; loading one is harmless. TenantAclIT runs them where Redis confines them.
     */
    @Test
    void scriptsAreRefusedWhereRedisDoesNotConfineThem() {
        direct.set("bob:secret", "bob's secret");
        String escape = "return redis.call('GET', 'bob:secret')";
        try (Jedis alice = alice(); Jedis admin = as("admin", "adm-pw")) {
            String sha = alice.scriptLoad(escape);
            for (String[] command : new String[][] {{"EVAL", escape, "0"}, {"EVAL_RO", escape, "0"},
                    {"EVALSHA", sha, "0"}, {"EVALSHA_RO", sha, "0"}, {"FCALL", "f", "0"}, {"FCALL_RO", "f", "0"}}) {
                assertThatThrownBy(() -> alice.sendCommand(() -> command[0].getBytes(StandardCharsets.UTF_8),
                        java.util.Arrays.copyOfRange(command, 1, command.length)))
                        .as(command[0])
                        .isInstanceOf(JedisDataException.class)
                        .hasMessage("NOPERM this user has no permissions to run the '"
                                + command[0].toLowerCase(java.util.Locale.ROOT) + "' command: a script can name keys"
                                + " outside the namespace; scripts run only where the control plane has given the"
                                + " tenant its own ACL user on the upstream Redis");
                assertThat(alice.ping()).isEqualTo("PONG");
            }
            assertThat(admin.evalsha(sha)).isEqualTo("bob's secret");
        }
    }

    @Test
    void aNamespacedSubscriberAndTrackerFollowAnUpstreamChangeInItsNamespace() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                received.add(channel + " " + message);
            }

            @Override
            public void onSubscribe(String channel, int subscribedChannels) {
                received.add("subscribed " + channel);
            }
        };
        try (RedisServerProcess other = RedisServerProcess.builder().start();
             Jedis subscriber = alice(); Jedis alice = alice(); Jedis otherDirect = new Jedis(other.host(), other.port())) {
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> subscriber.subscribe(listener, "news"));
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("subscribed news");
            proxy.switchUpstream(new dev.turnout.dataplane.config.HostAndPort(other.host(), other.port()), null);
            try {
                Await.until(WAIT, "the subscription to be replayed on the new upstream, in the namespace",
                        () -> otherDirect.pubsubChannels().equals(List.of("alice:news")));
                assertThat(alice.publish("news", "after the switch")).isEqualTo(1);
                assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("news after the switch");
                listener.unsubscribe();
                running.get(10, TimeUnit.SECONDS);
            } finally {
                proxy.switchUpstream(new dev.turnout.dataplane.config.HostAndPort(redis.host(), redis.port()), null);
            }
        }
    }

    @Test
    void afterResetTheClientMustAuthenticateAgainAndTheNextUsersNamespaceApplies() {
        try (RawRedisClient c = RawRedisClient.connect(proxy.host(), proxy.port())) {
            assertThat(c.call("AUTH", "alice", "a-pw")).isEqualTo("OK");
            assertThat(c.call("SET", "who", "alice")).isEqualTo("OK");
            assertThat(c.call("RESET")).isEqualTo("RESET");
            assertThat(c.call("CONFIG", "GET", "maxmemory"))
                    .isEqualTo(new RawRedisClient.Error("NOAUTH Authentication required."));
            assertThat(c.call("AUTH", "bob", "b-pw")).isEqualTo("OK");
            assertThat(c.call("GET", "who")).isNull();
            assertThat(c.call("SET", "who", "bob")).isEqualTo("OK");
        }
        assertThat(direct.get("alice:who")).isEqualTo("alice");
        assertThat(direct.get("bob:who")).isEqualTo("bob");
    }

    /**
     * An admin (CLIENT INFO and TRACKING REDIRECT are not refused without a namespace) points invalidations at the
     * upstream connection the proxy shares between clients: the pushes are dropped there, not taken for replies.
     */
    @Test
    void invalidationsRedirectedToASharedConnectionAreDroppedNotTakenForReplies() {
        try (RespWire reader = new RespWire(proxy.host(), proxy.port());
             RespWire tracker = new RespWire(proxy.host(), proxy.port())) {
            assertThat(reader.call("HELLO", "3", "AUTH", "admin", "adm-pw")).isInstanceOf(Map.class);
            assertThat(tracker.call("HELLO", "3", "AUTH", "admin", "adm-pw")).isInstanceOf(Map.class);
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("id=(\\d+)")
                    .matcher(String.valueOf(reader.call("CLIENT", "INFO")));
            assertThat(id.find()).isTrue();
            assertThat(tracker.call("CLIENT", "TRACKING", "ON", "REDIRECT", id.group(1), "BCAST")).isEqualTo("OK");
            for (int i = 0; i < 200; i++) {
                tracker.send("SET", "t" + i, "x");
                reader.send("SET", "r" + i, "v" + i).send("GET", "r" + i);
                assertThat(tracker.read()).isEqualTo("OK");
                assertThat(reader.read()).as("SET r%d", i).isEqualTo("OK");
                assertThat(reader.read()).as("GET r%d", i).isEqualTo("v" + i);
            }
        }
    }

    @Test
    void anAdminUserWithoutANamespaceSeesEverything() {
        try (Jedis alice = alice(); Jedis admin = as("admin", "adm-pw")) {
            alice.set("mine", "v");
            assertThat(admin.get("alice:mine")).isEqualTo("v");
            assertThat(admin.keys("*")).containsExactly("alice:mine");
            assertThat(admin.configGet("maxmemory")).containsKey("maxmemory");
        }
    }

    @Test
    void removingAUserClosesItsConnections() {
        try (Jedis alice = alice(); Jedis bob = bob()) {
            alice.set("k", "v");
            proxy.setUsers(user("bob", "b-pw", "bob:"), user("admin", "adm-pw", ""));
            try {
                Await.until(WAIT, "alice's connection to be closed", () -> {
                    try {
                        alice.ping();
                        return false;
                    } catch (RuntimeException e) {
                        return true;
                    }
                });
                assertThat(bob.ping()).isEqualTo("PONG");
            } finally {
                proxy.setUsers(user("alice", "a-pw", "alice:"), user("bob", "b-pw", "bob:"),
                        user("admin", "adm-pw", ""));
            }
        }
    }
}
