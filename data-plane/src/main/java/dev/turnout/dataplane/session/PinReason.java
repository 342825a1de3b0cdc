package dev.turnout.dataplane.session;

/**
 * Why a session keeps its dedicated upstream connection: each is state that lives in that connection.
 * Bits of an int, since a session may have several at once.
 */
final class PinReason {

    static final int TRANSACTION = 1;
    static final int WATCH = 1 << 1;
    static final int SUBSCRIBED = 1 << 2;
    static final int MONITOR = 1 << 3;
    static final int TRACKING = 1 << 4;
    static final int REPLY_MODE = 1 << 5;
    /** A SELECT ran inside MULTI: only the dedicated connection knows which db the client is in. */
    static final int DB_UNKNOWN = 1 << 6;

    private PinReason() {
    }
}
