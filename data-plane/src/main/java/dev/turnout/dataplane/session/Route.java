package dev.turnout.dataplane.session;

/** Where a command must run. */
enum Route {
    /** The proxy answers it itself. */
    LOCAL,
    /** Wherever the session's commands go now: its dedicated connection if pinned, else the shared one. */
    ANY,
    /** A connection of the session's own: the command starts (or continues) state a shared connection cannot carry. */
    DEDICATED
}
