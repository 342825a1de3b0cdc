package dev.turnout.dataplane.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.dataplane.command.CommandSpec;
import dev.turnout.dataplane.command.CommandTable;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Redis 7.0's ACL command rules against the real command table; {@link CommandRulesRedisTest} asks Redis. */
class CommandRulesTest {

    private static CommandTable table;

    @BeforeAll
    static void loadTable() {
        table = CommandTable.loadDefault();
    }

    private static CommandRules rules(String text) {
        return CommandRules.parse(text, table);
    }

    private static CommandSpec spec(String name) {
        CommandSpec spec = table.lookup(name);
        assertThat(spec).as(name).isNotNull();
        return spec;
    }

    private static List<String> allowed(CommandRules rules, String... names) {
        List<String> allowed = new ArrayList<>();
        for (String name : names) {
            if (rules.allows(spec(name))) {
                allowed.add(name);
            }
        }
        return allowed;
    }

    @Test
    void allButDangerous() {
        CommandRules rules = rules("+@all -@dangerous");
        assertThat(allowed(rules, "get", "set", "client|setname", "flushall", "config|get", "keys", "client|kill",
                "debug", "acl|setuser", "acl|whoami"))
                .containsExactly("get", "set", "client|setname", "acl|whoami");
        assertThat(rules.allowsUnknownCommands()).isFalse();
        assertThat(rules).hasToString("+@all -@dangerous");
    }

    @Test
    void nothingButGet() {
        CommandRules rules = rules("-@all +get");
        assertThat(allowed(rules, "get", "set", "mget", "client|id", "client")).containsExactly("get");
        assertThat(rules.allowsUnknownCommands()).isFalse();
        assertThat(rules).hasToString("-@all +get");
    }

    @Test
    void commandsThatLogInAndOutAreAlwaysAllowed() {
        for (String text : List.of("", "-@all", "nocommands", "+@all -@connection -auth -hello -quit -reset")) {
            assertThat(allowed(rules(text), "auth", "hello", "quit", "reset", "ping", "select"))
                    .as(text).containsExactly("auth", "hello", "quit", "reset");
        }
    }

    @Test
    void aContainerAllowsEverySubcommandButTheOnesTakenAway() {
        CommandRules rules = rules("+client -client|kill");
        for (CommandSpec sub : spec("client").subcommands().values()) {
            assertThat(rules.allows(sub)).as(sub.name()).isEqualTo(!sub.name().equals("client|kill"));
        }
        assertThat(allowed(rules, "get", "config|get")).isEmpty();
        assertThat(rules).hasToString("-@all +client -client|kill");
    }

    @Test
    void aSubcommandAloneAllowsOnlyItself() {
        CommandRules rules = rules("+config|get");
        assertThat(allowed(rules, "config|get", "config|set", "config", "get")).containsExactly("config|get");
        assertThat(rules).hasToString("-@all +config|get");
    }

    @Test
    void takingAContainerAwayTakesEverySubcommand() {
        CommandRules rules = rules("+@all -config");
        assertThat(spec("config").subcommands().values()).noneMatch(rules::allows);
        assertThat(allowed(rules, "get", "client|kill")).containsExactly("get", "client|kill");
    }

    @Test
    void aCategoryTakesItsSubcommandsAway() {
        CommandRules rules = rules("+client -@admin");
        assertThat(allowed(rules, "client|id", "client|setname", "client|kill", "client|list", "client|pause"))
                .containsExactly("client|id", "client|setname");
    }

    @Test
    void minusAllResetsWhatCameBefore() {
        CommandRules rules = rules("+@read -@all");
        assertThat(allowed(rules, "get", "mget", "set")).isEmpty();
        assertThat(rules).hasToString("-@all").isEqualTo(rules("-@all")).isEqualTo(rules(""));
    }

    @Test
    void laterRulesOverrideEarlierOnes() {
        assertThat(allowed(rules("-@all +@read -get"), "get", "mget")).containsExactly("mget");
        assertThat(allowed(rules("-@all -get +@read"), "get", "mget")).containsExactly("get", "mget");
        assertThat(allowed(rules("+@all -@write +set"), "set", "del", "get")).containsExactly("set", "get");
        assertThat(allowed(rules("+@all -client|kill +client"), "client|kill")).containsExactly("client|kill");
    }

