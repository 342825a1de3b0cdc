package dev.turnout.dataplane.session;

import dev.turnout.dataplane.config.UserConfig;

/**
 * What a client set on its connection that the proxy keeps itself, because the upstream connection is
 * shared: selected db, protocol, name, library info, reply mode. Replayed on a new upstream after a switch.
 */
final class ClientState {

    final long id;
    int db;
    int protocol = 2;
    String name;
    String libName;
    String libVersion;
    ReplyMode replyMode = ReplyMode.ON;
    /** Whether the client may run commands: true from the start when no users are configured. */
    boolean authenticated;
    /** The user it authenticated as, or null. */
    UserConfig user;
    /** The CLIENT TRACKING ON command the client sent (its arguments), replayed on a new upstream. */
    byte[][] trackingCommand;

    ClientState(long id) {
        this.id = id;
    }

    /** RESET: back to a fresh connection's state. */
    void reset() {
        db = 0;
        protocol = 2;
        name = null;
        replyMode = ReplyMode.ON;
        trackingCommand = null;
    }
}
