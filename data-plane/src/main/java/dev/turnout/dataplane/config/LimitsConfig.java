package dev.turnout.dataplane.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits that protect the proxy from its clients. Defaults are Redis's own where Redis has one.
 *
 * @param maxClients          connections beyond this are refused with {@code -ERR max number of clients reached}
 * @param idleTimeout         close a client idle this long ({@link Duration#ZERO}: never, Redis's default)
 * @param maxBulkLength       longest bulk string a client may send (Redis's proto-max-bulk-len)
 * @param maxMultibulkLength  most arguments in one command
 * @param maxInlineLength     longest inline command line (Redis's PROTO_INLINE_MAX_SIZE)
 * @param maxInflightPerClient commands one client may have waiting for replies before the proxy stops
 *                            reading from it (backpressure; the client is not disconnected)
 */
public record LimitsConfig(int maxClients, Duration idleTimeout, long maxBulkLength, int maxMultibulkLength,
                           int maxInlineLength, int maxInflightPerClient) {

    public static final LimitsConfig DEFAULTS =
            new LimitsConfig(10_000, Duration.ZERO, 512L * 1024 * 1024, Integer.MAX_VALUE, 64 * 1024, 16_384);

    /** The longest bulk the proxy can frame: one {@code ByteBuf}. */
    public static final long MAX_BULK_LENGTH = Integer.MAX_VALUE;

    public LimitsConfig {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        positive("max-clients", maxClients);
        positive("max-bulk-length", maxBulkLength);
        if (maxBulkLength > MAX_BULK_LENGTH) {
            throw new IllegalArgumentException("max-bulk-length: " + maxBulkLength + " (expected: <= " + MAX_BULK_LENGTH + ")");
        }
        positive("max-multibulk-length", maxMultibulkLength);
        positive("max-inline-length", maxInlineLength);
        positive("max-inflight-per-client", maxInflightPerClient);
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idle-timeout: " + idleTimeout + " (expected: >= 0, 0 means never)");
        }
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
        }
    }
}
