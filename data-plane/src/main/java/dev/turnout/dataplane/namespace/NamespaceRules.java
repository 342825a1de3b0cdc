package dev.turnout.dataplane.namespace;

import dev.turnout.dataplane.access.CommandRules;
import dev.turnout.dataplane.command.CommandArguments;
import dev.turnout.dataplane.command.CommandSpec;
import dev.turnout.dataplane.command.CommandTable;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * How every command is confined to a namespace: a rule per command and subcommand, indexed by
 * {@link CommandSpec#id()}. By default the command table's key specs say which arguments are keys (numkeys forms,
 * keywords like STREAMS and STORE, shard channels included); the rules below add what key specs do not describe:
 * channels, glob patterns (KEYS, SCAN MATCH, PSUBSCRIBE, PUBSUB CHANNELS), SORT's BY and GET patterns, CLIENT
 * TRACKING's prefixes, and the commands that reach beyond one namespace, which are refused with the reason.
 * Immutable; one per command table.
 */
public final class NamespaceRules {

    /** Plans one command whose spec is known. */
    @FunctionalInterface
    private interface Rule {
        void plan(CommandArguments args, CommandSpec spec, ArgumentPlan plan);
    }

    private static final String SERVER = "it administers the whole server, which every namespace shares";
    private static final String CLIENTS = "it reaches other clients' connections";
    private static final String SCRIPTS = "scripts and functions are shared by every namespace";
    private static final String DATABASES = "it moves keys out of the namespace's database";