    @Test
    void everythingIsAllowedOnlyByAllCommandsWithNothingTakenAway() {
        assertThat(rules("+@all").allowsUnknownCommands()).isTrue();
        assertThat(rules("allcommands +get").allowsUnknownCommands()).isTrue();
        assertThat(rules("+@all -get +get").allowsUnknownCommands()).isTrue();
        assertThat(rules("+@all -get").allowsUnknownCommands()).isFalse();
        assertThat(rules("-@all +@all").allowsUnknownCommands()).isTrue();
        assertThat(rules("+@all -@all").allowsUnknownCommands()).isFalse();
        assertThat(rules("+get").allowsUnknownCommands()).isFalse();
        CommandRules all = rules("+@all");
        for (int id = 0; id < table.size(); id++) {
            assertThat(all.allows(table.byId(id))).as(table.byId(id).name()).isTrue();
        }
    }

    @Test
    void namesAreCaseInsensitive() {
        CommandRules upper = rules("ALLCOMMANDS -@DANGEROUS +Client|Kill -GET +@Read -CONFIG");
        CommandRules lower = rules("+@all -@dangerous +client|kill -get +@read -config");
        assertThat(upper).isEqualTo(lower).hasToString(lower.toString());
        assertThat(upper).hasToString("+@all -@dangerous +client|kill -get +@read -config");
        assertThat(rules("NOCOMMANDS +@ALL")).isEqualTo(rules("+@all"));
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", quoteCharacter = '"', value = {
        "\"\"                                         => -@all",
        "\"  +get   +set  \"                        => -@all +get +set",
        "+@all +get                                 => +@all",
        "-@all -get +set                            => -@all +set",
        "ALLCOMMANDS +get -@Dangerous -keys -@dangerous => +@all -keys -@dangerous",
        "+@read -@read +get +@read                  => -@all +get +@read",
        "+@all -@all +client -client|kill           => -@all +client -client|kill",
        "+get nocommands                            => -@all",
        "+@all -get +get                            => +@all",
        "+client|kill -client +client|kill          => -@all +client|kill",
    })
    void theNormalFormKeepsEachRuleOnceWhereItLastAppeared(String text, String normal) {
        CommandRules rules = rules(text);
        assertThat(rules).hasToString(normal);
        assertThat(rules(normal)).isEqualTo(rules);
    }

    @Test
    void theNormalFormCompilesToTheSamePermissions() {
        List<String> tokens = List.of("+@all", "-@all", "allcommands", "nocommands", "+@read", "-@read", "+@write",
                "-@write", "+@dangerous", "-@dangerous", "+@slow", "-@slow", "+@connection", "-@connection", "+get",
                "-get", "+set", "-set", "+client", "-client", "+client|kill", "-client|kill", "+client|id",
                "-config", "+config|get", "-config|get", "+keys", "-keys", "+@admin", "-@admin");
        Random random = new Random(7);
        for (int round = 0; round < 2000; round++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(8); i >= 0; i--) {
                text.append(tokens.get(random.nextInt(tokens.size()))).append(' ');
            }
            CommandRules rules = rules(text.toString());
            CommandRules again = rules(rules.toString());
            assertThat(again).as(text + "-> " + rules).isEqualTo(rules);
            assertThat(again.allowsUnknownCommands()).as(text.toString()).isEqualTo(rules.allowsUnknownCommands());
            assertThat(again).hasToString(rules.toString());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", quoteCharacter = '"', value = {
        "+@reads      => '+@reads': Unknown command or category name in ACL (expected one of the categories: @all, "
                + "@keyspace, @read, @write, @set, @sortedset, @list, @hash, @string, @bitmap, @hyperloglog, @geo, "
                + "@stream, @pubsub, @admin, @fast, @slow, @blocking, @dangerous, @connection, @transaction, "
                + "@scripting)",
        "-@           => '-@': Unknown command or category name in ACL (expected one of the categories: @all, @keyspace,"
                + " @read, @write, @set, @sortedset, @list, @hash, @string, @bitmap, @hyperloglog, @geo, @stream, "
                + "@pubsub, @admin, @fast, @slow, @blocking, @dangerous, @connection, @transaction, @scripting)",
        "+foo         => '+foo': Unknown command or category name in ACL (expected a command or subcommand of Redis "
                + "7.0.15 such as +get or -client|kill; 'foo' is not a command)",
        "+            => '+': Unknown command or category name in ACL (expected a command or subcommand of Redis "
                + "7.0.15 such as +get or -client|kill; '' is not a command)",
        "-get|x       => '-get|x': Unknown command or category name in ACL (expected a command or subcommand of Redis "
                + "7.0.15 such as +get or -client|kill; get has no subcommands)",
        "+foo|bar     => '+foo|bar': Unknown command or category name in ACL (expected a command or subcommand of "
                + "Redis 7.0.15 such as +get or -client|kill; 'foo' is not a command)",
        "-CONFIG|nope => '-CONFIG|nope': Unknown command or category name in ACL (expected a subcommand of config: "
                + "get, help, resetstat, rewrite, set)",
        "+config|     => '+config|': Syntax error (expected a subcommand after '|', one of: get, help, resetstat, "
                + "rewrite, set)",
        "+config|get|x => '+config|get|x': Allowing first-arg of a subcommand is not supported (expected +config|get)",
        "+select|0    => '+select|0': select has no subcommands, and rules for a command's first argument (Redis's "
                + "deprecated +select|0) are not supported (expected +select)",
        "on           => 'on': Syntax error (expected +@all, -@all, allcommands, nocommands, +@<category>, "
                + "-@<category>, +<command>, -<command>, +<command>|<subcommand> or -<command>|<subcommand>; "
                + "passwords, keys and channels are not set here)",
        "~*           => '~*': Syntax error (expected +@all, -@all, allcommands, nocommands, +@<category>, "
                + "-@<category>, +<command>, -<command>, +<command>|<subcommand> or -<command>|<subcommand>; "
                + "passwords, keys and channels are not set here)",
    })
    void aWrongTokenIsNamedWithRedisReasonAndWhatWasExpected(String token, String message) {
        assertThatThrownBy(() -> rules("+@all " + token + " -@admin"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void aCategoryNameIsNotTakenWithTwoAts() {
        assertThatThrownBy(() -> rules("+@@read")).hasMessageStartingWith(
                "'+@@read': Unknown command or category name in ACL (expected one of the categories: @all, ");
    }

    @Test
    void theRefusalIsWordedAsRedis70WordsIt() {
        assertThat(CommandRules.noPermission(spec("flushall")))
                .isEqualTo("NOPERM this user has no permissions to run the 'flushall' command");
        assertThat(CommandRules.noPermission(spec("CLIENT|KILL")))
                .isEqualTo("NOPERM this user has no permissions to run the 'client|kill' command");
    }

    /**
     * Redis applies a category to a container's subcommands too when the container itself is in it. Redis 7.0's
     * subcommands all share their container's categories, so a table of our own shows the difference.
     */
    @Test
    void aContainerInACategoryCarriesAllItsSubcommands() throws IOException {
        CommandTable own = CommandTable.load(new ByteArrayInputStream("""
                {"redis_version": "test", "commands": [
                  {"name": "box", "arity": -2, "flags": [], "acl_categories": ["@slow"], "key_specs": [], "tips": []},
                  {"name": "box|fast", "arity": 2, "flags": ["fast"], "acl_categories": ["@fast"], "key_specs": [],
                   "tips": []},
                  {"name": "box|slow", "arity": 2, "flags": [], "acl_categories": ["@slow"], "key_specs": [],
                   "tips": []},
                  {"name": "ping", "arity": -1, "flags": ["fast"], "acl_categories": ["@fast"], "key_specs": [],
                   "tips": []}
                ]}""".getBytes(StandardCharsets.UTF_8)));
        CommandSpec fast = own.lookup("box|fast");
        CommandSpec slow = own.lookup("box|slow");
        CommandSpec ping = own.lookup("ping");
        CommandRules plusSlow = CommandRules.parse("+@slow", own);
        assertThat(plusSlow.allows(fast)).isTrue();
        assertThat(plusSlow.allows(slow)).isTrue();
        assertThat(plusSlow.allows(ping)).isFalse();
        CommandRules minusSlow = CommandRules.parse("+@all -@slow", own);
        assertThat(minusSlow.allows(fast)).isFalse();
        assertThat(minusSlow.allows(ping)).isTrue();
        CommandRules plusFast = CommandRules.parse("+@fast", own);
        assertThat(plusFast.allows(fast)).isTrue();
        assertThat(plusFast.allows(slow)).isFalse();
    }
}
