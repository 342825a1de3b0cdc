package dev.turnout.dataplane.command;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Key-spec flags (see https://redis.io/docs/reference/key-specs/). Exactly one of RO, RW, OW, RM says
 * what the command does to the key; ACCESS, UPDATE, INSERT, DELETE refine it; the last three qualify
 * the spec itself.
 */
public enum KeySpecFlag {
    /** Read-only: reads the value of the key but doesn't necessarily return it. */
    RO("RO"),
    /** Read-write: modifies the data stored in the value of the key or its metadata. */
    RW("RW"),
    /** Overwrite: overwrites the data stored in the value of the key. */
    OW("OW"),
    /** Remove: deletes the key. */
    RM("RM"),
    /** Returns, copies or uses the user data from the value of the key. */
    ACCESS("access"),
    /** Updates data to the value, new value may depend on the old value. */
    UPDATE("update"),
    /** Adds data to the value with no chance of modification or deletion of existing data. */
    INSERT("insert"),
    /** Explicitly deletes some content from the value of the key. */
    DELETE("delete"),
    /** Not a key, but routed in cluster mode as if it were one (shard channels of SPUBLISH etc.). */
    NOT_KEY("not_key"),
    /** The spec might not point out every key the command uses. */
    INCOMPLETE("incomplete"),
    /** Some keys might have different flags depending on arguments (SET ... GET, BITFIELD). */
    VARIABLE_FLAGS("variable_flags");

    private static final Map<String, KeySpecFlag> BY_NAME = new HashMap<>();

    static {
        for (KeySpecFlag flag : values()) {
            BY_NAME.put(flag.redisName.toLowerCase(Locale.ROOT), flag);
        }
    }

    private final String redisName;

    KeySpecFlag(String redisName) {
        this.redisName = redisName;
    }

    /** The flag as Redis spells it ({@code "RO"}, {@code "access"}, ...). */
    public String redisName() {
        return redisName;
    }

    /** The flag Redis calls {@code name} (case-insensitive), if this version knows it. */
    public static Optional<KeySpecFlag> fromRedisName(String name) {
        return Optional.ofNullable(BY_NAME.get(name.toLowerCase(Locale.ROOT)));
    }
}
