package dev.turnout.dataplane.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What Redis says about one command or subcommand: arity, flags, ACL categories, key specs, tips.
 * Immutable; obtained from a {@link CommandTable}.
 *
 * <p>A container command (CLIENT, CONFIG, XINFO, ...) has no keys of its own; its
 * {@link #subcommands()} do. {@link #forEachKey} on a container resolves the subcommand from
 * argument 1 first.
 */
public final class CommandSpec {

    private final String name;
    private final int id;
    private final int arity;
    private final long flagBits;
    private final Set<CommandFlag> flags;
    private final int categoryBits;
    private final Set<AclCategory> aclCategories;
    private final KeySpec[] keySpecs;
    private final List<KeySpec> keySpecList;
    private final List<String> tips;
    private final String group;
    private final String since;
    private final Map<String, CommandSpec> subcommands;
    private final NameIndex subcommandIndex;
    private final boolean hasKeys;
    private final boolean incompleteKeySpecs;

    /**
     * @param subcommands the subcommands keyed by their own lower-case name ("setname"), in name order
     */
    CommandSpec(String name, int id, int arity, Set<CommandFlag> flags, Set<AclCategory> aclCategories,
                List<KeySpec> keySpecs, List<String> tips, String group, String since,
                Map<String, CommandSpec> subcommands) {
        this.name = name;
        this.id = id;
        this.arity = arity;
        EnumSet<CommandFlag> flagSet = EnumSet.noneOf(CommandFlag.class);
        flagSet.addAll(flags);
        this.flags = Collections.unmodifiableSet(flagSet);
        long bits = 0;
        for (CommandFlag flag : flagSet) {
            bits |= flag.bit();
        }
        this.flagBits = bits;
        EnumSet<AclCategory> categorySet = EnumSet.noneOf(AclCategory.class);
        categorySet.addAll(aclCategories);
        this.aclCategories = Collections.unmodifiableSet(categorySet);
        int categories = 0;
        for (AclCategory category : categorySet) {
            categories |= category.bit();
        }
        this.categoryBits = categories;
        this.keySpecs = keySpecs.toArray(new KeySpec[0]);
        this.keySpecList = List.of(this.keySpecs);
        this.tips = List.copyOf(tips);
        this.group = group;
        this.since = since;
        this.subcommands = Collections.unmodifiableMap(new LinkedHashMap<>(subcommands));
        this.subcommandIndex = subcommands.isEmpty()
                ? NameIndex.EMPTY
                : new NameIndex(new ArrayList<>(subcommands.keySet()), new ArrayList<>(subcommands.values()));

        boolean keys = false;
        boolean incomplete = false;
        for (KeySpec spec : this.keySpecs) {
            keys |= !spec.isNotKey();
            incomplete |= spec.isIncomplete();
        }
        for (CommandSpec sub : subcommands.values()) {
            keys |= sub.hasKeys;
            incomplete |= sub.incompleteKeySpecs;
        }
        this.hasKeys = keys;
        this.incompleteKeySpecs = incomplete;
    }

    /** Lower-case name as Redis reports it: {@code "get"}, or {@code "client|setname"} for a subcommand. */
    public String name() {
        return name;
    }

    /**
     * Dense index of this command in its table, {@code 0 <= id < table.size()}, unique across commands
     * and subcommands: use it to keep per-command arrays (counters, policies).
     */
    public int id() {
        return id;
    }

    /**
     * Redis's arity: the exact number of arguments (command name included) when positive, the minimum
     * number when negative. For a subcommand, the container's name counts too.
     */
    public int arity() {
        return arity;
    }

    /** Whether {@code argc} arguments (command name included) satisfy {@link #arity()}. */
    public boolean acceptsArgc(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    public Set<CommandFlag> flags() {
        return flags;
    }

    public boolean hasFlag(CommandFlag flag) {
        return (flagBits & flag.bit()) != 0;
    }

    public boolean isWrite() {
        return hasFlag(CommandFlag.WRITE);
    }

    public boolean isReadonly() {
        return hasFlag(CommandFlag.READONLY);
    }

    public boolean isBlocking() {
        return hasFlag(CommandFlag.BLOCKING);
    }

    public boolean isPubsub() {
        return hasFlag(CommandFlag.PUBSUB);
    }

    public boolean isAdmin() {
        return hasFlag(CommandFlag.ADMIN);
    }

    public boolean isNoScript() {
        return hasFlag(CommandFlag.NOSCRIPT);
    }

    public boolean isFast() {
        return hasFlag(CommandFlag.FAST);
    }

    /** Redis's {@code movablekeys}: key positions depend on the arguments (numkeys, keywords). */
    public boolean movableKeys() {
        return hasFlag(CommandFlag.MOVABLEKEYS);
    }

    public Set<AclCategory> aclCategories() {
        return aclCategories;
    }

    public boolean hasCategory(AclCategory category) {
        return (categoryBits & category.bit()) != 0;
    }

    /** Whether the command is in the ACL category called {@code name} ("read" or "@read", any case). */
    public boolean hasCategory(String name) {
        Optional<AclCategory> category = AclCategory.fromName(name);
        return category.isPresent() && hasCategory(category.get());
    }

    /** The key specs in Redis's order (a spec's position is its {@link KeySpec#index()}). */
    public List<KeySpec> keySpecs() {
        return keySpecList;
    }

    /**
     * Whether the command can have key arguments: it has a key spec that is not {@code not_key}, or,
     * for a container, one of its subcommands does.
     */
    public boolean hasKeys() {
        return hasKeys;
    }

    /**
     * Whether {@link #forEachKey} may miss keys for some arguments: a key spec is flagged
     * {@code incomplete} or is {@code unknown} (SORT's STORE and BY/GET, MIGRATE's KEYS form). For a
     * container, whether any subcommand has such a spec. Callers that must see every key (namespace
     * rewriting, cluster routing) apply a policy to these commands.
     */
    public boolean hasIncompleteKeySpecs() {
        return incompleteKeySpecs;
    }

    /**
     * Redis's command tips, e.g. {@code "nondeterministic_output"}, {@code "request_policy:all_shards"}.
     */
    public List<String> tips() {
        return tips;
    }

    /** The value of the {@code request_policy:} tip, e.g. {@code "all_shards"}. */
    public Optional<String> requestPolicy() {
        return tipValue("request_policy:");
    }

    /** The value of the {@code response_policy:} tip, e.g. {@code "agg_sum"}. */
    public Optional<String> responsePolicy() {
        return tipValue("response_policy:");
    }

    private Optional<String> tipValue(String prefix) {
        for (String tip : tips) {
            if (tip.startsWith(prefix)) {
                return Optional.of(tip.substring(prefix.length()));
            }
        }
        return Optional.empty();
    }

    /** The group from {@code COMMAND DOCS}, e.g. {@code "string"}; empty if Redis documents none. */
    public String group() {
        return group;
    }

    /** The Redis version that introduced the command, from {@code COMMAND DOCS}; empty if unknown. */
    public String since() {
        return since;
    }

    /** Whether this is a container whose real commands are its subcommands (CLIENT, CONFIG, ...). */
    public boolean isContainer() {
        return !subcommands.isEmpty();
    }

    /** Subcommands keyed by their own lower-case name ({@code "setname"}), in name order. */
    public Map<String, CommandSpec> subcommands() {
        return subcommands;
    }

    /**
     * The subcommand named by argument 1 of {@code args} (any case), or null if this is not a
     * container, there is no argument 1, or no subcommand has that name. Allocation-free.
     */
    public CommandSpec subcommand(CommandArguments args) {
        return subcommandIndex.find(args, 1);
    }

    NameIndex subcommandIndex() {
        return subcommandIndex;
    }

    /**
     * Reports every key argument of {@code args}, a full command whose argument 0 names this command,
     * following the key specs exactly as Redis's {@code getKeysUsingKeySpecs} (with
     * {@code GET_KEYSPEC_RETURN_PARTIAL}): specs in order, {@code not_key} specs skipped, a spec that
     * does not apply to these arguments (keyword absent, bad or zero numkeys, positions beyond
     * {@code argc}) contributes nothing while the others still report their keys. On a container the
     * subcommand is resolved first; an unknown subcommand has no keys. Allocation-free; never throws
     * for malformed arguments. Check {@link #hasIncompleteKeySpecs()} to know whether the list may be
     * partial.
     */
    public void forEachKey(CommandArguments args, KeyVisitor visitor) {
        visitKeys(args, visitor, false);
    }

    /**
     * Like {@link #forEachKey} but also reports {@code not_key} arguments that a cluster routes as if
     * they were keys: the shard channels of SPUBLISH, SSUBSCRIBE and SUNSUBSCRIBE.
     */
    public void forEachRoutingKey(CommandArguments args, KeyVisitor visitor) {
        visitKeys(args, visitor, true);
    }

    private void visitKeys(CommandArguments args, KeyVisitor visitor, boolean includeNotKeys) {
        if (isContainer()) {
            CommandSpec sub = subcommand(args);
            if (sub != null) {
                sub.visitKeys(args, visitor, includeNotKeys);
            }
            return;
        }
        for (KeySpec spec : keySpecs) {
            if (includeNotKeys || !spec.isNotKey()) {
                spec.forEachKey(args, visitor);
            }
        }
    }

    @Override
    public String toString() {
        List<String> flagNames = new ArrayList<>();
        for (CommandFlag flag : flags) {
            flagNames.add(flag.redisName());
        }
        return "CommandSpec[" + name + ", id=" + id + ", arity=" + arity + ", flags=" + flagNames + "]";
    }
}
