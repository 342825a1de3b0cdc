package dev.turnout.dataplane.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.dataplane.command.BeginSearch;
import dev.turnout.dataplane.command.CommandSpec;
import dev.turnout.dataplane.command.CommandTable;
import dev.turnout.dataplane.command.KeySpec;
import dev.turnout.dataplane.resp.CommandFrame;
import dev.turnout.dataplane.resp.RequestParser;
import dev.turnout.dataplane.resp.RespValues;
import dev.turnout.testing.RedisServerProcess;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Issue 5, point 7: the isolation sweep, generated from the command table. For every command and subcommand with
 * key specs, random argument lists are confined to namespace {@code alice:} by {@link NamespaceRules}, and real
 * Redis's own key extraction ({@code COMMAND GETKEYS}) is asked what the result touches: every key it names must be
 * alice's, and exactly the client's keys with the prefix in front. So whatever another tenant's key is called, a
 * command of alice's can neither read, modify, list nor learn of it. Commands the rules refuse are counted apart.
 */
class NamespaceKeySweepTest {

    private static final int SAMPLES_PER_COMMAND = 150;
    private static final Namespace ALICE = Namespace.of("alice:");

    private static RedisServerProcess redis;
    private static Jedis jedis;
    private static CommandTable table;
    private static NamespaceRules rules;

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.builder().start();
        jedis = new Jedis(redis.host(), redis.port());
        table = CommandTable.loadDefault();
        rules = new NamespaceRules(table);
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

    @Test
    void everyKeyOfEveryConfinedCommandIsInTheNamespace() throws Exception {
        Random random = new Random(20261205L);
        TreeMap<String, Integer> checked = new TreeMap<>();
        Set<String> refused = new TreeSet<>();
        List<String> failures = new ArrayList<>();
        for (CommandSpec spec : commandsWithKeys()) {
            int meaningful = 0;
            for (int sample = 0; sample < SAMPLES_PER_COMMAND; sample++) {
                byte[][] args = randomArguments(spec, random);
                ArgumentPlan plan = new ArgumentPlan();
                byte[][] confined = confine(args, plan);
                if (plan.refusal() != null) {
                    refused.add(spec.name());
                    break;
                }
                if (plan.operation() != null) {
                    break; // run by the proxy as a walk over the namespace (KeyspaceOperation)
                }
                List<String> original = getKeys(args);
                List<String> after = getKeys(confined);
                if (original == null) {
                    continue; // Redis finds no keys in it (or refuses it): nothing to confine
                }
                meaningful++;
                List<String> expected = original.stream().map(k -> "alice:" + k).toList();
                boolean outside = after == null ? false : after.stream().anyMatch(k -> !k.startsWith("alice:"));
                // With a keyword twice (GEORADIUS ... STOREDIST k STORE STORE k), a key named like a keyword no
                // longer reads as one once prefixed, so Redis may find other keys: all must still be alice's.
                if (outside || !expected.equals(after) && !repeatsAKeyword(spec, args) && !failsInRedis(spec, args)) {
                    failures.add(spec.name() + " " + render(args) + " -> " + render(confined) + ": keys " + after
                            + ", expected " + expected);
                }
            }
            checked.put(spec.name(), meaningful);
        }
        assertThat(failures).as("commands whose keys left the namespace").isEmpty();
        List<String> neverChecked = checked.entrySet().stream()
                .filter(e -> e.getValue() == 0 && !refused.contains(e.getKey())).map(e -> e.getKey()).toList();
        // The keyspace walks (FLUSHDB, ...) have no keys; everything else with key specs got real samples.
        assertThat(neverChecked).as("commands with key specs never checked against Redis").isEmpty();
        assertThat(refused).containsExactlyInAnyOrder("migrate", "move", "restore-asking");
        assertThat(checked.size() - refused.size()).isGreaterThan(150);
    }

    private static List<CommandSpec> commandsWithKeys() {
        List<CommandSpec> specs = new ArrayList<>();
        for (CommandSpec spec : table.commands()) {
            if (spec.isContainer()) {
                spec.subcommands().values().stream().filter(CommandSpec::hasKeys).forEach(specs::add);
            } else if (spec.hasKeys()) {
                specs.add(spec);
            }
        }
        return specs;
    }