    private static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry("acl", SERVER), Map.entry("bgrewriteaof", SERVER), Map.entry("bgsave", SERVER),
            Map.entry("cluster", SERVER), Map.entry("config", SERVER), Map.entry("debug", SERVER),
            Map.entry("failover", SERVER), Map.entry("latency", SERVER), Map.entry("module", SERVER),
            Map.entry("psync", SERVER), Map.entry("replconf", SERVER), Map.entry("replicaof", SERVER),
            Map.entry("save", SERVER), Map.entry("shutdown", SERVER), Map.entry("slaveof", SERVER),
            Map.entry("slowlog", SERVER), Map.entry("sync", SERVER), Map.entry("memory|doctor", SERVER),
            Map.entry("memory|malloc-stats", SERVER), Map.entry("memory|purge", SERVER),
            Map.entry("memory|stats", SERVER), Map.entry("pfselftest", SERVER), Map.entry("restore-asking", SERVER),
            Map.entry("monitor", "it shows every client's commands"),
            Map.entry("client|list", CLIENTS), Map.entry("client|kill", CLIENTS), Map.entry("client|pause", CLIENTS),
            Map.entry("client|unpause", CLIENTS), Map.entry("client|unblock", CLIENTS),
            Map.entry("client|info", "it shows a connection the proxy shares between clients"),
            Map.entry("wait", "it would hold a connection the proxy shares with other namespaces"),
            Map.entry("script|flush", SCRIPTS), Map.entry("script|kill", SCRIPTS),
            Map.entry("function|delete", SCRIPTS), Map.entry("function|flush", SCRIPTS),
            Map.entry("function|kill", SCRIPTS), Map.entry("function|load", SCRIPTS),
            Map.entry("function|restore", SCRIPTS), Map.entry("function|list", SCRIPTS),
            Map.entry("function|dump", SCRIPTS), Map.entry("function|stats", SCRIPTS),
            Map.entry("swapdb", DATABASES), Map.entry("move", DATABASES),
            Map.entry("migrate", "it copies keys to another server"),
            Map.entry("pubsub|numpat", "it counts the patterns of every namespace"));

    /**
     * Commands that run a script or function: its code can compute any key name, so the proxy cannot confine it;
     * only an upstream ACL user restricted to the namespace can (see {@link #runsScript}).
     */
    private static final Set<String> SCRIPT_RUNNERS = Set.of("eval", "eval_ro", "evalsha", "evalsha_ro", "fcall",
            "fcall_ro");

    /** A reply whose error may quote a key (the stream commands' NOGROUP): the key loses the prefix there. */
    private static final ReplyShape KEY_QUOTED_IN_ERROR = TextReplies.keyQuotedInError(ReplyShape.KEEP);

    private static final byte[] MATCH = ascii("match");
    private static final byte[] ASYNC = ascii("async");
    private static final byte[] SYNC = ascii("sync");
    private static final byte[] BLOCK = ascii("block");
    private static final byte[] COUNT = ascii("count");
    private static final byte[] GROUP = ascii("group");
    private static final byte[] STREAMS = ascii("streams");
    private static final byte[] NOACK = ascii("noack");
    private static final byte[] BY = ascii("by");
    private static final byte[] GET = ascii("get");
    private static final byte[] LIMIT = ascii("limit");
    private static final byte[] STORE = ascii("store");
    private static final byte[] HASH = ascii("#");
    private static final byte[] PREFIX = ascii("prefix");
    private static final byte[] BCAST = ascii("bcast");
    private static final byte[] REDIRECT = ascii("redirect");
    private static final byte[] MATCH_UPPER = ascii("MATCH");
    private static final byte[] PREFIX_UPPER = ascii("PREFIX");

    private final Rule[] byId;
    private final boolean[] runsScript;
    private final CommandTable table;

    public NamespaceRules(CommandTable table) {
        this.table = table;
        Map<String, Rule> named = namedRules();
        this.byId = new Rule[table.size()];
        this.runsScript = new boolean[table.size()];
        for (int id = 0; id < byId.length; id++) {
            CommandSpec spec = table.byId(id);
            runsScript[id] = SCRIPT_RUNNERS.contains(spec.name());
            String reason = REFUSED.get(spec.name());
            if (reason == null && spec.name().contains("|")) {
                reason = REFUSED.get(spec.name().substring(0, spec.name().indexOf('|')));
            }
            Rule rule = named.get(spec.name());
            if (reason != null) {
                String text = refusal(spec.name(), reason);
                byId[id] = (args, s, plan) -> plan.refuse(text);
            } else if (rule != null) {
                byId[id] = rule;
            } else if (spec.hasIncompleteKeySpecs()) {
                String text = refusal(spec.name(), "the proxy cannot find all its keys");
                byId[id] = (args, s, plan) -> plan.refuse(text);
            } else {
                byId[id] = NamespaceRules::keysFromSpecs;
            }
        }
    }

    /**
     * Fills {@code plan} for the command in {@code args}, for a client in a namespace: what to prefix or add, the
     * reply's shape, or the refusal. An unknown command, or a container's unknown subcommand, is refused: the proxy
     * cannot tell its keys.
     */
    public void plan(CommandArguments args, ArgumentPlan plan) {
        plan(args, table.resolve(args), plan);
    }

    /** {@link #plan(CommandArguments, ArgumentPlan)} of a command already resolved by {@link CommandTable#resolve}. */
    public void plan(CommandArguments args, CommandSpec resolved, ArgumentPlan plan) {
        plan.reset(args.argc());
        if (resolved == null) {
            plan.refuse(refusal(name(args, 0), "the proxy does not know its arguments, so it cannot confine them"));
            return;
        }
        if (resolved.isContainer() && args.argc() > 1) {
            // A subcommand the table does not know (a newer Redis may run it): fail closed, as for unknown commands.
            plan.refuse(refusal(resolved.name() + "|" + name(args, 1),
                    "the proxy does not know this subcommand's arguments, so it cannot confine them"));
            return;
        }
        byId[resolved.id()].plan(args, resolved, plan);
    }

    /**
     * Whether {@code resolved} runs a script or function (EVAL, EVALSHA, FCALL and their read-only forms). Its
     * declared keys are prefixed, but its code may name any key: it may run only on an upstream connection whose
     * ACL user Redis itself confines to the namespace.
     */
    public boolean runsScript(CommandSpec resolved) {
        return resolved != null && runsScript[resolved.id()];
    }

    private static void keysFromSpecs(CommandArguments args, CommandSpec spec, ArgumentPlan plan) {
        spec.forEachRoutingKey(args, plan);
    }

    private static Map<String, Rule> namedRules() {
        Map<String, Rule> rules = new HashMap<>();
        Rule allNames = (args, spec, plan) -> {
            for (int i = 1; i < args.argc(); i++) {
                plan.name(i);
            }
            plan.shape(ReplyShape.PUBSUB);
        };
        Rule allPatterns = (args, spec, plan) -> {
            for (int i = 1; i < args.argc(); i++) {
                plan.pattern(i);
            }
            plan.shape(ReplyShape.PUBSUB);
        };
        rules.put("subscribe", allNames);
        rules.put("unsubscribe", allNames);
        rules.put("psubscribe", allPatterns);
        rules.put("punsubscribe", allPatterns);
        Rule shardChannels = (args, spec, plan) -> {
            keysFromSpecs(args, spec, plan);
            plan.shape(ReplyShape.PUBSUB);
        };
        rules.put("ssubscribe", shardChannels);
        rules.put("sunsubscribe", shardChannels);
        rules.put("publish", (args, spec, plan) -> {
            if (args.argc() > 1) {
                plan.name(1);
            }
        });
        rules.put("keys", (args, spec, plan) -> {
            if (args.argc() > 1) {
                plan.pattern(1);
            }
            plan.shape(ReplyShape.NAMES);
        });
        rules.put("scan", NamespaceRules::scan);
        Rule channelsMatching = (args, spec, plan) -> {
            if (args.argc() > 2) {
                plan.pattern(2);
            } else {
                plan.append(ArgumentPlan.EVERYTHING);
            }
            plan.shape(ReplyShape.NAMES);
        };
        rules.put("pubsub|channels", channelsMatching);
        rules.put("pubsub|shardchannels", channelsMatching);
        Rule countsByName = (args, spec, plan) -> {
            for (int i = 2; i < args.argc(); i++) {
                plan.name(i);
            }
            plan.shape(ReplyShape.COUNTS_BY_NAME);
        };
        rules.put("pubsub|numsub", countsByName);
        rules.put("pubsub|shardnumsub", countsByName);
        rules.put("sort", NamespaceRules::sort);
        rules.put("sort_ro", NamespaceRules::sort);
        rules.put("client|tracking", NamespaceRules::tracking);
        Rule firstIsName = (args, spec, plan) -> {
            keysFromSpecs(args, spec, plan);
            plan.shape(ReplyShape.FIRST_NAME);
        };
        for (String name : new String[] {"blpop", "brpop", "bzpopmin", "bzpopmax", "blmpop", "lmpop", "zmpop",
                "bzmpop"}) {
            rules.put(name, firstIsName);
        }
        rules.put("xread", (args, spec, plan) -> {
            streamKeys(args, spec, plan);
            plan.shape(ReplyShape.STREAMS);
        });
        ReplyShape groupStreams = TextReplies.keyQuotedInError(ReplyShape.STREAMS);
        rules.put("xreadgroup", (args, spec, plan) -> {
            streamKeys(args, spec, plan);
            plan.shape(groupStreams);
        });
        Rule keyQuotedInErrors = (args, spec, plan) -> {
            keysFromSpecs(args, spec, plan);
            plan.shape(KEY_QUOTED_IN_ERROR);
        };
        for (String name : new String[] {"xpending", "xclaim", "xautoclaim", "xgroup|setid", "xgroup|createconsumer",
                "xgroup|delconsumer", "xinfo|consumers"}) {
            rules.put(name, keyQuotedInErrors);
        }
        rules.put("info", (args, spec, plan) -> plan.shape(TextReplies.INFO));
        // CLIENT TRACKINGINFO: flags, redirect, prefixes (a map, or flat pairs in RESP2), in that order.
        ReplyShape trackingInfo = ReplyShape.elements(null, null, null, null, null, ReplyShape.NAMES);
        rules.put("client|trackinginfo", (args, spec, plan) -> plan.shape(trackingInfo));
        for (KeyspaceOperation operation : KeyspaceOperation.values()) {
            rules.put(operation.name().toLowerCase(java.util.Locale.ROOT), (args, spec, plan) -> {
                boolean flush = operation == KeyspaceOperation.FLUSHDB || operation == KeyspaceOperation.FLUSHALL;
                if (args.argc() == 1 || flush && args.argc() == 2
                        && (args.argEqualsIgnoreCase(1, ASYNC) || args.argEqualsIgnoreCase(1, SYNC))) {
                    plan.operation(operation);
                }
                // Otherwise a syntax error, which Redis reports without touching a key.
            });
        }
        return rules;
    }

    /**
     * XREAD and XREADGROUP: the keys are the first half of what follows the first STREAMS that is not an option's
     * argument, found as Redis itself parses the options (a group, a consumer or a key may be called "STREAMS"; the
     * key specs' fixed search start does not see that). Where that parse fails, so will the command in Redis; the
     * key specs' keys are then prefixed too, so that whatever Redis's own key extraction finds is in the namespace.
     */
    private static void streamKeys(CommandArguments args, CommandSpec spec, ArgumentPlan plan) {
        int streams = -1;
        boolean group = false;
        for (int i = 1; i < args.argc(); i++) {
            if (args.argEqualsIgnoreCase(i, BLOCK) || args.argEqualsIgnoreCase(i, COUNT)) {
                i++;
            } else if (args.argEqualsIgnoreCase(i, GROUP)) {
                group = true;
                i += 2;
            } else if (args.argEqualsIgnoreCase(i, STREAMS)) {
                streams = i;
                break;
            } else if (!args.argEqualsIgnoreCase(i, NOACK)) {
                break;
            }
        }
        int rest = streams < 0 ? 0 : args.argc() - streams - 1;
        boolean balanced = rest > 0 && rest % 2 == 0;
        if (balanced) {
            for (int i = streams + 1; i <= streams + rest / 2; i++) {
                plan.name(i);
            }
        }
        if (!balanced || group != spec.name().equals("xreadgroup")) {
            // An error in Redis; what its key extraction may still call keys takes the prefix as well.
            keysFromSpecs(args, spec, plan);
        }
    }

    /** SCAN: its MATCH patterns take the prefix; without MATCH, {@code MATCH <prefix>*} confines it. */
    private static void scan(CommandArguments args, CommandSpec spec, ArgumentPlan plan) {
        boolean matched = false;
        for (int i = 2; i + 1 < args.argc(); i += 2) {
            if (args.argEqualsIgnoreCase(i, MATCH)) {
                plan.pattern(i + 1);
                matched = true;
            }
        }
        if (!matched) {
            plan.append(MATCH_UPPER);
            plan.append(ArgumentPlan.EVERYTHING);
        }
        plan.shape(ReplyShape.SCAN);
    }

    /**
     * SORT: the key from the key specs; its other specs are "unknown" (the keywords can be anywhere), so STORE's key
     * and the BY and GET patterns, which name keys too ({@code GET #} is the element itself), are found here.
     */
    private static void sort(CommandArguments args, CommandSpec spec, ArgumentPlan plan) {
        keysFromSpecs(args, spec, plan);
        int i = 2;
        while (i < args.argc()) {
            if (i + 1 < args.argc() && args.argEqualsIgnoreCase(i, BY)) {
                plan.name(i + 1);
                i += 2;
            } else if (i + 1 < args.argc() && args.argEqualsIgnoreCase(i, GET)) {
                if (!args.argEqualsIgnoreCase(i + 1, HASH)) {
                    plan.name(i + 1);
                }
                i += 2;
            } else if (args.argEqualsIgnoreCase(i, LIMIT)) {
                i += 3;
            } else if (i + 1 < args.argc() && args.argEqualsIgnoreCase(i, STORE)) {
                plan.name(i + 1);
                i += 2;
            } else {
                i++;
            }
        }
    }

    /**
     * CLIENT TRACKING: PREFIX arguments take the prefix; BCAST without one gets {@code PREFIX <namespace>}, or it
     * would hear of every namespace's keys. Invalidations lose the prefix ({@link ReplyShape#PUBSUB}).
     */
    private static void tracking(CommandArguments args, CommandSpec spec, ArgumentPlan plan) {
        boolean broadcast = false;
        boolean prefixed = false;
        for (int i = 3; i < args.argc(); i++) {
            if (i + 1 < args.argc() && args.argEqualsIgnoreCase(i, PREFIX)) {
                plan.name(++i);
                prefixed = true;
            } else if (args.argEqualsIgnoreCase(i, REDIRECT)) {
                // The id names an upstream connection, which may be one the proxy shares with other clients.
                plan.refuse(refusal(spec.name(), "REDIRECT reaches other clients' connections; use RESP3 pushes"));
                return;
            } else if (args.argEqualsIgnoreCase(i, BCAST)) {
                broadcast = true;
            }
        }
        if (broadcast && !prefixed) {
            plan.append(PREFIX_UPPER);
            plan.append(ArgumentPlan.NAMESPACE_PREFIX);
        }
    }

    /** The NOPERM error text for {@code command} (a full name, like "config|get"), with the reason. */
    public static String refusal(String command, String reason) {
        return CommandRules.noPermission(command) + ": " + reason;
    }

    private static String name(CommandArguments args, int i) {
        byte[] bytes = new byte[Math.min(args.argLength(i), 128)];
        for (int pos = 0; pos < bytes.length; pos++) {
            bytes[pos] = args.argByte(i, pos);
        }
        return new String(bytes, StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
