package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.dataplane.command.CommandSpec;
import dev.turnout.dataplane.command.CommandTable;
import dev.turnout.dataplane.namespace.ArgumentPlan;
import dev.turnout.testing.DataPlaneFixture;
import dev.turnout.testing.RedisServerProcess;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Issue 5, point 7: two tenants at once through one data plane, each with its own client library, Lettuce (RESP3)
 * as alice and Jedis (RESP2) as bob, writing the same key names concurrently; RESP3 pushes (pub/sub, client
 * tracking) name keys and channels without the prefix; and every command the namespace refuses answers NOPERM and
 * leaves the connection usable.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantClientsIT {

    private RedisServerProcess redis;
    private DataPlaneFixture proxy;
    private ClientResources resources;
    private RedisClient lettuce;

    @BeforeAll
    void start() {
        redis = RedisServerProcess.builder().start();
        proxy = DataPlaneFixture.forwardingTo(redis)
                .users(NamespaceIT.user("alice", "a-pw", "alice:"), NamespaceIT.user("bob", "b-pw", "bob:")).start();
        resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        lettuce = RedisClient.create(resources, RedisURI.builder().withHost(proxy.host()).withPort(proxy.port())
                .withAuthentication("alice", "a-pw").withTimeout(Duration.ofSeconds(10)).build());
        lettuce.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
    }

    @AfterAll
    void stop() throws Exception {
        if (lettuce != null) {
            lettuce.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (resources != null) {
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
        }
        if (proxy != null) {
            proxy.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private Jedis bob() {
        return new Jedis(new HostAndPort(proxy.host(), proxy.port()),
                DefaultJedisClientConfig.builder().user("bob").password("b-pw").timeoutMillis(10_000).build());
    }

    @Test
    void lettuceAndJedisTenantsWriteTheSameNamesAtOnceAndEachSeesOnlyItsOwn() throws Exception {
        int n = 2000;
        try (StatefulRedisConnection<String, String> alice = lettuce.connect(); Jedis bob = bob();
             Jedis direct = new Jedis(redis.host(), redis.port())) {
            RedisCommands<String, String> a = alice.sync();
            CompletableFuture<Void> aliceWrites = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < n; i++) {
                    a.set("shared:" + i, "alice-" + i);
                    a.incr("counter");
                }
            });
            for (int i = 0; i < n; i++) {
                bob.set("shared:" + i, "bob-" + i);
                bob.incr("counter");
            }
            aliceWrites.get(60, TimeUnit.SECONDS);

            assertThat(a.get("counter")).isEqualTo(Integer.toString(n));
            assertThat(bob.get("counter")).isEqualTo(Integer.toString(n));
            assertThat(a.get("shared:7")).isEqualTo("alice-7");
            assertThat(bob.get("shared:7")).isEqualTo("bob-7");
            assertThat(a.dbsize()).isEqualTo(n + 1);
            assertThat(bob.dbSize()).isEqualTo(n + 1);
            assertThat(direct.dbSize()).isEqualTo(2L * (n + 1));

            Set<String> scanned = new HashSet<>();
            KeyScanCursor<String> cursor = a.scan();
            scanned.addAll(cursor.getKeys());
            while (!cursor.isFinished()) {
                cursor = a.scan(ScanCursor.of(cursor.getCursor()));
                scanned.addAll(cursor.getKeys());
            }
            assertThat(scanned).hasSize(n + 1).allMatch(k -> k.startsWith("shared:") || k.equals("counter"));
            assertThat(a.flushdb()).isEqualTo("OK");
            assertThat(bob.dbSize()).isEqualTo(n + 1);
            assertThat(bob.flushDB()).isEqualTo("OK");
            assertThat(direct.dbSize()).isZero();
        }
    }

    @Test
    void resp3PushesNameChannelsAndKeysWithoutThePrefix() throws Exception {
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        try (StatefulRedisPubSubConnection<String, String> subscriber = lettuce.connectPubSub();
             StatefulRedisConnection<String, String> alice = lettuce.connect(); Jedis bob = bob()) {
            subscriber.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    messages.add(channel + " " + message);
                }

                @Override
                public void message(String pattern, String channel, String message) {
                    messages.add(pattern + " " + channel + " " + message);
                }
            });
            subscriber.sync().subscribe("events");
            subscriber.sync().psubscribe("ev*");
            bob.publish("events", "bob's");
            assertThat(alice.sync().publish("events", "alice's")).isEqualTo(2);
            List<String> got = new ArrayList<>(List.of(messages.poll(10, TimeUnit.SECONDS),
                    messages.poll(10, TimeUnit.SECONDS)));
            assertThat(got).containsExactlyInAnyOrder("events alice's", "ev* events alice's");
            assertThat(messages.poll(200, TimeUnit.MILLISECONDS)).isNull();
        }
        try (RespWire tracked = new RespWire(proxy.host(), proxy.port()); RespWire writer = new RespWire(proxy.host(),
                proxy.port())) {
            assertThat(tracked.call("HELLO", "3", "AUTH", "alice", "a-pw")).isInstanceOf(java.util.Map.class);
            assertThat(writer.call("AUTH", "alice", "a-pw")).isEqualTo("OK");
            assertThat(writer.call("SET", "cached", "1")).isEqualTo("OK");
            assertThat(tracked.call("CLIENT", "TRACKING", "ON")).isEqualTo("OK");
            assertThat(tracked.call("GET", "cached")).isEqualTo("1");
            assertThat(writer.call("SET", "cached", "2")).isEqualTo("OK");
            assertThat(tracked.read()).isEqualTo(new RespWire.Push(List.of("invalidate", List.of("cached"))));
            // BCAST without a prefix hears of the namespace's keys only, by their own names.
            assertThat(tracked.call("CLIENT", "TRACKING", "OFF")).isEqualTo("OK");
            assertThat(tracked.call("CLIENT", "TRACKING", "ON", "BCAST")).isEqualTo("OK");
            try (Jedis bob = bob()) {
                bob.set("cached", "bob's");
            }
            assertThat(writer.call("SET", "other", "3")).isEqualTo("OK");
            assertThat(tracked.read()).isEqualTo(new RespWire.Push(List.of("invalidate", List.of("other"))));
        }
    }

    @Test
    void everyCommandTheNamespaceRefusesAnswersNopermAndTheConnectionGoesOn() {
        CommandTable table = CommandTable.loadDefault();
        dev.turnout.dataplane.namespace.NamespaceRules rules = new dev.turnout.dataplane.namespace.NamespaceRules(table);
        List<String> refused = new ArrayList<>();
        try (RespWire alice = new RespWire(proxy.host(), proxy.port())) {
            assertThat(alice.call("AUTH", "alice", "a-pw")).isEqualTo("OK");
            for (CommandSpec spec : table.commands()) {
                for (CommandSpec command : spec.isContainer() ? spec.subcommands().values() : List.of(spec)) {
                    String[] args = arguments(command);
                    ArgumentPlan plan = new ArgumentPlan();
                    rules.plan(new StringArguments(args), plan);
                    if (plan.refusal() == null) {
                        continue;
                    }
                    refused.add(command.name());
                    Object reply = alice.call(args);
                    assertThat(reply).as(command.name()).isInstanceOf(RespWire.Error.class);
                    assertThat(((RespWire.Error) reply).message()).as(command.name())
                            .isEqualTo(plan.refusal());
                    assertThat(alice.call("PING")).as("after " + command.name()).isEqualTo("PONG");
                }
            }
        }
        assertThat(refused).contains("config|set", "monitor", "swapdb", "move", "migrate", "acl|setuser",
                "cluster|info", "module|load", "function|load", "script|flush", "client|kill", "client|list",
                "debug", "shutdown", "function|list").doesNotContain("get", "eval", "fcall", "script|load");
    }

    /** The command's name and enough arguments for its arity, all "x" (never run: each is refused). */
    private static String[] arguments(CommandSpec command) {
        String[] name = command.name().split("\\|");
        String[] args = new String[Math.max(Math.abs(command.arity()), name.length)];
        for (int i = 0; i < args.length; i++) {
            args[i] = i < name.length ? name[i] : "x";
        }
        return args;
    }
}
