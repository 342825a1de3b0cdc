package dev.turnout.dataplane.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * Dev tool that captures a real Redis's {@code COMMAND INFO} and {@code COMMAND DOCS} into the
 * checked-in {@code commands.json} resource that {@link CommandTable#loadDefault()} reads.
 *
 * <p>Not shipped: it lives in test sources because it needs Jedis. See {@code package-info.java} or
 * the README next to the resource for the exact command line.
 *
 * <p>The output is deterministic: one command per line, sorted by name, fields in a fixed order,
 * flags/categories/key specs/tips in the order Redis reports them (key spec order is significant).
 * Regenerating against the same Redis gives no diff.
 */
public final class CommandTableGenerator {

    static final String USAGE =
            "usage: CommandTableGenerator --redis host:port [--user U] [--password-file F] --out PATH";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CommandTableGenerator() {
    }

    public static void main(String[] args) throws IOException {
        int exit = run(args, System.out, System.err);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /** Parses the arguments, talks to Redis, writes the file; returns a process exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder();
        if (options.user != null) {
            config.user(options.user);
        }
        if (options.passwordFile != null) {
            config.password(readPassword(options.passwordFile));
        }
        String json;
        try (Jedis jedis = new Jedis(options.redis, config.build())) {
            String version = redisVersion(jedis.info("server"));
            Object info = jedis.sendCommand(Protocol.Command.COMMAND, "INFO");
            Object docs = jedis.sendCommand(Protocol.Command.COMMAND, "DOCS");
            json = render(version, info, docs);
        }
        Path target = options.out.toAbsolutePath();
        if (target.getParent() != null) {
            Files.createDirectories(target.getParent());
        }
        Files.writeString(target, json, StandardCharsets.UTF_8);
        out.println("wrote " + target + " (" + json.getBytes(StandardCharsets.UTF_8).length + " bytes)");
        return 0;
    }

    /**
     * Turns the raw RESP2 replies (as returned by Jedis's {@code sendCommand}: {@code byte[]} for
     * bulk and status strings, {@code Long} for integers, {@code List} for arrays) into the resource.
     */
    static String render(String redisVersion, Object commandInfoReply, Object commandDocsReply) {
        Map<String, Map<String, Object>> docs = new TreeMap<>();
        collectDocs(list(commandDocsReply, "COMMAND DOCS"), docs);

        Map<String, ObjectNode> commands = new TreeMap<>();
        for (Object entry : list(commandInfoReply, "COMMAND INFO")) {
            if (entry == null) {
                continue; // COMMAND INFO answers nil for unknown names; never the case for "all"
            }
            collectInfo(list(entry, "command info entry"), docs, commands);
        }

        StringBuilder sb = new StringBuilder(128 * 1024);
        sb.append("{\n");
        sb.append("  \"redis_version\": ").append(quote(redisVersion)).append(",\n");
        sb.append("  \"generated_by\": ").append(quote(CommandTableGenerator.class.getName())).append(",\n");
        sb.append("  \"commands\": [\n");
        int i = 0;
        for (ObjectNode command : commands.values()) {
            sb.append("    ").append(write(command));
            sb.append(++i < commands.size() ? ",\n" : "\n");
        }
        sb.append("  ]\n");
        sb.append("}\n");
        return sb.toString();
    }

    private static void collectInfo(List<Object> info, Map<String, Map<String, Object>> docs,
                                    Map<String, ObjectNode> out) {
        // [name, arity, flags, first_key, last_key, step, acl_categories, tips, key_specs, subcommands]
        if (info.size() < 10) {
            throw new IllegalStateException("COMMAND INFO entry has " + info.size()
                    + " elements (expected: 10, Redis 7.0 or later)");
        }
        String name = string(info.get(0)).toLowerCase(Locale.ROOT);
        ObjectNode command = NODES.objectNode();
        command.put("name", name);
        command.put("arity", integer(info.get(1)));
        command.set("flags", strings(info.get(2)));
        command.set("acl_categories", strings(info.get(6)));
        ArrayNode keySpecs = NODES.arrayNode();
        for (Object spec : list(info.get(8), "key_specs")) {
            keySpecs.add(keySpec(pairs(list(spec, "key spec"))));
        }
        command.set("key_specs", keySpecs);
        command.set("tips", strings(info.get(7)));
        Map<String, Object> doc = docs.get(name);
        command.put("group", doc == null || doc.get("group") == null ? null : string(doc.get("group")));
        command.put("since", doc == null || doc.get("since") == null ? null : string(doc.get("since")));
        if (out.put(name, command) != null) {
            throw new IllegalStateException("duplicate command in COMMAND INFO: " + name);
        }
        Object subcommands = info.get(9);
        if (subcommands != null) {
            for (Object sub : list(subcommands, "subcommands")) {
                collectInfo(list(sub, "subcommand info entry"), docs, out);
            }
        }
    }

    private static ObjectNode keySpec(Map<String, Object> spec) {
        ObjectNode node = NODES.objectNode();

        Map<String, Object> bs = pairs(list(spec.get("begin_search"), "begin_search"));
        Map<String, Object> bsSpec = bs.get("spec") == null ? Map.of() : pairs(list(bs.get("spec"), "spec"));
        ObjectNode begin = NODES.objectNode();
        String bsType = string(bs.get("type"));
        begin.put("type", bsType);
        switch (bsType) {
            case "index" -> begin.put("pos", integer(bsSpec.get("index")));
            case "keyword" -> {
                begin.put("keyword", string(bsSpec.get("keyword")));
                begin.put("startfrom", integer(bsSpec.get("startfrom")));
            }
            default -> {
                // "unknown": nothing else to record
            }
        }
        node.set("begin_search", begin);

        Map<String, Object> fk = pairs(list(spec.get("find_keys"), "find_keys"));
        Map<String, Object> fkSpec = fk.get("spec") == null ? Map.of() : pairs(list(fk.get("spec"), "spec"));
        ObjectNode find = NODES.objectNode();
        String fkType = string(fk.get("type"));
        find.put("type", fkType);
        switch (fkType) {
            case "range" -> {
                find.put("lastkey", integer(fkSpec.get("lastkey")));
                find.put("step", integer(fkSpec.get("keystep")));
                find.put("limit", integer(fkSpec.get("limit")));
            }
            case "keynum" -> {
                find.put("keynumidx", integer(fkSpec.get("keynumidx")));
                find.put("firstkey", integer(fkSpec.get("firstkey")));
                find.put("step", integer(fkSpec.get("keystep")));
            }
            default -> {
                // "unknown": nothing else to record
            }
        }
        node.set("find_keys", find);
        node.set("flags", spec.get("flags") == null ? NODES.arrayNode() : strings(spec.get("flags")));
        return node;
    }

    private static void collectDocs(List<Object> reply, Map<String, Map<String, Object>> out) {
        Map<String, Object> byName = pairs(reply);
        for (Map.Entry<String, Object> e : byName.entrySet()) {
            Map<String, Object> doc = pairs(list(e.getValue(), "docs of " + e.getKey()));
            out.put(e.getKey().toLowerCase(Locale.ROOT), doc);
            Object subcommands = doc.get("subcommands");
            if (subcommands != null) {
                collectDocs(list(subcommands, "subcommands of " + e.getKey()), out);
            }
        }
    }

    static String redisVersion(String infoServer) {
        for (String line : infoServer.split("\r?\n")) {
            if (line.startsWith("redis_version:")) {
                return line.substring("redis_version:".length()).trim();
            }
        }
        throw new IllegalStateException("INFO server has no redis_version line");
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ArrayNode strings(Object reply) {
        ArrayNode array = NODES.arrayNode();
        for (Object o : list(reply, "string array")) {
            array.add(string(o));
        }
        return array;
    }

    private static Map<String, Object> pairs(List<Object> flat) {
        if (flat.size() % 2 != 0) {
            throw new IllegalStateException("map reply has " + flat.size() + " elements (expected: even)");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < flat.size(); i += 2) {
            map.put(string(flat.get(i)), flat.get(i + 1));
        }
        return map;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object reply, String what) {
        if (reply instanceof List<?>) {
            return (List<Object>) reply;
        }
        throw new IllegalStateException(what + ": " + describe(reply) + " (expected: array)");
    }

    private static String string(Object reply) {
        if (reply instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (reply instanceof Long || reply instanceof String) {
            return reply.toString();
        }
        throw new IllegalStateException(describe(reply) + " (expected: string)");
    }

    private static long integer(Object reply) {
        if (reply instanceof Long l) {
            return l;
        }
        throw new IllegalStateException(describe(reply) + " (expected: integer)");
    }

    private static String describe(Object reply) {
        return reply == null ? "nil" : reply.getClass().getSimpleName();
    }

    private static String readPassword(Path file) throws IOException {
        String s = Files.readString(file, StandardCharsets.UTF_8);
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return s.substring(0, end);
    }

    /** The command line, validated. */
    static final class Options {
        final HostAndPort redis;
        final String user;
        final Path passwordFile;
        final Path out;

        private Options(HostAndPort redis, String user, Path passwordFile, Path out) {
            this.redis = redis;
            this.user = user;
            this.passwordFile = passwordFile;
            this.out = out;
        }

        static Options parse(String[] args) {
            Map<String, String> values = new LinkedHashMap<>();
            List<String> known = List.of("--redis", "--user", "--password-file", "--out");
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (!known.contains(arg)) {
                    throw new IllegalArgumentException("unknown option: " + arg);
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + arg + " needs a value");
                }
                values.put(arg, args[++i]);
            }
            List<String> missing = new ArrayList<>();
            for (String required : List.of("--redis", "--out")) {
                if (!values.containsKey(required)) {
                    missing.add(required);
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("missing option(s): " + String.join(", ", missing));
            }
            String hostPort = values.get("--redis");
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0 || colon == hostPort.length() - 1) {
                throw new IllegalArgumentException("--redis: " + hostPort + " (expected: host:port)");
            }
            int port;
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--redis: " + hostPort + " (expected: host:port)");
            }
            String passwordFile = values.get("--password-file");
            return new Options(new HostAndPort(hostPort.substring(0, colon), port), values.get("--user"),
                    passwordFile == null ? null : Path.of(passwordFile), Path.of(values.get("--out")));
        }
    }
}
