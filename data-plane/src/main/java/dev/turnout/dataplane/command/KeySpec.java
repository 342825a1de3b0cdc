package dev.turnout.dataplane.command;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One key specification of a command, as Redis reports it (see
 * https://redis.io/docs/reference/key-specs/): where to begin searching, how to find the keys from
 * there, and what the command does to them.
 *
 * @param index position of this spec in the command's spec list (Redis's {@code key_spec_index})
 * @param beginSearch where the search starts
 * @param findKeys which arguments from there are keys
 * @param flags what the command does with the keys this spec finds
 */
public record KeySpec(int index, BeginSearch beginSearch, FindKeys findKeys, Set<KeySpecFlag> flags) {

    public KeySpec {
        Objects.requireNonNull(beginSearch, "beginSearch");
        Objects.requireNonNull(findKeys, "findKeys");
        flags = Collections.unmodifiableSet(enumSet(flags));
    }

    public boolean hasFlag(KeySpecFlag flag) {
        return flags.contains(flag);
    }

    /** The "key" is not a key but is routed like one in a cluster (a shard channel). */
    public boolean isNotKey() {
        return flags.contains(KeySpecFlag.NOT_KEY);
    }

    /**
     * The keys found by this spec may not be all the keys it stands for: Redis flagged it
     * {@code incomplete}, or could not describe it at all ({@code unknown} begin search or find keys).
     */
    public boolean isIncomplete() {
        return flags.contains(KeySpecFlag.INCOMPLETE)
                || beginSearch instanceof BeginSearch.Unknown
                || findKeys instanceof FindKeys.Unknown;
    }

    /** The flags of the keys depend on other arguments (e.g. SET ... GET reads the old value). */
    public boolean hasVariableFlags() {
        return flags.contains(KeySpecFlag.VARIABLE_FLAGS);
    }

    /**
     * Reports the keys this spec finds among {@code args}, the way Redis's
     * {@code getKeysUsingKeySpecs} does with {@code GET_KEYSPEC_RETURN_PARTIAL}: if the spec cannot be
     * applied (keyword absent, unknown spec, bad or out-of-range numkeys, positions beyond
     * {@code argc}) it reports nothing. Never throws for any input.
     */
    void forEachKey(CommandArguments args, KeyVisitor visitor) {
        int argc = args.argc();
        int first = firstSearchPosition(args, argc);
        if (first <= 0) {
            return;
        }
        long last;
        int step;
        if (findKeys instanceof FindKeys.Range range) {
            step = range.step();
            if (range.lastKey() >= 0) {
                last = (long) first + range.lastKey();
            } else if (range.limit() == 0) {
                last = (long) argc + range.lastKey();
            } else {
                // Redis only allows lastkey == -1 here; the arithmetic is the same for any value.
                last = first + ((long) (argc - first) / range.limit() + range.lastKey());
            }
        } else if (findKeys instanceof FindKeys.KeyNum keyNum) {
            step = keyNum.step();
            long numIndex = (long) first + keyNum.keyNumIndex();
            if (numIndex >= argc) {
                return;
            }
            long numKeys = parseNonNegativeInteger(args, (int) numIndex);
            if (numKeys < 0 || numKeys >= argc) {
                return; // not a count, or more keys than there are arguments
            }
            first += keyNum.firstKey();
            last = first + numKeys - 1;
        } else {
            return;
        }
        if (first >= argc || last >= argc || last < first) {
            return; // a syntax error Redis will report; no keys from this spec
        }
        for (long i = first; i <= last; i += step) {
            visitor.key((int) i, this);
        }
    }

    /** The begin-search position, or 0 when the spec does not apply to these arguments. */
    private int firstSearchPosition(CommandArguments args, int argc) {
        if (beginSearch instanceof BeginSearch.Index index) {
            return index.pos();
        }
        if (beginSearch instanceof BeginSearch.Keyword keyword) {
            byte[] lower = keyword.lowerAscii();
            int startFrom = keyword.startFrom();
            if (startFrom > 0) {
                // Forward from startFrom; the last argument cannot be a keyword followed by a key.
                for (int i = startFrom; i < argc - 1; i++) {
                    if (args.argEqualsIgnoreCase(i, lower)) {
                        return i + 1;
                    }
                }
            } else {
                // Backward from argc + startFrom down to (but excluding) argument 1, as Redis does.
                for (int i = argc + startFrom; i > 1; i--) {
                    if (args.argEqualsIgnoreCase(i, lower)) {
                        return i + 1;
                    }
                }
            }
        }
        return 0;
    }

    /**
     * Parses argument {@code i} the way Redis's {@code string2ll} does (optional minus, no leading
     * zeros, no spaces, no plus sign, within {@code long}) and returns it, or -1 if it is not a
     * non-negative integer.
     */
    static long parseNonNegativeInteger(CommandArguments args, int i) {
        int length = args.argLength(i);
        if (length < 1 || length > 19) {
            return -1; // 19 digits is enough for any long; longer would overflow or be negative
        }
        byte b0 = args.argByte(i, 0);
        if (length == 1 && b0 == '0') {
            return 0;
        }
        if (b0 < '1' || b0 > '9') {
            return -1; // empty, leading zero, sign (negative is invalid for numkeys), or not a digit
        }
        long value = 0;
        for (int pos = 0; pos < length; pos++) {
            byte b = args.argByte(i, pos);
            if (b < '0' || b > '9') {
                return -1;
            }
            int digit = b - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static EnumSet<KeySpecFlag> enumSet(Collection<KeySpecFlag> flags) {
        EnumSet<KeySpecFlag> set = EnumSet.noneOf(KeySpecFlag.class);
        set.addAll(Objects.requireNonNull(flags, "flags"));
        return set;
    }
}
