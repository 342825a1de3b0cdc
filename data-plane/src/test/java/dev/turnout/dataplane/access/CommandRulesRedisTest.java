package dev.turnout.dataplane.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.turnout.dataplane.command.CommandSpec;
import dev.turnout.dataplane.command.CommandTable;
import dev.turnout.testing.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * {@link CommandRules} decides as Redis does: for each rule string, {@code ACL SETUSER} gives a Redis user the same
 * rules and {@code ACL DRYRUN} asks Redis about every command and subcommand of the table.
 */
class CommandRulesRedisTest {

    private static final String USER = "rules-under-test";

    private static RedisServerProcess redis;
    private static Jedis jedis;
    private static CommandTable table;

    @BeforeAll
    static void start() {
        table = CommandTable.loadDefault();
        redis = RedisServerProcess.builder().start();
        jedis = new Jedis(redis.host(), redis.port());
    }

    @AfterAll
    static void stop() {
        if (jedis != null) {
            jedis.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** The table and the NOPERM wording are Redis 7.0's; another Redis differs in commands and words. */
    private static void assumeSameRedisAsTheTable() {
        String info = jedis.info("server");
        String version = info.lines().filter(l -> l.startsWith("redis_version:")).findFirst().orElse("")
                .substring("redis_version:".length());
        assumeThat(version).as("redis-server version (the table is %s's)", table.redisVersion())
                .startsWith(table.redisVersion().substring(0, table.redisVersion().lastIndexOf('.') + 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "+@all",
        "+@all -@dangerous",
        "-@all +get",
        "+client -client|kill",
        "+@read -@all",
        "",
        "+@all -@slow +client|id",
        "-@all +@connection",
        "-@all +@read +@write -@admin",
        "+@all -config +config|get",
        "-@all +@pubsub +@transaction -exec",
        "nocommands +@scripting -eval",
        "+@all -@keyspace +del",
        "ALLCOMMANDS -@Dangerous +Client|Kill -CONFIG +@Read",
        "+@all -@connection -auth -hello",
        "-@all +@admin -@dangerous +acl|whoami",
        "+@all -@write -@stream +xadd -@blocking +@hash -@fast",
    })
    void everyCommandIsAllowedExactlyWhenRedisAllowsIt(String rules) {
        assumeSameRedisAsTheTable();
        CommandRules compiled = CommandRules.parse(rules, table);
        assertThat(acl(setUserArgs(rules))).isEqualTo("OK");
        List<String> differences = new ArrayList<>();
        int compared = 0;
        for (int id = 0; id < table.size(); id++) {
            CommandSpec spec = table.byId(id);
            if (spec.isContainer()) {
                continue; // Redis checks the subcommand a client names, never the container
            }
            String reply = acl(dryRunArgs(spec));
            boolean redisAllows = reply.equals("OK");
            if (!redisAllows && !reply.startsWith("This user has no permissions")) {
                differences.add(spec.name() + ": Redis said " + reply);
                continue;
            }
            compared++;
            if (redisAllows != compiled.allows(spec)) {
                differences.add(spec.name() + ": Redis " + (redisAllows ? "allows" : "refuses") + ", CommandRules "
                        + (compiled.allows(spec) ? "allows" : "refuses"));
            }
        }
        assertThat(differences).as("rules '%s' (normal form '%s')", rules, compiled).isEmpty();
        assertThat(compared).isGreaterThan(350);
    }

    @ParameterizedTest
    @ValueSource(strings = {"+foo", "+@reads", "-@", "-client|nope", "-get|x", "+config|", "+config|get|x",
        "+", "+@@read"})
    void rulesRedisRefusesAreRefusedForTheSameReason(String token) {
        assumeSameRedisAsTheTable();
        String reason;
        try {
            CommandRules.parse(token, table);
            throw new AssertionError(token + " was accepted");
        } catch (IllegalArgumentException e) {
            reason = e.getMessage().substring(0, e.getMessage().indexOf(" (expected"));
        }
        assertThatThrownBy(() -> acl(setUserArgs(token))).isInstanceOf(JedisDataException.class)
                .hasMessage("ERR Error in ACL SETUSER modifier " + reason);
    }

    @Test
    void aRefusedCommandGetsTheErrorRedisGives() {
        assumeSameRedisAsTheTable();
        acl("SETUSER", USER, "reset", "on", ">pw", "allkeys", "allchannels", "-@all", "+get");
        try (Jedis client = new Jedis(redis.host(), redis.port())) {
            client.auth(USER, "pw");
            for (String name : List.of("set", "config|get", "client|kill")) {
                CommandSpec spec = table.lookup(name);
                String[] args = arguments(spec);
                assertThatThrownBy(() -> client.sendCommand(() -> args[0].getBytes(StandardCharsets.UTF_8),
                        Arrays.copyOfRange(args, 1, args.length)))
                        .isInstanceOf(JedisDataException.class).hasMessage(CommandRules.noPermission(spec));
            }
        }
    }

    private static String[] setUserArgs(String rules) {
        List<String> args = new ArrayList<>(List.of("SETUSER", USER, "reset", "on", "nopass", "allkeys", "allchannels"));
        args.addAll(Arrays.stream(rules.trim().split("\\s+")).filter(t -> !t.isEmpty()).toList());
        return args.toArray(new String[0]);
    }

    private static String[] dryRunArgs(CommandSpec spec) {
        List<String> args = new ArrayList<>(List.of("DRYRUN", USER));
        args.addAll(List.of(arguments(spec)));
        return args.toArray(new String[0]);
    }

    /** The command's name ("client", "kill" for a subcommand) and fillers up to its arity. */
    private static String[] arguments(CommandSpec spec) {
        List<String> args = new ArrayList<>(List.of(spec.name().split("\\|")));
        while (!spec.acceptsArgc(args.size())) {
            args.add("0");
        }
        return args.toArray(new String[0]);
    }

    private static String acl(String... args) {
        Object reply = jedis.sendCommand(Protocol.Command.ACL, args);
        return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(reply);
    }
}
