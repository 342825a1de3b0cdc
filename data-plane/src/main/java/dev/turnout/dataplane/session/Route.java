package dev.turnout.dataplane.session;

/** Where a command must run. */
enum Route {
    /** The proxy answers it itself. */
    LOCAL,
    /**
     * The proxy answers it itself, but only once every reply in flight has arrived, because it gives up the
     * connection those replies come from (RESET out of MONITOR).
     */
    LOCAL_AFTER_REPLIES,
    /** Wherever the session's commands go now: its dedicated connection if pinned, else the shared one. */
    ANY,
    /** A connection of the session's own: the command starts (or continues) state a shared connection cannot carry. */
    DEDICATED,
    /**
     * The route's shared connection authenticated with the route's own credentials, whatever the session's user:
     * KEYS, SCAN and PUBSUB of a tenant whose own ACL user may not list names (see {@link ListingHandler}).
     */
    ROUTE_CREDENTIALS,
    /**
     * Run by the proxy over the namespace's keys once every reply in flight has arrived (see
     * {@link KeyspaceWalkHandler}); held by a pause like anything bound upstream.
     */
    KEYSPACE_WALK
}
