package dev.turnout.dataplane.session;

import dev.turnout.dataplane.command.CommandTable;
import dev.turnout.dataplane.namespace.NamespaceRules;
import dev.turnout.dataplane.config.ConfigHolder;
import dev.turnout.dataplane.upstream.Upstreams;
import java.util.concurrent.atomic.AtomicLong;

/** What every session of one data plane shares: immutable, or safe to use from any event loop. */
public final class SessionContext {

    private final CommandTable commands;
    private final CommandPolicy policy;
    private final NamespaceRules namespaceRules;
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
