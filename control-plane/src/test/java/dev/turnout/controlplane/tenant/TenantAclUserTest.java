package dev.turnout.controlplane.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.dataplane.command.CommandArguments;
import dev.turnout.dataplane.command.CommandSpec;
import dev.turnout.dataplane.command.CommandTable;
import dev.turnout.dataplane.config.Secret;
import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.dataplane.namespace.ArgumentPlan;
import dev.turnout.dataplane.namespace.NamespaceRules;
import dev.turnout.testing.Await;
import dev.turnout.testing.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The tenant ACL user's rules, checked against a real Redis: a connection as the ACL user touches only its
 * namespace's keys and channels (Lua scripts included), and may run everything the data plane sends on a tenant's
 * connections, and nothing it never sends there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantAclUserTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TenantAclUser ALICE = TenantAclUser.of("alice", "alice:", Secret.of("alice-upstream-pw"));

    private RedisServerProcess redis;
    private Jedis admin;

    @BeforeAll
    void start() {
        redis = RedisServerProcess.builder().start();
        admin = new Jedis(redis.host(), redis.port());
        admin.aclSetUser(ALICE.name(), ALICE.rules().toArray(String[]::new));
    }

    @AfterAll
    void stop() {
        if (admin != null) {
            admin.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void theRulesAreTheWholeDefinitionWithTheHashOfThePassword() {
        String hash = HexFormat.of().formatHex(UserConfig.sha256("alice-upstream-pw".getBytes(StandardCharsets.UTF_8)));
        assertThat(ALICE.name()).isEqualTo("turnout-tenant-alice");
        assertThat(ALICE.rules()).startsWith("reset", "resetchannels", "on", "#" + hash, "~alice:*", "&alice:*",
                "+@all", "-@admin", "-@dangerous").doesNotContain("alice-upstream-pw");
        assertThat(ALICE.toString()).isEqualTo("turnout-tenant-alice (namespace 'alice:')");
        assertThatThrownBy(() -> TenantAclUser.of("admin", "", Secret.of("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace: empty");
    }

    @Test
    void redisHoldsTheRules() {
        var user = admin.aclGetUser(ALICE.name());
        assertThat(user.getFlags()).contains("on");
        assertThat(user.getKeys()).isEqualTo("~alice:*");
        assertThat(user.getChannels()).isEqualTo("&alice:*");
        assertThat(user.getCommands()).startsWith("+@all -@admin").contains("+client|unblock", "-flushdb", "-flushall");
    }

    @Test
    void aConnectionAsTheTenantTouchesOnlyItsNamespace() {
        try (Jedis alice = tenant()) {
            assertThat(alice.aclWhoAmI()).isEqualTo(ALICE.name());
            assertThat(alice.set("alice:k", "v")).isEqualTo("OK");
            assertThat(alice.get("alice:k")).isEqualTo("v");
            assertNoPerm(() -> alice.get("bob:x"));
            assertNoPerm(() -> alice.set("bob:x", "1"));
            assertThat(alice.eval("return redis.call('get', KEYS[1])", List.of("alice:k"), List.of())).isEqualTo("v");
            // A script that computes a key outside the namespace, with no KEYS to give it away: Redis refuses.
            assertThatThrownBy(() -> alice.eval("return redis.call('set', 'bob:' .. ARGV[1], 1)", 0, "x"))
                    .isInstanceOf(JedisDataException.class).hasMessageMatching("(?s).*(NOPERM|can't access).*");
            assertThat(admin.exists("bob:x")).isFalse();
            assertNoPerm(() -> alice.publish("bob:news", "hi"));
            assertThatThrownBy(() -> alice.eval("return redis.call('publish', 'bob:' .. ARGV[1], 1)", 0, "news"))
                    .isInstanceOf(JedisDataException.class).hasMessageMatching("(?s).*(NOPERM|can't publish).*");
            assertThat(alice.publish("alice:news", "hi")).isZero();
            assertNoPerm(() -> alice.flushDB());
            assertNoPerm(() -> alice.flushAll());
            assertNoPerm(() -> alice.configGet("maxmemory"));
            assertNoPerm(() -> alice.clientList());
            assertNoPerm(() -> alice.sendCommand(Protocol.Command.SCRIPT, "FLUSH"));
            assertNoPerm(() -> alice.sendCommand(Protocol.Command.FUNCTION, "FLUSH"));
            assertNoPerm(() -> alice.aclSetUser(ALICE.name(), "allkeys"));
        }
    }

    @Test
    void globCharactersInTheNamespaceMatchOnlyThemselves() {
        TenantAclUser odd = TenantAclUser.of("odd", "a*[b]?\\:", Secret.of("odd-pw"));
        admin.aclSetUser(odd.name(), odd.rules().toArray(String[]::new));
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
            jedis.auth(odd.name(), "odd-pw");
            assertThat(jedis.set("a*[b]?\\:k", "1")).isEqualTo("OK");
            assertNoPerm(() -> jedis.set("aXb?\\:k", "1"));
            assertNoPerm(() -> jedis.set("a*[b]X\\:k", "1"));
            assertNoPerm(() -> jedis.set("a*b\\:k", "1"));
        }
    }

    /** What the data plane sends on a tenant's connections: its handshake, its own commands, and tenants' commands. */
    @Test
    void whatTheDataPlaneSendsForATenantIsAllowed() {
        admin.functionLoadReplace("#!lua name=tenantlib\nredis.register_function('alice_get',"
                + " function(keys, args) return redis.call('get', keys[1]) end)");
        try (Jedis alice = new Jedis(redis.host(), redis.port())) {
            alice.sendCommand(Protocol.Command.HELLO, "3", "AUTH", ALICE.name(), "alice-upstream-pw");
            alice.sendCommand(Protocol.Command.HELLO, "2");
            assertThat(alice.select(2)).isEqualTo("OK");
            assertThat(alice.select(0)).isEqualTo("OK");
            alice.clientSetname("turnout");
            assertThat(alice.clientGetname()).isEqualTo("turnout");
            long id = alice.clientId();
            alice.sendCommand(Protocol.Command.CLIENT, "REPLY", "ON");
            alice.sendCommand(Protocol.Command.CLIENT, "TRACKING", "ON", "BCAST", "PREFIX", "alice:");
            alice.sendCommand(Protocol.Command.CLIENT, "TRACKING", "OFF");
            assertThat(alice.sendCommand(Protocol.Command.CLIENT, "UNBLOCK", Long.toString(id), "TIMEOUT")).isEqualTo(0L);
            alice.set("alice:k", "v");
            alice.watch("alice:k");
            var tx = alice.multi();
            tx.incr("alice:n");
            tx.sendCommand(Protocol.Command.CLIENT, "UNBLOCK", Long.toString(id), "TIMEOUT");
            tx.xrevrange("alice:s", "+", "-", 1);
            assertThat(tx.exec()).hasSize(3);
            String sha = alice.scriptLoad("return redis.call('get', KEYS[1])");
            assertThat(alice.evalsha(sha, List.of("alice:k"), List.of())).isEqualTo("v");
            assertThat(alice.fcall("alice_get", List.of("alice:k"), List.of())).isEqualTo("v");
            // Names across the server: the data plane sends these with the route's credentials (scripts could list
            // every tenant's names with them).
            assertNoPerm(() -> alice.scan("0", new redis.clients.jedis.params.ScanParams().match("alice:*")));
            assertNoPerm(() -> alice.keys("alice:*"));
            assertNoPerm(() -> alice.randomKey());
            assertNoPerm(() -> alice.pubsubChannels());
            assertThatThrownBy(() -> alice.eval("return redis.call('scan', '0')"))
                    .hasMessageContaining("can't run this command");
            alice.rpush("alice:l", "2", "1");
            assertThat(alice.sort("alice:l")).containsExactly("1", "2");
            byte[] dump = alice.dump("alice:k");
            assertThat(alice.restore("alice:copy", 0, dump)).isEqualTo("OK");
            assertThat(alice.info("server")).contains("redis_version");
            assertThat(alice.sendCommand(Protocol.Command.ROLE)).isNotNull();
            assertThat(alice.unlink("alice:k", "alice:copy", "alice:l", "alice:n")).isEqualTo(4);
            assertThat(alice.dbSize()).isNotNegative();
            assertThat(alice.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void subscriptionsAreConfinedToTheNamespacesChannels() throws Exception {
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        try (Jedis subscriber = tenant()) {
            assertNoPerm(() -> subscriber.subscribe(collect(messages), "bob:news"));
        }
        try (Jedis subscriber = tenant()) {
            JedisPubSub pubSub = collect(messages);
            CompletableFuture<Void> listening = CompletableFuture.runAsync(() -> subscriber.psubscribe(pubSub, "alice:*"));
            Await.until(WAIT, "the tenant's subscription", () -> admin.pubsubNumPat() == 1);
            admin.publish("alice:news", "hello");
            assertThat(messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("alice:* alice:news hello");
            // A narrower pattern, as the proxy makes of a tenant's PSUBSCRIBE news.*: Redis wants it equal to a
            // channel pattern of the user's, hence the selector.
            pubSub.psubscribe("alice:sports.*");
            Await.until(WAIT, "the narrower subscription", () -> admin.pubsubNumPat() == 2);
            admin.publish("alice:sports.tennis", "ace");
            assertThat(List.of(messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS),
                    messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS))).containsExactlyInAnyOrder(
                    "alice:* alice:sports.tennis ace", "alice:sports.* alice:sports.tennis ace");

            // Setting the same rules again (every control plane start does) keeps the connection and its subscription.
            admin.aclSetUser(ALICE.name(), ALICE.rules().toArray(String[]::new));
            admin.publish("alice:news", "again");
            assertThat(messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("alice:* alice:news again");
            pubSub.punsubscribe();
            listening.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(messages).isEmpty();
        }
    }

    /**
     * From the data plane's own command table: every command and subcommand it forwards for a tenant (its namespace
     * rules neither refuse it nor run it as a walk of the namespace) passes {@code ACL DRYRUN} as the tenant ACL user
     * on real Redis, with its keys, channels and patterns in the namespace; and those it never forwards for a tenant
     * are refused there.
     */
    @Test
    void exactlyWhatTheDataPlaneForwardsForATenantIsAllowed() {
        CommandTable table = CommandTable.loadDefault();
        NamespaceRules rules = new NamespaceRules(table);
        // Answered by the data plane itself, never forwarded: Redis may refuse them to the tenant.
        Set<String> answeredByTheProxy = Set.of("client|no-evict");
        // Sent with the route's credentials, never as the tenant's ACL user (see ListingHandler in the data plane).
        Set<String> sentWithRouteCredentials = Set.of("keys", "scan", "pubsub|channels", "pubsub|shardchannels",
                "pubsub|numsub", "pubsub|shardnumsub", "pubsub|help");
        Map<String, String> refusedButForwarded = new TreeMap<>();
        List<String> forwarded = new ArrayList<>();
        List<String> neverForwarded = new ArrayList<>();
        for (CommandSpec spec : specs(table)) {
            String[] args = argumentsFor(spec);
            ArgumentPlan plan = new ArgumentPlan();
            rules.plan(new Arguments(args), spec, plan);
            boolean proxyForwards = plan.refusal() == null && plan.operation() == null
                    && !answeredByTheProxy.contains(spec.name()) && !sentWithRouteCredentials.contains(spec.name());
            String dryRun = dryRun(args);
            boolean redisAllows = !dryRun.contains("no permissions");
            (proxyForwards ? forwarded : neverForwarded).add(spec.name());
            if (proxyForwards && !redisAllows) {
                refusedButForwarded.put(spec.name(), dryRun);
            }
        }
        assertThat(refusedButForwarded).as("forwarded for tenants, refused to their ACL user").isEmpty();
        assertThat(forwarded).hasSizeGreaterThan(200).contains("get", "eval", "fcall", "unlink", "sort", "restore",
                "info", "subscribe", "ssubscribe", "client|tracking", "client|reply", "multi");
        for (String name : List.of("flushdb", "flushall", "config|set", "client|list", "client|kill", "monitor",
                "script|flush", "function|flush", "function|load", "acl|setuser", "swapdb", "debug", "shutdown",
                "client|no-evict", "keys", "scan", "randomkey", "pubsub|channels", "pubsub|numsub")) {
            assertThat(neverForwarded).as("never forwarded for a tenant").contains(name);
            assertThat(dryRun(argumentsFor(spec(table, name))))
                    .as("ACL DRYRUN %s as the tenant", name).contains("no permissions to run");
        }
    }

    private static List<CommandSpec> specs(CommandTable table) {
        List<CommandSpec> specs = new ArrayList<>();
        for (CommandSpec spec : table.commands()) {
            if (spec.isContainer()) {
                specs.addAll(spec.subcommands().values());
            } else {
                specs.add(spec);
            }
        }
        return specs;
    }

    /** The command or subcommand named like {@code "client|list"}. */
    private static CommandSpec spec(CommandTable table, String name) {
        return specs(table).stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * The name (and subcommand), then {@code alice:x*} up to the command's arity: a key, a channel or a pattern of
     * alice's, as the proxy would make it.
     */
    private static String[] argumentsFor(CommandSpec spec) {
        String[] words = spec.name().split("\\|");
        int argc = Math.max(Math.abs(spec.arity()), words.length);
        String[] args = new String[argc];
        for (int i = 0; i < argc; i++) {
            args[i] = i < words.length ? words[i] : "alice:x*";
        }
        return args;
    }

    private String dryRun(String[] args) {
        try {
            return admin.aclDryRun(ALICE.name(), args[0], java.util.Arrays.copyOfRange(args, 1, args.length));
        } catch (JedisDataException e) {
            return e.getMessage();
        }
    }

    private Jedis tenant() {
        Jedis jedis = new Jedis(redis.host(), redis.port());
        jedis.auth(ALICE.name(), "alice-upstream-pw");
        return jedis;
    }

    private static JedisPubSub collect(BlockingQueue<String> messages) {
        return new JedisPubSub() {
            @Override
            public void onPMessage(String pattern, String channel, String message) {
                messages.add(pattern + " " + channel + " " + message);
            }
        };
    }

    private static void assertNoPerm(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(JedisDataException.class).hasMessageStartingWith("NOPERM");
    }

    /** {@link CommandArguments} over strings. */
    private record Arguments(String[] args) implements CommandArguments {
        @Override
        public int argc() {
            return args.length;
        }

        @Override
        public int argLength(int i) {
            return args[i].getBytes(StandardCharsets.UTF_8).length;
        }

        @Override
        public byte argByte(int i, int pos) {
            return args[i].getBytes(StandardCharsets.UTF_8)[pos];
        }

        @Override
        public boolean argEqualsIgnoreCase(int i, byte[] lowerAscii) {
            return args[i].equalsIgnoreCase(new String(lowerAscii, StandardCharsets.US_ASCII));
        }

        @Override
        public long argAsLong(int i) {
            return Long.parseLong(args[i]);
        }
    }
}
