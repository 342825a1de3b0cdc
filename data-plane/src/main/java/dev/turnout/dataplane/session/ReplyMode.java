package dev.turnout.dataplane.session;

/** {@code CLIENT REPLY}: whether the client wants replies. */
enum ReplyMode {
    ON,
    OFF,
    /** Skip the reply of the next command only. */
    SKIP_NEXT
}
