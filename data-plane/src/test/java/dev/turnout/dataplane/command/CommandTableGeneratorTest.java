package dev.turnout.dataplane.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generator's rendering, fed with replies shaped like Jedis's raw RESP2 answers; no Redis needed. */
class CommandTableGeneratorTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A RESP2 array: strings become bulk strings, ints become integers. */
    private static List<Object> a(Object... items) {
        List<Object> list = new ArrayList<>();
        for (Object item : items) {
            list.add(item instanceof String s ? b(s) : item instanceof Integer i ? Long.valueOf(i) : item);
        }
        return list;
    }

    private static final List<Object> GET_INFO = a("get", 2, a("readonly", "fast"), 1, 1, 1,
            a("@read", "@string", "@fast"), a(),
            a(a("flags", a("RO", "access"),
                    "begin_search", a("type", "index", "spec", a("index", 1)),
                    "find_keys", a("type", "range", "spec", a("lastkey", 0, "keystep", 1, "limit", 0)))),
            a());

    private static final List<Object> XREAD_INFO = a("xread", -4, a("readonly", "blocking", "movablekeys"), 0, 0, 0,
            a("@read", "@stream", "@slow", "@blocking"), a(),
            a(a("flags", a("RO", "access"),
                    "begin_search", a("type", "keyword", "spec", a("keyword", "STREAMS", "startfrom", 1)),
                    "find_keys", a("type", "range", "spec", a("lastkey", -1, "keystep", 1, "limit", 2)))),
            a());

    private static final List<Object> CLIENT_INFO = a("client", -2, a(), 0, 0, 0, a("@slow"), a(), a(),
            a(a("client|setname", 3, a("noscript", "loading", "stale"), 0, 0, 0, a("@slow", "@connection"),
                    a("nondeterministic_output"), a(), a())));

    private static final List<Object> DOCS = a(
            "get", a("summary", "Get the value of a key", "since", "1.0.0", "group", "string",
                    "complexity", "O(1)", "arguments", a(a("name", "key", "type", "key", "key_spec_index", 0))),
            "client", a("summary", "A container", "since", "2.4.0", "group", "connection",
                    "subcommands", a("client|setname", a("summary", "Set the name", "since", "2.6.9",
                            "group", "connection"))),
            "xread", a("summary", "Read", "since", "5.0.0", "group", "stream"));

    @Test
    void rendersSortedOneCommandPerLineWithoutDocsText() throws IOException {
        String json = CommandTableGenerator.render("7.0.15", a(XREAD_INFO, GET_INFO, CLIENT_INFO), DOCS);

        String[] lines = json.split("\n");
        assertThat(lines[0]).isEqualTo("{");
        assertThat(lines[1]).isEqualTo("  \"redis_version\": \"7.0.15\",");
        assertThat(Arrays.stream(lines).filter(l -> l.startsWith("    {\"name\":")).map(l -> l.split("\"")[3]))
                .containsExactly("client", "client|setname", "get", "xread");
        assertThat(json).endsWith("  ]\n}\n");
        assertThat(json).doesNotContain("summary", "Get the value", "complexity", "arguments");
        assertThat(json).contains("{\"name\":\"get\",\"arity\":2,\"flags\":[\"readonly\",\"fast\"],"
                + "\"acl_categories\":[\"@read\",\"@string\",\"@fast\"],\"key_specs\":[{\"begin_search\":"
                + "{\"type\":\"index\",\"pos\":1},\"find_keys\":{\"type\":\"range\",\"lastkey\":0,\"step\":1,"
                + "\"limit\":0},\"flags\":[\"RO\",\"access\"]}],\"tips\":[],\"group\":\"string\",\"since\":\"1.0.0\"}");

        // Same input in another order: same bytes.
        assertThat(CommandTableGenerator.render("7.0.15", a(CLIENT_INFO, GET_INFO, XREAD_INFO), DOCS)).isEqualTo(json);

        CommandTable table = CommandTable.load(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        assertThat(table.size()).isEqualTo(4);
        assertThat(table.lookup("client|setname").tips()).containsExactly("nondeterministic_output");
        assertThat(table.lookup("client|setname").since()).isEqualTo("2.6.9");
        assertThat(table.lookup("xread").keySpecs().get(0).beginSearch())
                .isEqualTo(new BeginSearch.Keyword("STREAMS", 1));
        assertThat(table.lookup("xread").keySpecs().get(0).findKeys()).isEqualTo(new FindKeys.Range(-1, 1, 2));
    }

    @Test
    void readsTheVersionFromInfo() {
        assertThat(CommandTableGenerator.redisVersion("# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n"))
                .isEqualTo("7.0.15");
    }

    @Test
    void badArgumentsPrintUsage() throws IOException {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertThat(CommandTableGenerator.run(new String[] {"--out", "x.json"}, out, errStream)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing option(s): --redis").contains("usage:");

        err.reset();
        assertThat(CommandTableGenerator.run(new String[] {"--redis", "localhost", "--out", "x"}, out, errStream))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--redis: localhost (expected: host:port)");

        err.reset();
        assertThat(CommandTableGenerator.run(new String[] {"--verbose"}, out, errStream)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option: --verbose");
    }
}
