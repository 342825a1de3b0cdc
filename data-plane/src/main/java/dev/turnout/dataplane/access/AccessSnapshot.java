package dev.turnout.dataplane.access;

import java.util.Map;
import java.util.Optional;

/**
 * Every configured user's {@link UserAccess} for one configuration version. Immutable: a new configuration gives
 * a new snapshot ({@link UserAccessRegistry#update}), so a session reads one consistent view per command.
 */
public final class AccessSnapshot {

    /** No users: before the first configuration, or a data plane whose clients need no AUTH. */
    public static final AccessSnapshot EMPTY = new AccessSnapshot(-1, Map.of());

    private final long configVersion;
    private final Map<String, UserAccess> users;

    AccessSnapshot(long configVersion, Map<String, UserAccess> users) {
        this.configVersion = configVersion;
        this.users = Map.copyOf(users);
    }

    /** The user called {@code name}; empty if the configuration has no such user (any more). */
    public Optional<UserAccess> user(String name) {
        return Optional.ofNullable(users.get(name));
    }

    /** Every user by name. */
    public Map<String, UserAccess> users() {
        return users;
    }

    /** The {@code ProxyConfig.version()} this snapshot was built from; -1 for {@link #EMPTY}. */
    public long configVersion() {
        return configVersion;
    }

    @Override
    public String toString() {
        return "AccessSnapshot[version " + configVersion + ", users " + users.keySet() + "]";
    }
}
