package dev.turnout.dataplane.access;

import dev.turnout.dataplane.command.CommandTable;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.UserConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Builds an {@link AccessSnapshot} for each configuration while keeping each user's rate-limiter bucket and
 * connection count from one configuration to the next: a user kept by name keeps what it has spent and the
 * connections it has open, with its new rules and limits; a new user starts afresh; a removed user is gone from the
 * new snapshot (its connections, which the session closes, may still release their count harmlessly).
 *
 * <p>One per data plane, fed from {@code ConfigHolder}: {@code registry.update(config, table)} on each swap, then
 * {@link #current()} from any thread. Updates are serialized; the snapshot is published through a volatile field,
 * so a reader sees either the old snapshot or the complete new one.
 */
public final class UserAccessRegistry {

    private final LongSupplier nanoClock;
    private volatile AccessSnapshot current = AccessSnapshot.EMPTY;

    /** A registry whose rate limiters run on {@link System#nanoTime()}. */
    public UserAccessRegistry() {
        this(System::nanoTime);
    }

    /** @param nanoClock the rate limiters' monotonic clock in nanoseconds (a fake one in tests) */
    public UserAccessRegistry(LongSupplier nanoClock) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * Builds and publishes the snapshot for {@code config}. All or nothing: if a user's rules do not compile, the
     * current snapshot stays. A configuration read by {@code ConfigDocumentReader} was checked already.
     *
     * @param table the command table the rules are compiled against (the one the sessions look commands up in)
     * @throws IllegalArgumentException if a user's commands are not valid rules; the message names the user
     */
    public synchronized AccessSnapshot update(ProxyConfig config, CommandTable table) {
        Map<String, UserAccess> previous = current.users();
        Map<String, UserAccess> users = new HashMap<>();
        for (UserConfig user : config.users().values()) {
            CommandRules commands;
            try {
                commands = CommandRules.parse(user.commands(), table);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("user '" + user.name() + "', commands: " + e.getMessage(), e);
            }
            UserAccess before = previous.get(user.name());
            RateLimiter rateLimiter = before == null
                    ? RateLimiter.create(user.name(), user.rateLimit(), nanoClock)
                    : before.rateLimiter().withLimit(user.rateLimit());
            ConnectionQuota connections = before == null
                    ? ConnectionQuota.create(user.name(), user.maxConnections())
                    : before.connections().withLimit(user.maxConnections());
            users.put(user.name(), new UserAccess(user.name(), commands, rateLimiter, connections));
        }
        AccessSnapshot next = new AccessSnapshot(config.version(), users);
        current = next;
        return next;
    }

    /** The snapshot of the last {@link #update}; {@link AccessSnapshot#EMPTY} before the first. */
    public AccessSnapshot current() {
        return current;
    }
}