    private static byte[][] randomArguments(CommandSpec spec, Random random) {
        String[] name = spec.name().split("\\|");
        int minimum = Math.abs(spec.arity());
        int argc = spec.arity() > 0 ? spec.arity() : minimum + random.nextInt(6);
        Set<String> keywords = new LinkedHashSet<>();
        for (KeySpec keySpec : spec.keySpecs()) {
            if (keySpec.beginSearch() instanceof BeginSearch.Keyword keyword) {
                keywords.add(keyword.keyword());
            }
        }
        List<String> tokens = new ArrayList<>(List.of("k1", "k2", "{tag}k3", "bob:k4", "1", "2", "3", "1", "0"));
        tokens.addAll(keywords);
        byte[][] args = new byte[argc][];
        for (int i = 0; i < argc; i++) {
            String token = i < name.length ? name[i] : tokens.get(random.nextInt(tokens.size()));
            args[i] = token.getBytes(StandardCharsets.UTF_8);
        }
        return args;
    }

    /** XREADGROUP without GROUP fails in Redis ("Missing GROUP option"), whatever its key extraction says. */
    private static boolean failsInRedis(CommandSpec spec, byte[][] args) {
        return spec.name().equals("xreadgroup") && java.util.Arrays.stream(args)
                .noneMatch(a -> new String(a, StandardCharsets.UTF_8).equalsIgnoreCase("group"));
    }

    private static boolean repeatsAKeyword(CommandSpec spec, byte[][] args) {
        Set<String> seen = new java.util.HashSet<>();
        for (KeySpec keySpec : spec.keySpecs()) {
            if (keySpec.beginSearch() instanceof BeginSearch.Keyword keyword) {
                int count = 0;
                for (byte[] arg : args) {
                    if (new String(arg, StandardCharsets.UTF_8).equalsIgnoreCase(keyword.keyword())) {
                        count++;
                    }
                }
                if (count > 1 || count == 1 && !seen.add(keyword.keyword())) {
                    return true;
                }
            }
        }
        return seen.size() > 1;
    }

    /** The arguments as {@link NamespaceRules} and {@link ArgumentPlan#write} send them upstream. */
    private static byte[][] confine(byte[][] args, ArgumentPlan plan) throws Exception {
        ByteBuf in = Unpooled.buffer();
        ByteBuf out = Unpooled.buffer();
        CommandFrame frame = new CommandFrame();
        try {
            in.writeByte('*').writeBytes(Integer.toString(args.length).getBytes(StandardCharsets.US_ASCII))
                    .writeBytes(new byte[] {'\r', '\n'});
            for (byte[] arg : args) {
                in.writeByte('$').writeBytes(Integer.toString(arg.length).getBytes(StandardCharsets.US_ASCII))
                        .writeBytes(new byte[] {'\r', '\n'}).writeBytes(arg).writeBytes(new byte[] {'\r', '\n'});
            }
            assertThat(new RequestParser().parse(in, frame, UnpooledByteBufAllocator.DEFAULT)).isTrue();
            rules.plan(frame, plan);
            if (plan.refusal() != null || plan.operation() != null) {
                return args;
            }
            plan.write(frame, ALICE, out);
            List<?> decoded = (List<?>) RespValues.decode(out);
            return decoded.toArray(new byte[0][]);
        } finally {
            frame.reset();
            in.release();
            out.release();
        }
    }

    /** What Redis's COMMAND GETKEYS says the command touches, or null when it finds none or refuses it. */
    private static List<String> getKeys(byte[][] args) {
        byte[][] request = new byte[args.length + 1][];
        request[0] = "GETKEYS".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(args, 0, request, 1, args.length);
        try {
            List<?> keys = (List<?>) jedis.sendCommand(Protocol.Command.COMMAND, request);
            return keys.stream().map(k -> new String((byte[]) k, StandardCharsets.UTF_8)).toList();
        } catch (JedisDataException e) {
            return null;
        }
    }

    private static String render(byte[][] args) {
        List<String> parts = new ArrayList<>();
        for (byte[] arg : args) {
            parts.add(new String(arg, StandardCharsets.UTF_8));
        }
        return String.join(" ", parts);
    }
}
