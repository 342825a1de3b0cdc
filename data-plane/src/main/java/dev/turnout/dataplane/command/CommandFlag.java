package dev.turnout.dataplane.command;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Command flags as Redis reports them in {@code COMMAND INFO} (the third element of each entry).
 * {@link #redisName()} is the exact Redis spelling, e.g. {@code "no_mandatory_keys"}.
 */
public enum CommandFlag {
    WRITE,
    READONLY,
    DENYOOM,
    MODULE,
    ADMIN,
    PUBSUB,
    NOSCRIPT,
    BLOCKING,
    LOADING,
    STALE,
    SKIP_MONITOR,
    SKIP_SLOWLOG,
    ASKING,
    FAST,
    NO_AUTH,
    MAY_REPLICATE,
    SENTINEL,
    ONLY_SENTINEL,
    NO_MANDATORY_KEYS,
    PROTECTED,
    MODULE_GETKEYS,
    MODULE_NO_CLUSTER,
    NO_ASYNC_LOADING,
    NO_MULTI,
    MOVABLEKEYS,
    ALLOW_BUSY,
    MODULE_GETCHANNELS,
    TOUCHES_ARBITRARY_KEYS;

    private static final Map<String, CommandFlag> BY_NAME = new HashMap<>();

    static {
        for (CommandFlag flag : values()) {
            BY_NAME.put(flag.redisName(), flag);
        }
    }

    private final String redisName = name().toLowerCase(Locale.ROOT);

    /** The flag as Redis spells it. */
    public String redisName() {
        return redisName;
    }

    /** The flag Redis calls {@code name} (case-insensitive), if this version knows it. */
    public static Optional<CommandFlag> fromRedisName(String name) {
        return Optional.ofNullable(BY_NAME.get(name.toLowerCase(Locale.ROOT)));
    }

    long bit() {
        return 1L << ordinal();
    }
}
