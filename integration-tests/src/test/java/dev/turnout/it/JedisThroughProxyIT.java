package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.it.support.ProxiedRedis;
import dev.turnout.testing.Await;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.util.KeyValue;
import redis.clients.jedis.util.SafeEncoder;

/**
 * Jedis (RESP2) through the proxy behaves as against Redis itself: data types, pipelines, transactions,
 * blocking commands, pub/sub, the connection commands the proxy answers itself, and many clients at once.
 * The client never gives a password; the proxy authenticates upstream.
 */
class JedisThroughProxyIT {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String PASSWORD = "jedis-secret";

    @RegisterExtension
    static final ProxiedRedis stack = ProxiedRedis.withPassword(PASSWORD);

    private static ExecutorService threads;

    @BeforeAll
    static void start() {
        threads = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (threads != null) {
            threads.shutdownNow();
            threads.awaitTermination(5, TimeUnit.SECONDS);
        }
    }


    private static Jedis client() {
        return new Jedis(stack.proxy().host(), stack.proxy().port());
    }

    private static ProtocolCommand command(String name) {
        return () -> SafeEncoder.encode(name);
    }

    /** The error a command gets, through the proxy and straight from Redis: they must be the same words. */
    private static String sameErrorAsRedis(Consumer<Jedis> command) {
        String fromProxy;
        try (Jedis jedis = client()) {
            fromProxy = errorOf(jedis, command);
        }
        try (Jedis jedis = stack.direct()) {
            assertThat(fromProxy).isEqualTo(errorOf(jedis, command));
        }
        return fromProxy;
    }

