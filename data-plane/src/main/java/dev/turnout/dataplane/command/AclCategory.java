package dev.turnout.dataplane.command;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * ACL categories as Redis reports them in {@code COMMAND INFO}; {@link #aclName()} is the name used
 * in ACL rules without the {@code @}, e.g. {@code "sortedset"}.
 */
public enum AclCategory {
    KEYSPACE,
    READ,
    WRITE,
    SET,
    SORTEDSET,
    LIST,
    HASH,
    STRING,
    BITMAP,
    HYPERLOGLOG,
    GEO,
    STREAM,
    PUBSUB,
    ADMIN,
    FAST,
    SLOW,
    BLOCKING,
    DANGEROUS,
    CONNECTION,
    TRANSACTION,
    SCRIPTING;

    private static final Map<String, AclCategory> BY_NAME = new HashMap<>();

    static {
        for (AclCategory category : values()) {
            BY_NAME.put(category.aclName(), category);
        }
    }

    private final String aclName = name().toLowerCase(Locale.ROOT);

    /** The category name without the leading {@code @}. */
    public String aclName() {
        return aclName;
    }

    /** The category called {@code name}, with or without a leading {@code @}, any case. */
    public static Optional<AclCategory> fromName(String name) {
        String bare = name.startsWith("@") ? name.substring(1) : name;
        return Optional.ofNullable(BY_NAME.get(bare.toLowerCase(Locale.ROOT)));
    }

    int bit() {
        return 1 << ordinal();
    }
}
