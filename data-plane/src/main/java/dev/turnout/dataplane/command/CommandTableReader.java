package dev.turnout.dataplane.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the JSON written by {@code CommandTableGenerator} into a {@link CommandTable}. Ids follow the
 * order of full names ({@code "client"} before {@code "client|caching"}), whatever the file's order.
 *
 * <p>Flags, ACL categories and key-spec flags this version does not know, and key-spec types it
 * does not know (treated as {@code unknown}), are tolerated so that a table generated from a newer
 * Redis still loads; {@code CommandTableTest} makes sure the checked-in table has none.
 */
final class CommandTableReader {

    private CommandTableReader() {
    }

    static CommandTable read(InputStream in) throws IOException {
        JsonNode root = new ObjectMapper().readTree(in);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("command table: not a JSON object");
        }
        String version = text(root, "redis_version", "command table");
        JsonNode commands = root.get("commands");
        if (commands == null || !commands.isArray()) {
            throw new IllegalArgumentException("command table: commands missing (expected: array)");
        }

        // Sort by full name and validate each entry.
        TreeMap<String, JsonNode> byName = new TreeMap<>();
        for (int i = 0; i < commands.size(); i++) {
            JsonNode command = commands.get(i);
            String name = text(command, "name", "commands[" + i + "]").toLowerCase(Locale.ROOT);
            if (byName.put(name, command) != null) {
                throw new IllegalArgumentException("commands[" + i + "]: duplicate name " + name);
            }
        }
        Map<String, Integer> ids = new HashMap<>();
        for (String name : byName.keySet()) {
            ids.put(name, ids.size());
        }

        // Subcommands first, so that each container can be built with them.
        Map<String, Map<String, CommandSpec>> subcommandsOf = new HashMap<>();
        CommandSpec[] specs = new CommandSpec[byName.size()];
        for (Map.Entry<String, JsonNode> e : byName.entrySet()) {
            String name = e.getKey();
            int bar = name.indexOf('|');
            if (bar < 0) {
                continue;
            }
            String container = name.substring(0, bar);
            if (!byName.containsKey(container)) {
                throw new IllegalArgumentException("command " + name + ": container " + container + " missing");
            }
            if (name.indexOf('|', bar + 1) >= 0 || bar == name.length() - 1) {
                throw new IllegalArgumentException("command " + name + ": bad name (expected: container|subcommand)");
            }
            CommandSpec spec = spec(name, ids.get(name), e.getValue(), Map.of());
            specs[spec.id()] = spec;
            subcommandsOf.computeIfAbsent(container, c -> new TreeMap<>()).put(name.substring(bar + 1), spec);
        }
        for (Map.Entry<String, JsonNode> e : byName.entrySet()) {
            String name = e.getKey();
            if (name.indexOf('|') >= 0) {
                continue;
            }
            CommandSpec spec = spec(name, ids.get(name), e.getValue(), subcommandsOf.getOrDefault(name, Map.of()));
            specs[spec.id()] = spec;
        }
        return new CommandTable(version, List.of(specs));
    }

    private static CommandSpec spec(String name, int id, JsonNode node, Map<String, CommandSpec> subcommands) {
        String where = "command " + name;
        int arity = integer(node, "arity", where);
        if (arity == 0) {
            throw new IllegalArgumentException(where + ": arity 0 (expected: non-zero)");
        }
        Set<CommandFlag> flags = EnumSet.noneOf(CommandFlag.class);
        for (String flag : texts(node, "flags", where)) {
            CommandFlag.fromRedisName(flag).ifPresent(flags::add);
        }
        Set<AclCategory> categories = EnumSet.noneOf(AclCategory.class);
        for (String category : texts(node, "acl_categories", where)) {
            AclCategory.fromName(category).ifPresent(categories::add);
        }
        List<KeySpec> keySpecs = new ArrayList<>();
        JsonNode specs = array(node, "key_specs", where);
        for (int i = 0; i < specs.size(); i++) {
            keySpecs.add(keySpec(i, specs.get(i), where + " key_specs[" + i + "]"));
        }
        List<String> tips = texts(node, "tips", where);
        String group = optionalText(node, "group");
        String since = optionalText(node, "since");
        return new CommandSpec(name, id, arity, flags, categories, keySpecs, tips, group, since,
                new LinkedHashMap<>(subcommands));
    }

    private static KeySpec keySpec(int index, JsonNode node, String where) {
        String bsWhere = where + ".begin_search";
        JsonNode bs = object(node, "begin_search", where);
        String bsType = text(bs, "type", bsWhere);
        BeginSearch begin;
        try {
            if (bsType.equals("index")) {
                begin = new BeginSearch.Index(integer(bs, "pos", bsWhere));
            } else if (bsType.equals("keyword")) {
                begin = new BeginSearch.Keyword(text(bs, "keyword", bsWhere), integer(bs, "startfrom", bsWhere));
            } else {
                begin = BeginSearch.UNKNOWN;
            }
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(where) ? e : new IllegalArgumentException(bsWhere + "." + e.getMessage(), e);
        }
        String fkWhere = where + ".find_keys";
        JsonNode fk = object(node, "find_keys", where);
        String fkType = text(fk, "type", fkWhere);
        FindKeys find;
        try {
            if (fkType.equals("range")) {
                find = new FindKeys.Range(integer(fk, "lastkey", fkWhere), integer(fk, "step", fkWhere),
                        integer(fk, "limit", fkWhere));
            } else if (fkType.equals("keynum")) {
                find = new FindKeys.KeyNum(integer(fk, "keynumidx", fkWhere), integer(fk, "firstkey", fkWhere),
                        integer(fk, "step", fkWhere));
            } else {
                find = FindKeys.UNKNOWN;
            }
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(where) ? e : new IllegalArgumentException(fkWhere + "." + e.getMessage(), e);
        }
        Set<KeySpecFlag> flags = EnumSet.noneOf(KeySpecFlag.class);
        for (String flag : texts(node, "flags", where)) {
            KeySpecFlag.fromRedisName(flag).ifPresent(flags::add);
        }
        return new KeySpec(index, begin, find, flags);
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(where + "." + field + ": " + describe(value) + " (expected: string)");
        }
        return value.asText();
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? "" : value.asText();
    }

    private static int integer(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException(where + "." + field + ": " + describe(value) + " (expected: integer)");
        }
        return value.intValue();
    }

    private static JsonNode object(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isObject()) {
            throw new IllegalArgumentException(where + "." + field + ": " + describe(value) + " (expected: object)");
        }
        return value;
    }

    private static JsonNode array(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException(where + "." + field + ": " + describe(value) + " (expected: array)");
        }
        return value;
    }

    private static List<String> texts(JsonNode node, String field, String where) {
        JsonNode array = array(node, field, where);
        List<String> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode value = array.get(i);
            if (!value.isTextual()) {
                throw new IllegalArgumentException(where + "." + field + "[" + i + "]: " + describe(value)
                        + " (expected: string)");
            }
            out.add(value.asText());
        }
        return out;
    }

    private static String describe(JsonNode value) {
        return value == null ? "missing" : value.getNodeType().toString().toLowerCase(Locale.ROOT);
    }
}