    private static String errorOf(Jedis jedis, Consumer<Jedis> command) {
        try {
            command.accept(jedis);
        } catch (JedisDataException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected an error reply");
    }

    private void awaitBlockedClients(int n) {
        Await.until(WAIT, n + " client(s) blocked in Redis", () -> stack.admin().info("clients"),
                info -> info.contains("blocked_clients:" + n + "\r\n"));
    }

    // ------------------------------------------------------------------ data types

    @Test
    void stringsHashesListsSetsSortedSets() {
        try (Jedis jedis = client()) {
            assertThat(jedis.set("s", "v1")).isEqualTo("OK");
            assertThat(jedis.append("s", "-more")).isEqualTo(7);
            assertThat(jedis.get("s")).isEqualTo("v1-more");
            assertThat(jedis.incrBy("n", 41)).isEqualTo(41);
            assertThat(jedis.incr("n")).isEqualTo(42);
            assertThat(jedis.mset("a", "1", "b", "2")).isEqualTo("OK");
            assertThat(jedis.mget("a", "b", "missing")).containsExactly("1", "2", null);
            assertThat(jedis.get("missing")).isNull();

            assertThat(jedis.hset("h", Map.of("f1", "x", "f2", "y"))).isEqualTo(2);
            assertThat(jedis.hget("h", "f1")).isEqualTo("x");
            assertThat(jedis.hgetAll("h")).containsExactlyInAnyOrderEntriesOf(Map.of("f1", "x", "f2", "y"));
            assertThat(jedis.hincrBy("h", "count", 3)).isEqualTo(3);

            assertThat(jedis.rpush("l", "a", "b", "c")).isEqualTo(3);
            assertThat(jedis.lpush("l", "z")).isEqualTo(4);
            assertThat(jedis.lrange("l", 0, -1)).containsExactly("z", "a", "b", "c");
            assertThat(jedis.lpop("l")).isEqualTo("z");
            assertThat(jedis.llen("l")).isEqualTo(3);

            assertThat(jedis.sadd("set", "m1", "m2", "m2")).isEqualTo(2);
            assertThat(jedis.smembers("set")).containsExactlyInAnyOrder("m1", "m2");
            assertThat(jedis.sismember("set", "m1")).isTrue();

            assertThat(jedis.zadd("z", Map.of("one", 1.0, "two", 2.0, "three", 3.0))).isEqualTo(3);
            assertThat(jedis.zrange("z", 0, -1)).containsExactly("one", "two", "three");
            assertThat(jedis.zscore("z", "two")).isEqualTo(2.0);
            assertThat(jedis.zrangeByScore("z", 1.5, 3)).containsExactly("two", "three");

            // The wrong type is Redis's own error, forwarded.
            assertThatThrownBy(() -> jedis.lpush("s", "x")).isInstanceOf(JedisDataException.class)
                    .hasMessageStartingWith("WRONGTYPE");
        }
        assertThat(stack.admin().get("s")).isEqualTo("v1-more");
        assertThat(stack.admin().zcard("z")).isEqualTo(3);
    }

    @Test
    void streamsWithConsumerGroups() {
        try (Jedis jedis = client()) {
            StreamEntryID first = jedis.xadd("stream", StreamEntryID.NEW_ENTRY, Map.of("temp", "20"));
            StreamEntryID second = jedis.xadd("stream", StreamEntryID.NEW_ENTRY, Map.of("temp", "21"));
            assertThat(jedis.xlen("stream")).isEqualTo(2);

            List<StreamEntry> range = jedis.xrange("stream", "-", "+");
            assertThat(range).extracting(StreamEntry::getID).containsExactly(first, second);
            assertThat(range.get(1).getFields()).containsEntry("temp", "21");

            List<Map.Entry<String, List<StreamEntry>>> read = jedis.xread(XReadParams.xReadParams().count(10),
                    Map.of("stream", first));
            assertThat(read).hasSize(1);
            assertThat(read.get(0).getValue()).extracting(StreamEntry::getID).containsExactly(second);

            assertThat(jedis.xgroupCreate("stream", "workers", new StreamEntryID(0, 0), false)).isEqualTo("OK");
            List<Map.Entry<String, List<StreamEntry>>> claimed = jedis.xreadGroup("workers", "w1",
                    XReadGroupParams.xReadGroupParams().count(10), Map.of("stream", StreamEntryID.UNRECEIVED_ENTRY));
            assertThat(claimed.get(0).getValue()).extracting(StreamEntry::getID).containsExactly(first, second);
            assertThat(jedis.xpending("stream", "workers").getTotal()).isEqualTo(2);
            assertThat(jedis.xack("stream", "workers", first, second)).isEqualTo(2);
            assertThat(jedis.xpending("stream", "workers").getTotal()).isZero();
        }
    }

    // ------------------------------------------------------------------ pipelines

    @Test
    void pipelineOfTenThousandCommandsRepliesInOrder() {
        int n = 10_000;
        try (Jedis jedis = client()) {
            Pipeline p = jedis.pipelined();
            List<Response<?>> responses = new ArrayList<>(n);
            List<Object> expected = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                switch (i % 4) {
                    case 0 -> {
                        responses.add(p.set("p:" + i, "v" + i));
                        expected.add("OK");
                    }
                    case 1 -> {
                        responses.add(p.get("p:" + (i - 1)));
                        expected.add("v" + (i - 1));
                    }
                    case 2 -> {
                        responses.add(p.incr("p:counter"));
                        expected.add((long) (i / 4 + 1));
                    }
                    default -> {
                        responses.add(p.rpush("p:list", Integer.toString(i)));
                        expected.add((long) (i / 4 + 1));
                    }
                }
            }
            p.sync();
            for (int i = 0; i < n; i++) {
                assertThat((Object) responses.get(i).get()).as("reply %d", i).isEqualTo(expected.get(i));
            }
            assertThat(jedis.lrange("p:list", 0, 2)).containsExactly("3", "7", "11");
        }
    }

