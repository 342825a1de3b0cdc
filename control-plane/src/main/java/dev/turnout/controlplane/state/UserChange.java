package dev.turnout.controlplane.state;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.turnout.dataplane.config.UserConfig;

/**
 * A user to add or change, as {@link DesiredStateStore#putUser} takes it. A null field keeps the current
 * user's value, or for a new user is left out of the document, so that the reader's default applies
 * ({@code "<name>:"} for the namespace, {@code "+@all"} for the commands, no limits). Nothing is checked here:
 * the store writes the entry into the document and the reader validates it like any {@code users:} entry.
 *
 * @param name           the user's name
 * @param passwordHash   {@code sha256:<64 hex digits>}; null keeps the current hash (a new user needs one)
 * @param namespace      the key prefix, "" for none (an admin user)
 * @param commands       Redis ACL rules, e.g. {@code +@all -@dangerous}
 * @param maxConnections 0 for no limit
 * @param rateLimit      commands per second, 0 for no limit
 */
public record UserChange(String name, String passwordHash, String namespace, String commands, Integer maxConnections,
                         Integer rateLimit) {

    /** What the user's presence must be before the change. */
    public enum Presence {
        /** Adding: a user of that name must not exist. */
        MUST_BE_NEW,
        /** Changing: a user of that name must exist. */
        MUST_EXIST,
        /** Adding or changing. */
        NEW_OR_EXISTING
    }

    /** A new password hash, and nothing else changed. */
    public static UserChange password(String name, String passwordHash) {
        return new UserChange(name, passwordHash, null, null, null, null);
    }

    /** The {@code users:} entry, in the document's own keys, on top of {@code current} (null for a new user). */
    ObjectNode entry(UserConfig current) {
        ObjectNode entry = JsonNodeFactory.instance.objectNode().put("name", name);
        putText(entry, "password", passwordHash, current == null ? null : current.passwordHash());
        putText(entry, "namespace", namespace, current == null ? null : current.namespace());
        putText(entry, "commands", commands, current == null ? null : current.commands());
        putLimit(entry, "max-connections", maxConnections, current == null ? 0 : current.maxConnections());
        putLimit(entry, "rate-limit", rateLimit, current == null ? 0 : current.rateLimit());
        return entry;
    }

    private static void putText(ObjectNode entry, String key, String value, String currentValue) {
        String v = value != null ? value : currentValue;
        if (v != null) {
            entry.put(key, v);
        }
    }

    /** 0 is "no limit", which the document says by leaving the key out; anything else goes to the reader. */
    private static void putLimit(ObjectNode entry, String key, Integer value, int currentValue) {
        int v = value != null ? value : currentValue;
        if (v != 0) {
            entry.put(key, v);
        }
    }
}
