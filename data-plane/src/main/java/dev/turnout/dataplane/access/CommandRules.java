package dev.turnout.dataplane.access;

import dev.turnout.dataplane.command.AclCategory;
import dev.turnout.dataplane.command.CommandFlag;
import dev.turnout.dataplane.command.CommandSpec;
import dev.turnout.dataplane.command.CommandTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The commands one user may run, from the command part of Redis's ACL syntax, compiled against a
 * {@link CommandTable} into one bit per {@link CommandSpec#id()}: {@link #allows} is a single array read.
 * Immutable; safe to share between event loops.
 *
 * <p>Rules apply left to right as Redis 7.0's {@code ACL SETUSER} applies them, each one setting the bits of the
 * commands it covers, so a later rule overrides an earlier one for those commands:
 * <ul>
 *   <li>{@code +@all} / {@code allcommands} allows everything, {@code -@all} / {@code nocommands} nothing; rules
 *       that do not start with one of them start from nothing, like a new Redis user.</li>
 *   <li>{@code +<command>} / {@code -<command>} covers the command and, for a container (CLIENT, CONFIG, ...),
 *       every one of its subcommands.</li>
 *   <li>{@code +<command>|<subcommand>} / {@code -<command>|<subcommand>} covers that subcommand only.</li>
 *   <li>{@code +@<category>} / {@code -@<category>} covers every command and subcommand in the category, and
 *       every subcommand of a container that is itself in it: CLIENT is {@code @slow}, so {@code -@slow} takes
 *       away all of CLIENT's subcommands, as it does in Redis.</li>
 * </ul>
 * Names are case-insensitive. Unknown commands, subcommands and categories are refused with Redis's words
 * ({@code Unknown command or category name in ACL}) and what was expected. Two differences from Redis, both on
 * purpose: Redis's deprecated first-argument rules ({@code +select|0}, a command that has no subcommands) are
 * refused, since a rule here decides per command; and the key, channel, password and user-state rules of
 * {@code ACL SETUSER} ({@code ~*}, {@code on}) are syntax errors, since a user's keys are its namespace.
 *
 * <p>As in Redis, commands flagged {@code no_auth} (AUTH, HELLO, QUIT, RESET) are always allowed: a client must
 * be able to log in and out whatever its rules. A command the table does not know (a newer Redis's, a module's)
 * is allowed only by rules that grant everything: {@code +@all} with nothing taken away after it
 * ({@link #allowsUnknownCommands()}). Redis itself would decide by that command's categories, which the proxy
 * cannot know.
 */
public final class CommandRules {

    /** What Redis says of an unknown command, subcommand or category. */
    private static final String UNKNOWN = "Unknown command or category name in ACL";
    /** What Redis says of a rule it cannot read at all. */
    private static final String SYNTAX_ERROR = "Syntax error";
    /** What Redis says of {@code +config|get|x}. */
    private static final String FIRST_ARG_OF_SUBCOMMAND = "Allowing first-arg of a subcommand is not supported";

    private static final String ALL = "@all";
    private static final String RULE_FORMS = "+@all, -@all, allcommands, nocommands, +@<category>, -@<category>, "
            + "+<command>, -<command>, +<command>|<subcommand> or -<command>|<subcommand>";

    private final long[] allowed;
    private final boolean everything;
    private final String normalized;

    private CommandRules(long[] allowed, boolean everything, String normalized) {
        this.allowed = allowed;
        this.everything = everything;
        this.normalized = normalized;
    }

    /**
     * Compiles {@code rules}, whitespace-separated tokens such as {@code "+@all -@dangerous +client|kill"}.
     * An empty string allows nothing but the {@code no_auth} commands.
     *
     * @throws IllegalArgumentException naming the first token that is wrong, with Redis's reason and what was
     *         expected, e.g. {@code '+@reads': Unknown command or category name in ACL (expected one of the
     *         categories: @all, @keyspace, @read, ...)}
     */
    public static CommandRules parse(String rules, CommandTable table) {
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(table, "table");
        return new Compiler(table).compile(rules);
    }

    /**
     * Whether the user may run {@code command}, a command or a subcommand ({@code client|kill}) of the table
     * these rules were compiled against. For a container, check the subcommand the client named: that is the
     * one Redis checks. O(1), allocation-free.
     */
    public boolean allows(CommandSpec command) {
        int id = command.id();
        return (allowed[id >>> 6] & (1L << id)) != 0;
    }

    /**
     * Whether the user may run commands the table does not know: only when the rules grant everything
     * ({@code +@all} and nothing taken away after it).
     */
    public boolean allowsUnknownCommands() {
        return everything;
    }

    /**
     * The error Redis 7.0 replies when a user's rules refuse {@code command}, without the leading {@code -}:
     * {@code NOPERM this user has no permissions to run the 'client|kill' command}. Redis names a subcommand
     * by its full name, container first.
     */
    public static String noPermission(CommandSpec command) {
        return noPermission(command.name());
    }

    /** {@link #noPermission(CommandSpec)} for a command known by its (full, lower-case) name only. */
    public static String noPermission(String commandName) {
        return "NOPERM this user has no permissions to run the '" + commandName + "' command";
    }

    /**
     * The rules in a normal form that compiles to the same permissions: lower case, {@code +@all} or
     * {@code -@all} first, then each remaining rule once, where it last appeared (a later rule for the same
     * command or category overrides the earlier one completely), without rules that repeat what the start
     * already says: {@code "ALLCOMMANDS +get -@Dangerous -keys -@dangerous"} gives
     * {@code "+@all -keys -@dangerous"}. Redis 7.2's {@code ACL GETUSER} also keeps each rule once where it last
     * appeared; Redis 7.0's rebuilds rules from the bits instead, in an order that depends on its hash tables.
     */
    @Override
    public String toString() {
        return normalized;
    }

    /** Rules are equal when they allow the same commands, however they are written. */
    @Override
    public boolean equals(Object o) {
        return o instanceof CommandRules other && everything == other.everything
                && Arrays.equals(allowed, other.allowed);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(allowed) * 31 + Boolean.hashCode(everything);
    }

    /** One rule after the start, for the normal form: {@code +@read}, {@code -client|kill}. */
    private record Rule(boolean allow, String target) {
        @Override
        public String toString() {
            return (allow ? "+" : "-") + target;
        }
    }

    /** Applies tokens one by one to the bits, as Redis's {@code ACLSetSelector} does. */
    private static final class Compiler {

        private final CommandTable table;
        private final long[] bits;
        private final List<Rule> rules = new ArrayList<>();
        private boolean startsFromAll;

        Compiler(CommandTable table) {
            this.table = table;
            this.bits = new long[(table.size() + 63) >>> 6];
        }

        CommandRules compile(String text) {
            for (String token : text.trim().split("\\s+")) {
                if (!token.isEmpty()) {
                    apply(token);
                }
            }
            for (CommandSpec command : table.commands()) {
                if (command.hasFlag(CommandFlag.NO_AUTH)) {
                    set(command, true);
                }
            }
            return new CommandRules(bits, startsFromAll && rules.stream().allMatch(Rule::allow), normalForm());
        }

        private void apply(String token) {
            String lower = token.toLowerCase(Locale.ROOT);
            if (lower.equals("+" + ALL) || lower.equals("allcommands")) {
                reset(true);
            } else if (lower.equals("-" + ALL) || lower.equals("nocommands")) {
                reset(false);
            } else if (!lower.startsWith("+") && !lower.startsWith("-")) {
                throw invalid(token, SYNTAX_ERROR, RULE_FORMS + "; passwords, keys and channels are not set here");
            } else if (lower.startsWith("@", 1)) {
                category(token, lower.charAt(0) == '+', lower.substring(2));
            } else if (lower.charAt(0) == '+' && lower.indexOf('|') >= 0) {
                allowSubcommand(token, lower.substring(1));
            } else {
                command(token, lower.charAt(0) == '+', lower.substring(1));
            }
        }

        private void reset(boolean allow) {
            Arrays.fill(bits, allow ? -1L : 0L);
            startsFromAll = allow;
            rules.clear();
        }

        /** {@code ±@category}: Redis's {@code ACLSetSelectorCommandBitsForCategory}. */
        private void category(String token, boolean allow, String name) {
            Optional<AclCategory> found = name.isEmpty() || name.startsWith("@") ? Optional.empty()
                    : AclCategory.fromName(name);
            if (found.isEmpty()) {
                StringJoiner categories = new StringJoiner(", @", "one of the categories: @", "");
                categories.add("all");
                for (AclCategory category : AclCategory.values()) {
                    categories.add(category.aclName());
                }
                throw invalid(token, UNKNOWN, categories.toString());
            }
            AclCategory category = found.get();
            for (CommandSpec command : table.commands()) {
                if (command.hasCategory(category)) {
                    setWithSubcommands(command, allow);
                }
                for (CommandSpec sub : command.subcommands().values()) {
                    if (sub.hasCategory(category)) {
                        set(sub, allow);
                    }
                }
            }
            record(allow, "@" + category.aclName());
        }

        /** {@code +command|subcommand}: split at the last bar, as Redis 7.0 does. */
        private void allowSubcommand(String token, String name) {
            int bar = name.lastIndexOf('|');
            CommandSpec base = table.lookup(name.substring(0, bar));
            if (base == null) {
                throw unknownCommand(token, name.substring(0, bar));
            }
            if (base.name().indexOf('|') >= 0) {
                throw invalid(token, FIRST_ARG_OF_SUBCOMMAND, "+" + base.name());
            }
            if (bar == name.length() - 1) {
                throw invalid(token, SYNTAX_ERROR, "a subcommand after '|'"
                        + (base.isContainer() ? ", one of: " + subcommandNames(base) : ""));
            }
            if (!base.isContainer()) {
                throw new IllegalArgumentException("'" + token + "': " + base.name() + " has no subcommands, and"
                        + " rules for a command's first argument (Redis's deprecated +select|0) are not supported"
                        + " (expected +" + base.name() + ")");
            }
            command(token, true, name);
        }

        /** {@code ±command} or {@code -command|subcommand}: Redis's {@code ACLChangeSelectorPerm}. */
        private void command(String token, boolean allow, String name) {
            CommandSpec command = table.lookup(name);
            if (command == null) {
                throw unknownCommand(token, name);
            }
            setWithSubcommands(command, allow);
            record(allow, command.name());
        }

        private IllegalArgumentException unknownCommand(String token, String name) {
            int bar = name.indexOf('|');
            CommandSpec container = bar < 0 ? null : table.lookup(name.substring(0, bar));
            if (container != null && container.isContainer()) {
                return invalid(token, UNKNOWN, "a subcommand of " + container.name() + ": "
                        + subcommandNames(container));
            }
            String command = bar < 0 ? name : name.substring(0, bar);
            String kind = container != null ? command + " has no subcommands" : "'" + command + "' is not a command";
            return invalid(token, UNKNOWN, "a command or subcommand of Redis " + table.redisVersion()
                    + " such as +get or -client|kill; " + kind);
        }

        private static String subcommandNames(CommandSpec container) {
            return String.join(", ", container.subcommands().keySet());
        }

        private void setWithSubcommands(CommandSpec command, boolean allow) {
            set(command, allow);
            for (CommandSpec sub : command.subcommands().values()) {
                set(sub, allow);
            }
        }

        private void set(CommandSpec command, boolean allow) {
            int id = command.id();
            if (allow) {
                bits[id >>> 6] |= 1L << id;
            } else {
                bits[id >>> 6] &= ~(1L << id);
            }
        }

        /** A later rule for the same target replaces the earlier one wherever it was. */
        private void record(boolean allow, String target) {
            rules.removeIf(rule -> rule.target().equals(target));
            rules.add(new Rule(allow, target));
        }

        private String normalForm() {
            StringJoiner form = new StringJoiner(" ");
            form.add((startsFromAll ? "+" : "-") + ALL);
            int first = 0;
            while (first < rules.size() && rules.get(first).allow() == startsFromAll) {
                first++; // allows what +@all allowed already, or refuses what -@all refused
            }
            for (Rule rule : rules.subList(first, rules.size())) {
                form.add(rule.toString());
            }
            return form.toString();
        }

        private static IllegalArgumentException invalid(String token, String reason, String expected) {
            return new IllegalArgumentException("'" + token + "': " + reason + " (expected " + expected + ")");
        }
    }
}