    /** CLIENT GETNAME/SETNAME are answered by the proxy; their replies must keep their place among forwarded ones. */
    @Test
    void localRepliesInterleavedWithForwardedOnesStayInOrder() {
        try (Jedis jedis = client()) {
            Pipeline p = jedis.pipelined();
            List<Response<Object>> responses = new ArrayList<>();
            List<Object> expected = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                responses.add(p.sendCommand(Protocol.Command.SET, "o:" + i, "v" + i));
                expected.add("OK");
                responses.add(p.sendCommand(Protocol.Command.CLIENT, "GETNAME"));
                expected.add(i == 0 ? null : "name-" + (i - 1));
                responses.add(p.sendCommand(Protocol.Command.GET, "o:" + i));
                expected.add("v" + i);
                responses.add(p.sendCommand(Protocol.Command.CLIENT, "SETNAME", "name-" + i));
                expected.add("OK");
                responses.add(p.sendCommand(Protocol.Command.INCR, "o:count"));
                expected.add(Long.toString(i + 1));
            }
            p.sync();
            for (int i = 0; i < responses.size(); i++) {
                Object reply = responses.get(i).get();
                Object text = reply instanceof byte[] bytes ? SafeEncoder.encode(bytes)
                        : reply instanceof Long l ? Long.toString(l) : reply;
                assertThat(text).as("reply %d", i).isEqualTo(expected.get(i));
            }
        }
    }

    /**
     * One pipeline that changes db, opens a transaction and blocks: each of those moves the session to
     * another upstream connection mid-pipeline, and every reply must still come back in order.
     */
    @Test
    void pipelineMovingBetweenConnectionsRepliesInOrder() {
        try (Jedis jedis = client()) {
            Pipeline p = jedis.pipelined();
            List<Response<Object>> r = new ArrayList<>();
            r.add(p.sendCommand(Protocol.Command.SET, "mv", "db0"));
            r.add(p.sendCommand(Protocol.Command.SELECT, "1"));
            r.add(p.sendCommand(Protocol.Command.GET, "mv"));
            r.add(p.sendCommand(Protocol.Command.SET, "mv", "db1"));
            r.add(p.sendCommand(Protocol.Command.MULTI, new String[0]));
            r.add(p.sendCommand(Protocol.Command.INCR, "mv-count"));
            r.add(p.sendCommand(Protocol.Command.GET, "mv"));
            r.add(p.sendCommand(Protocol.Command.EXEC, new String[0]));
            r.add(p.sendCommand(Protocol.Command.BLPOP, "mv-empty", "0.05"));
            r.add(p.sendCommand(Protocol.Command.SELECT, "0"));
            r.add(p.sendCommand(Protocol.Command.GET, "mv"));
            r.add(p.sendCommand(Protocol.Command.ECHO, "done"));
            p.sync();
            List<Object> text = r.stream().map(x -> decode(x.get())).toList();
            assertThat(text).containsExactly("OK", "OK", null, "OK", "OK", "QUEUED", "QUEUED",
                    List.of("1", "db1"), null, "OK", "db0", "done");
        }
        stack.admin().select(1);
        assertThat(stack.admin().get("mv-count")).isEqualTo("1");
    }

    private static Object decode(Object reply) {
        if (reply instanceof byte[] bytes) {
            return SafeEncoder.encode(bytes);
        }
        if (reply instanceof Long l) {
            return Long.toString(l);
        }
        if (reply instanceof List<?> list) {
            return list.stream().map(JedisThroughProxyIT::decode).toList();
        }
        return reply;
    }

    /** QUIT in the middle of a pipeline: earlier commands are answered, QUIT gets +OK, later ones never run. */
    @Test
    void quitInAPipelineStopsTheRest() {
        try (RespWire wire = new RespWire(stack.proxy().host(), stack.proxy().port())) {
            wire.sendRaw("*3\r\n$3\r\nSET\r\n$6\r\nbefore\r\n$1\r\n1\r\n*1\r\n$4\r\nQUIT\r\n"
                    + "*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n");
            assertThat(wire.read()).isEqualTo("OK");
            assertThat(wire.read()).isEqualTo("OK");
            assertThat(wire.closedByServer()).isTrue();
        }
        assertThat(stack.admin().get("before")).isEqualTo("1");
        assertThat(stack.admin().exists("after")).isFalse();
    }

    @Test
    void largeValuesRoundTrip() {
        byte[] big = new byte[8 * 1024 * 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + (i >>> 8));
        }
        byte[] key = SafeEncoder.encode("big");
        try (Jedis jedis = client()) {
            assertThat(jedis.set(key, big)).isEqualTo("OK");
            assertThat(Arrays.equals(jedis.get(key), big)).isTrue();
            Pipeline p = jedis.pipelined();
            List<Response<byte[]>> gets = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                gets.add(p.get(key));
            }
            p.sync();
            for (Response<byte[]> get : gets) {
                assertThat(Arrays.equals(get.get(), big)).isTrue();
            }
        }
        assertThat(stack.admin().strlen("big")).isEqualTo(big.length);
    }

    @Test
    void resp3JedisSpeaksHello3ThroughTheProxy() {
        try (Jedis jedis = new Jedis(stack.proxy().host(), stack.proxy().port(),
                DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3).clientName("resp3-jedis").build())) {
            assertThat(jedis.set("r3", "v")).isEqualTo("OK");
            assertThat(jedis.get("r3")).isEqualTo("v");
            assertThat(jedis.hset("r3h", Map.of("a", "1"))).isEqualTo(1);
            assertThat(jedis.hgetAll("r3h")).containsExactly(Map.entry("a", "1"));
            assertThat(jedis.zadd("r3z", 1.5, "m")).isEqualTo(1);
            assertThat(jedis.zscore("r3z", "m")).isEqualTo(1.5);
            assertThat(jedis.clientGetname()).isEqualTo("resp3-jedis");
        }
        assertThat(stack.admin().clientList()).contains("resp=3");
    }

    // ------------------------------------------------------------------ transactions

    @Test
    void multiExec() {
        try (Jedis jedis = client()) {
            Transaction t = jedis.multi();
            t.set("tx:a", "1");
            t.incr("tx:a");
            t.get("tx:a");
            assertThat(t.exec()).containsExactly("OK", 2L, "2");
            // The session is unpinned after EXEC and keeps working.
            assertThat(jedis.get("tx:a")).isEqualTo("2");
        }
    }

    @Test
    void watchWithConcurrentModificationAbortsExec() {
        try (Jedis jedis = client(); Jedis other = client()) {
            jedis.set("w:key", "original");
            assertThat(jedis.watch("w:key")).isEqualTo("OK");
            assertThat(other.set("w:key", "changed")).isEqualTo("OK");
            Transaction t = jedis.multi();
            t.set("w:key", "from-tx");
            assertThat(t.exec()).isNull();
            assertThat(jedis.get("w:key")).isEqualTo("changed");
        }
    }

    @Test
    void watchWithoutModificationExecs() {
        try (Jedis jedis = client(); Jedis other = client()) {
            jedis.set("w:key", "original");
            jedis.watch("w:key");
            other.set("w:unrelated", "x");
            Transaction t = jedis.multi();
            t.set("w:key", "from-tx");
            assertThat(t.exec()).containsExactly("OK");
            assertThat(other.get("w:key")).isEqualTo("from-tx");
        }
    }

    @Test
    void discardDropsQueuedCommands() {
        try (Jedis jedis = client()) {
            jedis.set("d:key", "before");
            Transaction t = jedis.multi();
            t.set("d:key", "queued");
            assertThat(t.discard()).isEqualTo("OK");
            assertThat(jedis.get("d:key")).isEqualTo("before");
        }
    }

    /** EXEC and DISCARD without MULTI are errors that leave a WATCH in place, as in Redis. */
    @Test
    void execWithoutMultiKeepsTheWatch() {
        try (Jedis jedis = client(); Jedis other = client()) {
            jedis.set("w:key", "original");
            jedis.watch("w:key");
            assertThatThrownBy(() -> jedis.sendCommand(Protocol.Command.EXEC)).isInstanceOf(JedisDataException.class)
                    .hasMessage("ERR EXEC without MULTI");
            assertThatThrownBy(() -> jedis.sendCommand(Protocol.Command.DISCARD)).isInstanceOf(JedisDataException.class)
                    .hasMessage("ERR DISCARD without MULTI");
            other.set("w:key", "changed");
            Transaction t = jedis.multi();
            t.set("w:key", "from-tx");
            assertThat(t.exec()).as("the WATCH still holds after the errors").isNull();
        }
        // And the dedicated connection that carried the WATCH is not handed on with it to the next session.
        try (Jedis next = client()) {
            next.set("w:key", "again");
            Transaction t = next.multi();
            t.set("w:key", "next-tx");
            assertThat(t.exec()).containsExactly("OK");
        }
    }

    /** SELECT during a WATCH goes to the dedicated connection, and the session stays in that db afterwards. */
    @Test
    void selectWhileWatching() {
        try (Jedis jedis = client()) {
            jedis.watch("sw");
            assertThat(jedis.select(4)).isEqualTo("OK");
            Transaction t = jedis.multi();
            t.set("sw", "in-db-4");
            assertThat(t.exec()).containsExactly("OK");
            assertThat(jedis.get("sw")).isEqualTo("in-db-4");
            jedis.select(0);
            assertThat(jedis.get("sw")).isNull();
        }
        stack.admin().select(4);
        assertThat(stack.admin().get("sw")).isEqualTo("in-db-4");
    }

    /** A client that goes away inside MULTI leaves no open transaction for the next session to inherit. */
    @Test
    void clientGoneInsideMultiLeavesNothingBehind() {
        try (Jedis jedis = client()) {
            jedis.sendCommand(Protocol.Command.WATCH, "gone");
            jedis.sendCommand(Protocol.Command.MULTI);
            jedis.sendCommand(Protocol.Command.SET, "gone", "queued");
        }
        Await.until(WAIT, "Redis to drop the abandoned transaction's connection",
                () -> stack.admin().clientList().lines().noneMatch(l -> l.contains(" multi=1 ")));
        for (int i = 0; i < 3; i++) {
            try (Jedis next = client()) {
                next.set("gone", "v" + i);
                Transaction t = next.multi();
                t.incr("gone-count");
                assertThat(t.exec()).containsExactly((long) i + 1);
            }
        }
        assertThat(stack.admin().exists("gone")).isTrue();
        assertThat(stack.admin().get("gone")).isEqualTo("v2");
    }

    // ------------------------------------------------------------------ blocking commands

    @Test
    void blpopIsWokenByLpushFromAnotherClient() throws Exception {
        try (Jedis blocked = client(); Jedis pusher = client()) {
            Future<List<String>> popped = threads.submit(() -> blocked.blpop(5, "queue"));
            awaitBlockedClients(1);
            assertThat(pusher.lpush("queue", "job-1")).isEqualTo(1);
            assertThat(popped.get(5, TimeUnit.SECONDS)).containsExactly("queue", "job-1");
            // The same client carries on normally once unblocked.
            assertThat(blocked.ping()).isEqualTo("PONG");
            assertThat(blocked.llen("queue")).isZero();
        }
    }

    @Test
    void blpopTimesOutWithNull() {
        try (Jedis jedis = client()) {
            KeyValue<String, String> result = jedis.blpop(0.1, "empty-queue");
            assertThat(result).isNull();
            assertThat(jedis.ping()).isEqualTo("PONG");
        }
    }

    /** A client that goes away while blocked must not leave a BLPOP behind that pops an element for nobody. */
    @Test
    void clientGoneWhileBlockedPopsNothing() throws Exception {
        RespWire blocked = new RespWire(stack.proxy().host(), stack.proxy().port());
        try (blocked) {
            blocked.send("BLPOP", "abandoned", "10");
            awaitBlockedClients(1);
        }
        awaitBlockedClients(0);
        try (Jedis pusher = client()) {
            pusher.lpush("abandoned", "element");
            assertThat(pusher.lrange("abandoned", 0, -1)).containsExactly("element");
        }
    }

    @Test
    void xreadBlockIsWokenByXadd() throws Exception {
        try (Jedis reader = client(); Jedis writer = client()) {
            writer.xadd("events", new StreamEntryID(1, 0), Map.of("n", "0"));
            Future<List<Map.Entry<String, List<StreamEntry>>>> read = threads.submit(() -> reader.xread(
                    XReadParams.xReadParams().block(5000).count(1), Map.of("events", new StreamEntryID(1, 0))));
            awaitBlockedClients(1);
            StreamEntryID id = writer.xadd("events", StreamEntryID.NEW_ENTRY, Map.of("n", "1"));
            List<Map.Entry<String, List<StreamEntry>>> result = read.get(5, TimeUnit.SECONDS);
            assertThat(result).hasSize(1);
            assertThat(result.get(0).getKey()).isEqualTo("events");
            assertThat(result.get(0).getValue()).extracting(StreamEntry::getID).containsExactly(id);
            assertThat(reader.xlen("events")).isEqualTo(2);
        }
    }

    // ------------------------------------------------------------------ pub/sub

    @Test
    void subscribeAndPsubscribeReceiveThenTheConnectionIsUsableAgain() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                received.add(channel + "=" + message);
            }

            @Override
            public void onPMessage(String pattern, String channel, String message) {
                received.add(pattern + " " + channel + "=" + message);
            }
        };
        try (Jedis subscriber = client(); Jedis publisher = client()) {
            Future<?> loop = threads.submit(() -> subscriber.subscribe(listener, "news"));
            Await.until(WAIT, "the subscription to reach Redis", () -> stack.admin().pubsubNumSub("news").get("news"),
                    n -> n != null && n == 1);
            listener.psubscribe("sport.*");
            Await.until(WAIT, "the pattern subscription to reach Redis", () -> stack.admin().pubsubNumPat(), n -> n == 1);

            assertThat(publisher.publish("news", "hello")).isEqualTo(1);
            assertThat(publisher.publish("sport.tennis", "ace")).isEqualTo(1);
            assertThat(publisher.publish("weather", "nobody listens")).isZero();
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("news=hello");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("sport.* sport.tennis=ace");

            listener.unsubscribe();
            listener.punsubscribe();
            loop.get(5, TimeUnit.SECONDS);
            assertThat(listener.isSubscribed()).isFalse();
            assertThat(stack.admin().pubsubNumSub("news").get("news")).isZero();

            assertThat(subscriber.ping()).isEqualTo("PONG");
            assertThat(subscriber.set("after-pubsub", "yes")).isEqualTo("OK");
            assertThat(subscriber.get("after-pubsub")).isEqualTo("yes");
            assertThat(publisher.publish("news", "too late")).isZero();
            assertThat(received).isEmpty();
        }
    }

    @Test
    void subscriberGoneLeavesNoSubscriptionBehind() {
        try (RespWire subscriber = new RespWire(stack.proxy().host(), stack.proxy().port())) {
            assertThat(subscriber.call("SUBSCRIBE", "orphan")).isEqualTo(List.of("subscribe", "orphan", 1L));
            try (Jedis publisher = client()) {
                assertThat(publisher.publish("orphan", "m1")).isEqualTo(1);
            }
            assertThat(subscriber.read()).isEqualTo(List.of("message", "orphan", "m1"));
        }
        Await.until(WAIT, "Redis to drop the subscription", () -> stack.admin().pubsubNumSub("orphan").get("orphan"), n -> n == 0);
    }

    // ------------------------------------------------------------------ connection commands

    @Test
    void selectKeepsDatabasesApart() {
        try (Jedis jedis = client()) {
            assertThat(jedis.select(1)).isEqualTo("OK");
            jedis.set("db-key", "one");
            assertThat(jedis.select(0)).isEqualTo("OK");
            assertThat(jedis.get("db-key")).isNull();
            jedis.set("db-key", "zero");
            jedis.select(1);
            assertThat(jedis.get("db-key")).isEqualTo("one");
        }
        assertThat(stack.admin().get("db-key")).isEqualTo("zero");
        stack.admin().select(1);
        assertThat(stack.admin().get("db-key")).isEqualTo("one");
    }

    @Test
    void selectErrorsAreWordedAsRedisWordsThem() {
        assertThat(sameErrorAsRedis(j -> j.select(16))).isEqualTo("ERR DB index is out of range");
        assertThat(sameErrorAsRedis(j -> j.select(-1))).isEqualTo("ERR DB index is out of range");
        assertThat(sameErrorAsRedis(j -> j.sendCommand(Protocol.Command.SELECT, "one")))
                .isEqualTo("ERR value is not an integer or out of range");
        assertThat(sameErrorAsRedis(j -> j.sendCommand(Protocol.Command.SELECT)))
                .isEqualTo("ERR wrong number of arguments for 'select' command");
    }

    /** A client configured with a database selects it on connect, and the proxy keeps it there. */
    @Test
    void databaseChosenInTheClientConfig() {
        try (Jedis jedis = new Jedis(stack.proxy().host(), stack.proxy().port(), DefaultJedisClientConfig.builder().database(5).build())) {
            jedis.set("configured-db", "5");
        }
        assertThat(stack.admin().exists("configured-db")).isFalse();
        stack.admin().select(5);
        assertThat(stack.admin().get("configured-db")).isEqualTo("5");
    }

    @Test
    void unknownCommandErrorIsWordedAsRedisWordsIt() {
        assertThat(sameErrorAsRedis(j -> j.sendCommand(command("NOSUCHCOMMAND"), "a", "b")))
                .startsWith("ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'a' 'b'");
    }

    @Test
    void clientNameAndId() {
        try (Jedis jedis = client(); Jedis other = client()) {
            assertThat(jedis.clientGetname()).isNull();
            assertThat(jedis.clientSetname("app-1")).isEqualTo("OK");
            assertThat(jedis.clientGetname()).isEqualTo("app-1");
            assertThat(other.clientGetname()).as("names are per client").isNull();
            long id = jedis.clientId();
            assertThat(id).isPositive().isNotEqualTo(other.clientId());
            assertThat(jedis.clientId()).isEqualTo(id);
        }
        assertThat(sameErrorAsRedis(j -> j.clientSetname("has space")))
                .isEqualTo("ERR Client names cannot contain spaces, newlines or special characters.");
    }

    @Test
    void echoAndPing() {
        try (Jedis jedis = client()) {
            assertThat(jedis.ping()).isEqualTo("PONG");
            assertThat(jedis.ping("hi")).isEqualTo("hi");
            assertThat(jedis.echo("hello world")).isEqualTo("hello world");
            assertThat(jedis.echo("")).isEmpty();
        }
    }

    @Test
    void quitRepliesOkAndCloses() {
        try (Jedis jedis = client()) {
            jedis.set("before-quit", "1");
            assertThat(SafeEncoder.encode((byte[]) jedis.sendCommand(command("QUIT")))).isEqualTo("OK");
            assertThatThrownBy(jedis::ping).isInstanceOf(JedisConnectionException.class);
        }
        try (RespWire wire = new RespWire(stack.proxy().host(), stack.proxy().port())) {
            assertThat(wire.call("QUIT")).isEqualTo("OK");
            assertThat(wire.closedByServer()).isTrue();
        }
        assertThat(stack.admin().get("before-quit")).isEqualTo("1");
    }

    @Test
    void resetRepliesResetAndReturnsToDbZero() {
        try (Jedis jedis = client()) {
            jedis.set("reset-key", "db0");
            jedis.select(2);
            jedis.set("reset-key", "db2");
            jedis.clientSetname("before-reset");
            assertThat(jedis.reset()).isEqualTo("RESET");
            assertThat(jedis.get("reset-key")).isEqualTo("db0");
            assertThat(jedis.clientGetname()).isNull();

            // RESET also ends a transaction and a WATCH, as in Redis.
            jedis.watch("reset-key");
            jedis.sendCommand(Protocol.Command.MULTI);
            jedis.sendCommand(Protocol.Command.SET, "reset-key", "queued");
            assertThat(jedis.reset()).isEqualTo("RESET");
            assertThat(jedis.get("reset-key")).isEqualTo("db0");
            jedis.select(2);
            assertThat(jedis.get("reset-key")).isEqualTo("db2");
            assertThat(jedis.reset()).isEqualTo("RESET");
            assertThat(jedis.get("reset-key")).isEqualTo("db0");
        }
    }

    // ------------------------------------------------------------------ many clients

    @Test
    void fiftyClientsIncrementOneKeyExactly() throws Exception {
        int clients = 50;
        int increments = 1000;
        List<Future<Long>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            results.add(threads.submit(() -> {
                try (Jedis jedis = client()) {
                    long last = 0;
                    for (int i = 0; i < increments; i++) {
                        long v = jedis.incr("shared-counter");
                        assertThat(v).isGreaterThan(last);
                        last = v;
                    }
                    return last;
                }
            }));
        }
        for (Future<Long> r : results) {
            assertThat(r.get(30, TimeUnit.SECONDS)).isPositive();
        }
        assertThat(stack.admin().get("shared-counter")).isEqualTo(Integer.toString(clients * increments));
    }
}
