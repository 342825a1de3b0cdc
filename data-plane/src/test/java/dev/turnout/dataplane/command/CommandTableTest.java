package dev.turnout.dataplane.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CommandTableTest {

    private static CommandTable table;

    @BeforeAll
    static void load() {
        table = CommandTable.loadDefault();
    }

    /** Looks {@code name} up from the middle of a buffer, checking the indexes are left alone. */
    private static CommandSpec lookupBytes(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuf buf = Unpooled.buffer(bytes.length + 8);
        try {
            buf.writeBytes("$3\r\n".getBytes(StandardCharsets.US_ASCII)).writeBytes(bytes).writeBytes(new byte[] {'\r', '\n'});
            int reader = buf.readerIndex();
            int writer = buf.writerIndex();
            CommandSpec spec = table.lookup(buf, 4, bytes.length);
            assertThat(buf.readerIndex()).isEqualTo(reader);
            assertThat(buf.writerIndex()).isEqualTo(writer);
            return spec;
        } finally {
            buf.release();
        }
    }

    private static CommandSpec lookupSubcommandBytes(CommandSpec container, String name) {
        ByteBuf buf = Unpooled.copiedBuffer("xx" + name, StandardCharsets.US_ASCII);
        try {
            return table.lookupSubcommand(container, buf, 2, name.length());
        } finally {
            buf.release();
        }
    }

    @Test
    void resourceComesFromRedis7() {
        assertThat(table.redisVersion()).startsWith("7.");
        assertThat(table.commands()).hasSizeGreaterThan(200);
        assertThat(table.size()).isGreaterThan(table.commands().size());
    }

    @Test
    void everyCommandHasAnIdAndAnArity() {
        Set<Integer> ids = new HashSet<>();
        int total = 0;
        for (CommandSpec command : table.commands()) {
            for (CommandSpec spec : concat(command)) {
                total++;
                assertThat(spec.id()).isBetween(0, table.size() - 1);
                assertThat(ids.add(spec.id())).as("unique id of %s", spec.name()).isTrue();
                assertThat(table.byId(spec.id())).isSameAs(spec);
                assertThat(spec.arity()).as("arity of %s", spec.name()).isNotZero();
                assertThat(spec.name()).isEqualTo(spec.name().toLowerCase(Locale.ROOT));
                assertThat(spec.group()).as("group of %s", spec.name()).isNotEmpty();
                assertThat(spec.since()).as("since of %s", spec.name()).isNotEmpty();
            }
        }
        assertThat(total).isEqualTo(table.size());
        assertThatThrownBy(() -> table.byId(table.size())).isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static List<CommandSpec> concat(CommandSpec command) {
        List<CommandSpec> all = new ArrayList<>();
        all.add(command);
        all.addAll(command.subcommands().values());
        return all;
    }

    @Test
    void resourceHasNoFlagsThisVersionDoesNotKnow() throws IOException {
        JsonNode root;
        try (InputStream in = CommandTable.class.getResourceAsStream(CommandTable.DEFAULT_RESOURCE)) {
            root = new ObjectMapper().readTree(in);
        }
        for (JsonNode command : root.get("commands")) {
            String name = command.get("name").asText();
            command.get("flags").forEach(f ->
                    assertThat(CommandFlag.fromRedisName(f.asText())).as("%s flag %s", name, f).isPresent());
            command.get("acl_categories").forEach(c ->
                    assertThat(AclCategory.fromName(c.asText())).as("%s category %s", name, c).isPresent());
            for (JsonNode spec : command.get("key_specs")) {
                spec.get("flags").forEach(f ->
                        assertThat(KeySpecFlag.fromRedisName(f.asText())).as("%s key spec flag %s", name, f).isPresent());
                assertThat(spec.get("begin_search").get("type").asText()).isIn("index", "keyword", "unknown");
                assertThat(spec.get("find_keys").get("type").asText()).isIn("range", "keynum", "unknown");
            }
        }
    }

    @Test
    void lookupByBytesIgnoresCase() {
        Random random = new Random(42);
        for (CommandSpec command : table.commands()) {
            String name = command.name();
            assertThat(lookupBytes(name)).isSameAs(command);
            assertThat(lookupBytes(name.toUpperCase(Locale.ROOT))).isSameAs(command);
            StringBuilder mixed = new StringBuilder();
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                mixed.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
            }
            assertThat(lookupBytes(mixed.toString())).as(mixed.toString()).isSameAs(command);
        }
        assertThat(lookupBytes("gEt").name()).isEqualTo("get");
        assertThat(lookupBytes("Client").isContainer()).isTrue();
    }

    @Test
    void lookupByNameAndByArguments() {
        assertThat(table.lookup("GET")).isSameAs(table.lookup("get")).isSameAs(lookupBytes("get"));
        assertThat(table.lookup("CLIENT|SETNAME").name()).isEqualTo("client|setname");
        assertThat(table.lookup(ArrayArguments.of("SeT", "k", "v"))).isSameAs(table.lookup("set"));
        assertThat(table.lookup(ArrayArguments.of("nope"))).isNull();
        assertThat(table.lookup(ArrayArguments.of())).isNull();
    }

    @Test
    void unknownNamesGiveNull() {
        for (String name : List.of("nosuchcommand", "ge", "gett", "get ", "g\u00e9t", "", "client|setname",
                "setname", "x".repeat(300))) {
            assertThat(lookupBytes(name)).as(name).isNull();
        }
        assertThat(table.lookup("nosuchcommand")).isNull();
        byte[] highBit = {(byte) 0xc7, (byte) 0xc5, (byte) 0xd4}; // "GET" with the top bit set
        ByteBuf buf = Unpooled.wrappedBuffer(highBit);
        try {
            assertThat(table.lookup(buf, 0, 3)).isNull();
        } finally {
            buf.release();
        }
    }

    @Test
    void subcommands() {
        CommandSpec client = table.lookup("client");
        assertThat(client.isContainer()).isTrue();
        assertThat(client.subcommands()).containsKey("setname");
        CommandSpec setname = lookupSubcommandBytes(client, "SETNAME");
        assertThat(setname.name()).isEqualTo("client|setname");
        assertThat(setname.arity()).isEqualTo(3);
        assertThat(setname.acceptsArgc(3)).isTrue();
        assertThat(setname.acceptsArgc(4)).isFalse();
        assertThat(setname).isSameAs(client.subcommands().get("setname"))
                .isSameAs(client.subcommand(ArrayArguments.of("CLIENT", "setName", "me")));

        CommandSpec config = table.lookup("config");
        CommandSpec configGet = lookupSubcommandBytes(config, "get");
        assertThat(configGet.name()).isEqualTo("config|get");
        assertThat(lookupSubcommandBytes(config, "SET").isAdmin()).isTrue();

        CommandSpec xinfo = lookupBytes("XINFO");
        CommandSpec stream = lookupSubcommandBytes(xinfo, "Stream");
        assertThat(stream.name()).isEqualTo("xinfo|stream");
        assertThat(stream.hasKeys()).isTrue();
        assertThat(stream.isReadonly()).isTrue();

        assertThat(lookupSubcommandBytes(client, "nosuch")).isNull();
        assertThat(lookupSubcommandBytes(table.lookup("get"), "setname")).isNull();
        assertThat(lookupSubcommandBytes(null, "setname")).isNull();
        assertThat(client.subcommand(ArrayArguments.of("CLIENT"))).isNull();
        assertThat(table.lookup("get").isContainer()).isFalse();
        assertThat(table.lookup("get").subcommand(ArrayArguments.of("GET", "k"))).isNull();
    }

    @Test
    void flagsCategoriesAndTipsComeFromRedis() {
        CommandSpec get = table.lookup("get");
        assertThat(get.isReadonly()).isTrue();
        assertThat(get.isFast()).isTrue();
        assertThat(get.isWrite()).isFalse();
        assertThat(get.hasCategory("@read")).isTrue();
        assertThat(get.hasCategory("string")).isTrue();
        assertThat(get.hasCategory(AclCategory.WRITE)).isFalse();
        assertThat(get.hasCategory("nosuch")).isFalse();
        assertThat(get.group()).isEqualTo("string");
        assertThat(get.since()).isEqualTo("1.0.0");
        assertThat(get.keySpecs()).hasSize(1);
        assertThat(get.hasKeys()).isTrue();

        assertThat(table.lookup("set").isWrite()).isTrue();
        assertThat(table.lookup("set").hasFlag(CommandFlag.DENYOOM)).isTrue();
        assertThat(table.lookup("blpop").isBlocking()).isTrue();
        assertThat(table.lookup("subscribe").isPubsub()).isTrue();
        assertThat(table.lookup("eval").isNoScript()).isTrue();
        assertThat(table.lookup("eval").movableKeys()).isTrue();
        assertThat(table.lookup("eval").hasFlag(CommandFlag.NO_MANDATORY_KEYS)).isTrue();
        assertThat(table.lookup("auth").hasFlag(CommandFlag.NO_AUTH)).isTrue();
        assertThat(table.lookup("multi").hasCategory(AclCategory.TRANSACTION)).isTrue();
        assertThat(table.lookup("exec").hasFlag(CommandFlag.NO_MULTI)).isFalse();
        assertThat(table.lookup("save").hasFlag(CommandFlag.NO_MULTI)).isTrue();

        CommandSpec dbsize = table.lookup("dbsize");
        assertThat(dbsize.requestPolicy()).contains("all_shards");
        assertThat(dbsize.responsePolicy()).contains("agg_sum");
        assertThat(table.lookup("keys").tips()).contains("nondeterministic_output_order");
        assertThat(get.requestPolicy()).isEmpty();
    }

    @Test
    void lookupsAndKeyExtractionDoNotAllocate() {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean sun) || !sun.isThreadAllocatedMemorySupported()) {
            return;
        }
        ByteBuf buf = Unpooled.copiedBuffer("xxZUNIONSTOREsetnameGET", StandardCharsets.US_ASCII);
        ArrayArguments args = ArrayArguments.parse("ZUNIONSTORE dest 2 k1 k2 WEIGHTS 1 2");
        CommandSpec client = table.lookup("client");
        int[] sink = new int[1];
        KeyVisitor visitor = (i, spec) -> sink[0] += i;
        try {
            Runnable work = () -> {
                for (int n = 0; n < 10_000; n++) {
                    CommandSpec spec = table.lookup(buf, 2, 11);
                    spec.forEachKey(args, visitor);
                    sink[0] += table.lookupSubcommand(client, buf, 13, 7).id();
                    sink[0] += table.lookup(buf, 20, 3).id();
                    sink[0] += table.lookup(args).id();
                }
            };
            work.run(); // warm up
            long thread = Thread.currentThread().getId();
            long before = sun.getThreadAllocatedBytes(thread);
            work.run();
            long allocated = sun.getThreadAllocatedBytes(thread) - before;
            // 50,000 lookups and 10,000 extractions; a single allocation each would be > 160 KB.
            assertThat(allocated).isLessThan(16 * 1024);
            assertThat(sink[0]).isNotZero();
        } finally {
            buf.release();
        }
    }

    @Test
    void loadRejectsMalformedTablesWithAReason() {
        assertThatThrownBy(() -> load("{\"commands\": []}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis_version");
        assertThatThrownBy(() -> load("{\"redis_version\": \"7.0.0\", \"commands\": [{\"name\": \"get\"}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("command get.arity: missing");
        assertThatThrownBy(() -> load("{\"redis_version\": \"7.0.0\", \"commands\": ["
                + command("x|y", 2, "[]") + "]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("container x missing");
        assertThatThrownBy(() -> load("{\"redis_version\": \"7.0.0\", \"commands\": [" + command("get", 2,
                "[{\"begin_search\":{\"type\":\"index\",\"pos\":1},"
                        + "\"find_keys\":{\"type\":\"range\",\"lastkey\":0,\"step\":0,\"limit\":0},\"flags\":[]}]")
                + "]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("command get key_specs[0].find_keys")
                .hasMessageContaining("step: 0 (expected: >= 1)");
    }

    @Test
    void loadToleratesWhatANewerRedisMightAdd() throws IOException {
        CommandTable custom = load("{\"redis_version\": \"9.0.0\", \"commands\": ["
                + command("zzz", -2, "[{\"begin_search\":{\"type\":\"future\"},"
                        + "\"find_keys\":{\"type\":\"range\",\"lastkey\":0,\"step\":1,\"limit\":0},"
                        + "\"flags\":[\"RW\",\"some_new_flag\"]}]").replace("\"write\"", "\"write\",\"new_flag\"")
                + "," + command("aaa", 1, "[]") + "]}");
        assertThat(custom.size()).isEqualTo(2);
        assertThat(custom.byId(0).name()).isEqualTo("aaa");
        CommandSpec zzz = custom.lookup("zzz");
        assertThat(zzz.isWrite()).isTrue();
        assertThat(zzz.keySpecs().get(0).beginSearch()).isEqualTo(BeginSearch.UNKNOWN);
        assertThat(zzz.hasIncompleteKeySpecs()).isTrue();
        assertThat(zzz.group()).isEmpty();
    }

    private static String command(String name, int arity, String keySpecs) {
        return "{\"name\":\"" + name + "\",\"arity\":" + arity + ",\"flags\":[\"write\"],\"acl_categories\":[],"
                + "\"key_specs\":" + keySpecs + ",\"tips\":[]}";
    }

    private static CommandTable load(String json) throws IOException {
        return CommandTable.load(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }
}
