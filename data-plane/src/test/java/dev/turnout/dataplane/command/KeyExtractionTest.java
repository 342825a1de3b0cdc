package dev.turnout.dataplane.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KeyExtractionTest {

    private static CommandTable table;

    @BeforeAll
    static void load() {
        table = CommandTable.loadDefault();
    }

    /** The key arguments of a space-separated command, as found by the command table. */
    private static List<String> keys(String command) {
        ArrayArguments args = ArrayArguments.parse(command);
        CommandSpec spec = table.lookup(args);
        assertThat(spec).as("spec of %s", command).isNotNull();
        List<String> keys = new ArrayList<>();
        spec.forEachKey(args, (i, keySpec) -> keys.add(args.arg(i)));
        return keys;
    }

    private static List<KeySpec> specsUsed(String command) {
        ArrayArguments args = ArrayArguments.parse(command);
        List<KeySpec> specs = new ArrayList<>();
        table.lookup(args).forEachKey(args, (i, keySpec) -> specs.add(keySpec));
        return specs;
    }

    @Test
    void get() {
        assertThat(keys("GET k")).containsExactly("k");
        assertThat(specsUsed("GET k")).singleElement()
                .satisfies(s -> assertThat(s.flags()).containsExactlyInAnyOrder(KeySpecFlag.RO, KeySpecFlag.ACCESS));
    }

    @Test
    void setHasOneKeyWithVariableFlags() {
        assertThat(keys("SET k v EX 10 GET")).containsExactly("k");
        assertThat(specsUsed("SET k v")).singleElement().satisfies(s -> {
            assertThat(s.hasVariableFlags()).isTrue();
            assertThat(s.isIncomplete()).isFalse();
        });
        assertThat(table.lookup("set").hasIncompleteKeySpecs()).isFalse();
    }

    @Test
    void msetTakesEveryOtherArgument() {
        assertThat(keys("MSET k1 v1 k2 v2 k3 v3")).containsExactly("k1", "k2", "k3");
    }

    @Test
    void delTakesEveryArgument() {
        assertThat(keys("DEL a b c d e f g")).containsExactly("a", "b", "c", "d", "e", "f", "g");
        assertThat(keys("UNLINK a")).containsExactly("a");
    }

    @Test
    void evalFamilyReadsNumkeys() {
        assertThat(keys("EVAL return 2 k1 k2 arg1 arg2")).containsExactly("k1", "k2");
        assertThat(keys("EVAL return 0 arg1")).isEmpty();
        assertThat(keys("EVAL return 0")).isEmpty();
        assertThat(keys("EVALSHA abc123 1 k1 arg1")).containsExactly("k1");
        assertThat(keys("EVAL_RO return 1 k1")).containsExactly("k1");
        assertThat(keys("FCALL myfn 3 k1 k2 k3 a")).containsExactly("k1", "k2", "k3");
        assertThat(keys("FCALL_RO myfn 1 k1")).containsExactly("k1");
    }

    @Test
    void badNumkeysYieldsNoKeysAndNeverThrows() {
        assertThat(keys("EVAL return abc k1")).isEmpty();
        assertThat(keys("EVAL return -1 k1")).isEmpty();
        assertThat(keys("EVAL return +1 k1")).isEmpty();
        assertThat(keys("EVAL return 01 k1")).isEmpty();
        assertThat(keys("EVAL return 1.0 k1")).isEmpty();
        assertThat(keys("EVAL return 3 k1 k2")).as("more keys than arguments").isEmpty();
        assertThat(keys("EVAL return 9223372036854775807 k1")).isEmpty();
        assertThat(keys("EVAL return 99999999999999999999 k1")).isEmpty();
        assertThat(keys("EVAL return")).as("numkeys missing").isEmpty();
        assertThat(keys("FCALL f x")).isEmpty();
    }

    @Test
    void zunionstoreHasDestinationThenNumkeysSources() {
        assertThat(keys("ZUNIONSTORE dest 2 k1 k2 WEIGHTS 1 2 AGGREGATE MAX")).containsExactly("dest", "k1", "k2");
        assertThat(specsUsed("ZUNIONSTORE dest 2 k1 k2").get(0).hasFlag(KeySpecFlag.OW)).isTrue();
        assertThat(keys("ZINTERSTORE dest 1 k1")).containsExactly("dest", "k1");
        assertThat(keys("ZUNIONSTORE dest 5 k1 k2")).as("bad numkeys keeps the other spec").containsExactly("dest");
        assertThat(keys("ZUNIONSTORE dest")).containsExactly("dest");
        assertThat(keys("ZUNION 2 a b WITHSCORES")).containsExactly("a", "b");
    }

    @Test
    void mpopFamily() {
        assertThat(keys("LMPOP 2 l1 l2 LEFT COUNT 3")).containsExactly("l1", "l2");
        assertThat(keys("ZMPOP 1 z MIN")).containsExactly("z");
        assertThat(keys("BLMPOP 0 2 l1 l2 RIGHT")).containsExactly("l1", "l2");
        assertThat(keys("BZMPOP 1.5 3 z1 z2 z3 MAX COUNT 2")).containsExactly("z1", "z2", "z3");
        assertThat(keys("BLMPOP 0 x l1 LEFT")).isEmpty();
    }

    @Test
    void xreadFindsKeysAfterStreamsHalfOfTheRest() {
        assertThat(keys("XREAD COUNT 10 BLOCK 100 STREAMS s1 s2 0 0")).containsExactly("s1", "s2");
        assertThat(keys("XREAD STREAMS s1 $")).containsExactly("s1");
        assertThat(keys("xread streams a b c 0 0 0")).containsExactly("a", "b", "c");
        assertThat(keys("XREAD COUNT 10")).isEmpty();
        assertThat(keys("XREADGROUP GROUP g c STREAMS k >")).containsExactly("k");
        assertThat(keys("XREADGROUP GROUP g c COUNT 1 NOACK STREAMS k1 k2 > >")).containsExactly("k1", "k2");
        assertThat(table.lookup("xread").isBlocking()).isTrue();
    }

    @Test
    void sortFindsOnlyTheSortedKeyAndSaysSo() {
        assertThat(keys("SORT k BY w_* GET o_* STORE dest")).containsExactly("k");
        assertThat(table.lookup("sort").hasIncompleteKeySpecs()).isTrue();
        assertThat(table.lookup("sort").movableKeys()).isTrue();
        assertThat(keys("SORT_RO k BY w_* GET #")).containsExactly("k");
        assertThat(table.lookup("sort_ro").hasIncompleteKeySpecs()).isTrue();
        assertThat(table.lookup("get").hasIncompleteKeySpecs()).isFalse();
    }

    @Test
    void containerResolvesSubcommandFirst() {
        assertThat(keys("OBJECT ENCODING k")).containsExactly("k");
        assertThat(keys("object encoding k")).containsExactly("k");
        assertThat(keys("MEMORY USAGE k SAMPLES 5")).containsExactly("k");
        assertThat(keys("OBJECT HELP")).isEmpty();
        assertThat(keys("OBJECT NOSUCH k")).isEmpty();
        assertThat(keys("OBJECT")).isEmpty();
        assertThat(keys("XINFO STREAM s FULL")).containsExactly("s");
        assertThat(table.lookup("object").hasKeys()).isTrue();
        assertThat(table.lookup("client").hasKeys()).isFalse();
    }

    @Test
    void renameAndCopyHaveTwoKeys() {
        assertThat(keys("RENAME a b")).containsExactly("a", "b");
        assertThat(keys("COPY src dst DB 1 REPLACE")).containsExactly("src", "dst");
        assertThat(specsUsed("COPY src dst").get(1).hasFlag(KeySpecFlag.OW)).isTrue();
    }

    @Test
    void negativeLastKeyStopsBeforeTheTimeout() {
        // BLPOP's spec: index 1, range lastkey -2: the last argument is the timeout.
        assertThat(keys("BLPOP k1 k2 0")).containsExactly("k1", "k2");
        assertThat(keys("BZPOPMIN z 1.5")).containsExactly("z");
        assertThat(keys("BITOP AND dest k1 k2")).containsExactly("dest", "k1", "k2");
    }

    @Test
    void georadiusStoreKeywords() {
        assertThat(keys("GEORADIUS src 0 0 10 km")).containsExactly("src");
        assertThat(keys("GEORADIUS src 0 0 10 km COUNT 3 STORE dst")).containsExactly("src", "dst");
        assertThat(keys("GEORADIUS src 0 0 10 km storedist dd")).containsExactly("src", "dd");
        assertThat(keys("GEORADIUSBYMEMBER src m 10 km STORE dst")).containsExactly("src", "dst");
        assertThat(keys("GEORADIUS src 0 0 10 km STORE")).as("keyword without a key").containsExactly("src");
    }

    @Test
    void migrateKeysFormIsMarkedIncomplete() {
        CommandSpec migrate = table.lookup("migrate");
        assertThat(migrate.hasIncompleteKeySpecs()).isTrue();
        assertThat(keys("MIGRATE host 6379 k 0 5000")).containsExactly("k");
        // The KEYS form: spec 0 still names argument 3 (the empty key), spec 1 finds the rest.
        assertThat(keys("MIGRATE host 6379  0 5000 COPY KEYS k1 k2")).containsExactly("", "k1", "k2");
    }

    @Test
    void pubsubHasNoKeys() {
        assertThat(keys("SUBSCRIBE ch1 ch2")).isEmpty();
        assertThat(table.lookup("subscribe").hasKeys()).isFalse();
        assertThat(table.lookup("subscribe").isPubsub()).isTrue();
    }

    @Test
    void shardChannelsAreRoutingKeysNotKeys() {
        ArrayArguments args = ArrayArguments.parse("SPUBLISH ch msg");
        CommandSpec spublish = table.lookup(args);
        List<String> keys = new ArrayList<>();
        spublish.forEachKey(args, (i, spec) -> keys.add(args.arg(i)));
        assertThat(keys).isEmpty();
        spublish.forEachRoutingKey(args, (i, spec) -> keys.add(args.arg(i)));
        assertThat(keys).containsExactly("ch");
        assertThat(spublish.hasKeys()).isFalse();
    }

    @Test
    void tooFewArgumentsYieldNoKeysAndNeverThrow() {
        assertThat(keys("GET")).isEmpty();
        assertThat(keys("MSET")).isEmpty();
        assertThat(keys("RENAME a")).containsExactly("a");
        assertThat(keys("BLPOP")).isEmpty();
        assertThat(keys("XREADGROUP GROUP g")).isEmpty();
        assertThat(keys("MIGRATE")).isEmpty();
        assertThat(keys("ZUNIONSTORE")).isEmpty();
    }

    @Test
    void everyCommandSurvivesEveryShortArgumentList() {
        // Fuzz-ish: every command and subcommand, 1..12 arguments of assorted shapes, must not throw.
        String[] fillers = {"0", "1", "2", "-1", "STREAMS", "KEYS", "STORE", "x", ""};
        for (CommandSpec command : table.commands()) {
            List<CommandSpec> targets = new ArrayList<>(command.subcommands().values());
            targets.add(command);
            for (CommandSpec target : targets) {
                String[] name = target.name().split("\\|");
                for (int argc = 1; argc <= 12; argc++) {
                    for (String filler : fillers) {
                        String[] args = new String[Math.max(argc, name.length)];
                        for (int i = 0; i < args.length; i++) {
                            args[i] = i < name.length ? name[i] : (i % 3 == 0 ? "k" + i : filler);
                        }
                        ArrayArguments a = ArrayArguments.of(args);
                        table.lookup(a).forEachRoutingKey(a, (i, spec) -> {
                            assertThat(i).isBetween(1, a.argc() - 1);
                        });
                    }
                }
            }
        }
    }
}
