package dev.turnout.dataplane.session;

import dev.turnout.dataplane.access.AccessSnapshot;
import dev.turnout.dataplane.access.UserAccessRegistry;
import dev.turnout.dataplane.command.CommandTable;
import dev.turnout.dataplane.config.ConfigHolder;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.namespace.NamespaceRules;
import dev.turnout.dataplane.upstream.Upstreams;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every session of one data plane shares: immutable, or safe to use from any event loop. */
public final class SessionContext {

    private static final Logger log = LoggerFactory.getLogger(SessionContext.class);

    private final CommandTable commands;
    private final CommandPolicy policy;
    private final NamespaceRules namespaceRules;
    private final UserAccessRegistry accessRegistry = new UserAccessRegistry();
    private volatile AccessView accessView = new AccessView(null, AccessSnapshot.EMPTY);

    /** The users' access for one configuration. */
    private record AccessView(ProxyConfig config, AccessSnapshot snapshot) {
    }
    private final ConfigHolder config;
    private final Upstreams upstreams;
    private final Sessions sessions;
    private final AtomicLong nextClientId = new AtomicLong(1);
    private final AuthFailures authFailures = new AuthFailures();

    public SessionContext(CommandTable commands, ConfigHolder config, Upstreams upstreams, Sessions sessions) {
        this.commands = commands;
        this.policy = new CommandPolicy(commands);
        this.namespaceRules = new NamespaceRules(commands);
        this.config = config;
        this.upstreams = upstreams;
        this.sessions = sessions;
    }

    AuthFailures authFailures() {
        return authFailures;
    }

    public Sessions sessions() {
        return sessions;
    }


    CommandTable commands() {
        return commands;
    }

    /**
     * The users' command rules, rate limiters and connection quotas for the current configuration, built on first
     * use after a change; each user's limiter and connection count carry over from the previous configuration.
     */
    AccessSnapshot access() {
        ProxyConfig current = config.get();
        AccessView view = accessView;
        if (view.config() != current) {
            synchronized (this) {
                view = accessView;
                if (view.config() != current) {
                    view = new AccessView(current, buildAccess(current, view.snapshot()));
                    accessView = view;
                }
            }
        }
        return view.snapshot();
    }

    private AccessSnapshot buildAccess(ProxyConfig current, AccessSnapshot previous) {
        try {
            return accessRegistry.update(current, commands);
        } catch (IllegalArgumentException e) {
            // Configuration files are checked when read; this is a snapshot from elsewhere that slipped through.
            log.error("Configuration version {}: {}; keeping the previous users' rules", current.version(), e.getMessage());
            return previous;
        }
    }

    NamespaceRules namespaceRules() {
        return namespaceRules;
    }

    CommandPolicy policy() {
        return policy;
    }

    ConfigHolder config() {
        return config;
    }

    public Upstreams upstreams() {
        return upstreams;
    }

    long nextClientId() {
        return nextClientId.getAndIncrement();
    }

    /** The Redis version the proxy reports (HELLO): the upstream's once known, else the command table's. */
    String serverVersion() {
        String v = upstreams.serverVersion();
        return v != null ? v : commands.redisVersion();
    }
}
