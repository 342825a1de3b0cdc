package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.it.support.ProxiedRedis;
import dev.turnout.testing.Await;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.sync.RedisPubSubCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;

/**
 * Lettuce through the proxy, in RESP3 (its default: HELLO 3 on connect) and in RESP2: sync and async
 * commands, an unflushed pipeline of 10,000 commands, WATCH/MULTI/EXEC, BLPOP and pub/sub.
 */
class LettuceThroughProxyIT {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String PASSWORD = "lettuce-secret";

    @RegisterExtension
    static final ProxiedRedis stack = ProxiedRedis.withPassword(PASSWORD);

    private static ClientResources resources;
    private static RedisClient resp3;
    private static RedisClient resp2;

    @BeforeAll
    static void start() {
        resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        RedisURI uri = RedisURI.builder().withHost(stack.proxy().host()).withPort(stack.proxy().port())
                .withTimeout(Duration.ofSeconds(10)).build();
        resp3 = RedisClient.create(resources, uri);
        resp3.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
        resp2 = RedisClient.create(resources, uri);
        resp2.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2).build());
    }

    @AfterAll
    static void stop() throws Exception {
        for (RedisClient client : new RedisClient[] {resp3, resp2}) {
            if (client != null) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
        if (resources != null) {
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
        }
    }


    private static RedisClient client(ProtocolVersion protocol) {
        return protocol == ProtocolVersion.RESP3 ? resp3 : resp2;
    }

    // ------------------------------------------------------------------ commands

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void syncCommandsOfSeveralTypes(ProtocolVersion protocol) {
        try (StatefulRedisConnection<String, String> connection = client(protocol).connect()) {
            RedisCommands<String, String> redis = connection.sync();
            assertThat(redis.ping()).isEqualTo("PONG");
            assertThat(redis.set("k", "v")).isEqualTo("OK");
            assertThat(redis.get("k")).isEqualTo("v");
            assertThat(redis.get("missing")).isNull();
            assertThat(redis.incrby("n", 5)).isEqualTo(5);
            assertThat(redis.hset("h", Map.of("a", "1", "b", "2"))).isEqualTo(2);
            assertThat(redis.hgetall("h")).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "2"));
            assertThat(redis.rpush("l", "x", "y")).isEqualTo(2);
            assertThat(redis.lrange("l", 0, -1)).containsExactly("x", "y");
            assertThat(redis.sadd("s", "m1", "m2")).isEqualTo(2);
            assertThat(redis.smembers("s")).containsExactlyInAnyOrder("m1", "m2");
            assertThat(redis.zadd("z", 1.5, "a", 2.5, "b")).isEqualTo(2);
            assertThat(redis.zrangeWithScores("z", 0, -1)).containsExactly(ScoredValue.just(1.5, "a"), ScoredValue.just(2.5, "b"));
            assertThat(redis.zscore("z", "b")).isEqualTo(2.5);
            String id = redis.xadd("x", Map.of("f", "v"));
            List<StreamMessage<String, String>> messages = redis.xrange("x", Range.create("-", "+"));
            assertThat(messages).extracting(StreamMessage::getId).containsExactly(id);
            assertThat(messages.get(0).getBody()).containsEntry("f", "v");
            assertThat(redis.exists("k", "missing")).isEqualTo(1);
            assertThat(redis.echo("echo")).isEqualTo("echo");
        }
        // The proxy chose an upstream pool speaking the client's protocol.
        assertThat(stack.admin().clientList()).contains(protocol == ProtocolVersion.RESP3 ? "resp=3" : "resp=2");
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void asyncCommands(ProtocolVersion protocol) throws Exception {
        try (StatefulRedisConnection<String, String> connection = client(protocol).connect()) {
            RedisAsyncCommands<String, String> async = connection.async();
            RedisFuture<String> set = async.set("a", "1");
            RedisFuture<Long> incr = async.incr("a");
            RedisFuture<String> get = async.get("a");
            RedisFuture<Long> push = async.lpush("list", "p", "q");
            RedisFuture<Map<String, String>> hash = async.hgetall("no-hash");
            RedisFuture<String> name = async.clientGetname();
            assertThat(LettuceFutures.awaitAll(WAIT, set, incr, get, push, hash, name)).isTrue();
            assertThat(set.get()).isEqualTo("OK");
            assertThat(incr.get()).isEqualTo(2);
            assertThat(get.get()).isEqualTo("2");
            assertThat(push.get()).isEqualTo(2);
            assertThat(hash.get()).isEmpty();
            assertThat(name.get()).isNull();
        }
    }

    @Test
    void clientNameGivenInHelloIsKept() {
        RedisURI uri = RedisURI.builder().withHost(stack.proxy().host()).withPort(stack.proxy().port()).withClientName("lettuce-app").build();
        try (StatefulRedisConnection<String, String> connection = resp3.connect(uri)) {
            assertThat(connection.sync().clientGetname()).isEqualTo("lettuce-app");
            assertThat(connection.sync().clientId()).isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void databaseInTheUriIsSelectedOnConnect(ProtocolVersion protocol) {
        RedisURI uri = RedisURI.builder().withHost(stack.proxy().host()).withPort(stack.proxy().port()).withDatabase(7).build();
        try (StatefulRedisConnection<String, String> connection = client(protocol).connect(uri)) {
            assertThat(connection.sync().set("uri-db", "7")).isEqualTo("OK");
            assertThat(connection.sync().select(0)).isEqualTo("OK");
            assertThat(connection.sync().get("uri-db")).isNull();
        }
        stack.admin().select(7);
        assertThat(stack.admin().get("uri-db")).isEqualTo("7");
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void pipelineOfTenThousandCommands(ProtocolVersion protocol) throws Exception {
        int n = 10_000;
        try (StatefulRedisConnection<String, String> connection = client(protocol).connect()) {
            RedisAsyncCommands<String, String> async = connection.async();
            connection.setAutoFlushCommands(false);
            List<RedisFuture<?>> futures = new ArrayList<>(n);
            List<Object> expected = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                switch (i % 3) {
                    case 0 -> {
                        futures.add(async.set("p:" + i, "v" + i));
                        expected.add("OK");
                    }
                    case 1 -> {
                        futures.add(async.get("p:" + (i - 1)));
                        expected.add("v" + (i - 1));
                    }
                    default -> {
                        futures.add(async.incr("p:counter"));
                        expected.add((long) (i / 3 + 1));
                    }
                }
            }
            connection.flushCommands();
            assertThat(LettuceFutures.awaitAll(Duration.ofSeconds(20), futures.toArray(new RedisFuture<?>[0]))).isTrue();
            for (int i = 0; i < n; i++) {
                assertThat((Object) futures.get(i).get()).as("reply %d", i).isEqualTo(expected.get(i));
            }
            connection.setAutoFlushCommands(true);
            assertThat(connection.sync().get("p:counter")).isEqualTo(Integer.toString((n + 1) / 3));
        }
    }

    // ------------------------------------------------------------------ transactions

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void watchedKeyModifiedByAnotherClientDiscardsTheTransaction(ProtocolVersion protocol) {
        try (StatefulRedisConnection<String, String> connection = client(protocol).connect();
             StatefulRedisConnection<String, String> other = client(protocol).connect()) {
            RedisCommands<String, String> redis = connection.sync();
            redis.set("w", "0");
            assertThat(redis.watch("w")).isEqualTo("OK");
            other.sync().set("w", "other");
            assertThat(redis.multi()).isEqualTo("OK");
            redis.set("w", "tx");
            TransactionResult result = redis.exec();
            assertThat(result.wasDiscarded()).isTrue();
            assertThat(redis.get("w")).isEqualTo("other");
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void watchedKeyUntouchedCommitsTheTransaction(ProtocolVersion protocol) {
        try (StatefulRedisConnection<String, String> connection = client(protocol).connect()) {
            RedisCommands<String, String> redis = connection.sync();
            redis.set("w", "0");
            redis.watch("w");
            redis.multi();
            redis.set("w", "tx");
            redis.incr("counter");
            redis.get("w");
            TransactionResult result = redis.exec();
            assertThat(result.wasDiscarded()).isFalse();
            assertThat(result).containsExactly("OK", 1L, "tx");
            assertThat(redis.multi()).isEqualTo("OK");
            redis.set("w", "discarded");
            assertThat(redis.discard()).isEqualTo("OK");
            assertThat(redis.get("w")).isEqualTo("tx");
        }
    }

    // ------------------------------------------------------------------ blocking

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void blpopIsWokenByAPush(ProtocolVersion protocol) throws Exception {
        try (StatefulRedisConnection<String, String> blocked = client(protocol).connect();
             StatefulRedisConnection<String, String> pusher = client(protocol).connect()) {
            RedisFuture<KeyValue<String, String>> popped = blocked.async().blpop(5, "queue");
            Await.until(WAIT, "BLPOP to block in Redis", () -> stack.admin().info("clients"),
                    info -> info.contains("blocked_clients:1\r\n"));
            pusher.sync().rpush("queue", "job");
            assertThat(popped.get(5, TimeUnit.SECONDS)).isEqualTo(KeyValue.just("queue", "job"));
            assertThat(blocked.sync().blpop(0.1, "queue")).as("timeout: null").isNull();
            assertThat(blocked.sync().ping()).isEqualTo("PONG");
        }
    }

    // ------------------------------------------------------------------ pub/sub

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void pubSub(ProtocolVersion protocol) throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        try (StatefulRedisPubSubConnection<String, String> subscriber = client(protocol).connectPubSub();
             StatefulRedisConnection<String, String> publisher = client(protocol).connect()) {
            subscriber.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    received.add(channel + "=" + message);
                }

                @Override
                public void message(String pattern, String channel, String message) {
                    received.add(pattern + " " + channel + "=" + message);
                }
            });
            RedisPubSubCommands<String, String> sub = subscriber.sync();
            sub.subscribe("news", "alerts");
            sub.psubscribe("sport.*");
            assertThat(publisher.sync().publish("news", "hello")).isEqualTo(1);
            assertThat(publisher.sync().publish("sport.golf", "birdie")).isEqualTo(1);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("news=hello");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("sport.* sport.golf=birdie");
            if (protocol == ProtocolVersion.RESP3) {
                // RESP3 lets a subscribed connection run any command; the pushes interleave with replies.
                assertThat(sub.set("while-subscribed", "yes")).isEqualTo("OK");
                assertThat(publisher.sync().publish("alerts", "a1")).isEqualTo(1);
                assertThat(sub.get("while-subscribed")).isEqualTo("yes");
                assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("alerts=a1");
            }
            // Subscribed RESP2 PING replies ["pong", ""], of which Lettuce returns the second element, as with Redis itself.
            assertThat(sub.ping()).isEqualTo(protocol == ProtocolVersion.RESP3 ? "PONG" : "");
            sub.unsubscribe("news", "alerts");
            sub.punsubscribe("sport.*");
            assertThat(publisher.sync().publish("news", "unheard")).isZero();
            assertThat(stack.admin().pubsubNumPat()).isZero();
            // Out of subscribed state, the connection takes ordinary commands again (RESP2 included). Lettuce
            // leaves that state only when it has read the last confirmation (count 0), which may come after
            // the sync unsubscribe calls returned: it refuses commands itself until then, against Redis too.
            Await.until(Duration.ofSeconds(5), "Lettuce to leave subscribed state and run SET", () -> {
                try {
                    return "OK".equals(sub.set("after", "1"));
                } catch (io.lettuce.core.RedisException e) {
                    if (String.valueOf(e.getMessage()).contains("not allowed while subscribed")) {
                        return false;
                    }
                    throw e;
                }
            });
            assertThat(sub.get("after")).isEqualTo("1");
            assertThat(received).isEmpty();
        }
    }
}
