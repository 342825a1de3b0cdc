package dev.turnout.dataplane.resp;

/**
 * Size limits applied while framing client commands, named after the Redis settings they mirror.
 *
 * @param maxBulkLength longest bulk string in a command, Redis's {@code proto-max-bulk-len}
 *     (default 512 MiB); at most {@link Integer#MAX_VALUE}, the largest {@code ByteBuf}
 * @param maxMultibulkLength most arguments in one command (default {@link Integer#MAX_VALUE}, Redis's
 *     {@code INT_MAX})
 * @param maxInlineLength longest inline command line, and longest {@code *<count>} or {@code $<length>}
 *     header line, Redis's {@code PROTO_INLINE_MAX_SIZE} (default 64 KiB)
 */
public record ProtocolLimits(long maxBulkLength, int maxMultibulkLength, int maxInlineLength) {

    /** Redis's {@code proto-max-bulk-len} default. */
    public static final long DEFAULT_MAX_BULK_LENGTH = 512L * 1024 * 1024;
    /** Redis accepts any multibulk count up to {@code INT_MAX}. */
    public static final int DEFAULT_MAX_MULTIBULK_LENGTH = Integer.MAX_VALUE;
    /** Redis's {@code PROTO_INLINE_MAX_SIZE}. */
    public static final int DEFAULT_MAX_INLINE_LENGTH = 64 * 1024;

    /** The limits Redis applies by default. */
    public static final ProtocolLimits DEFAULTS = new ProtocolLimits(
            DEFAULT_MAX_BULK_LENGTH, DEFAULT_MAX_MULTIBULK_LENGTH, DEFAULT_MAX_INLINE_LENGTH);

    public ProtocolLimits {
        if (maxBulkLength < 1 || maxBulkLength > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "maxBulkLength: " + maxBulkLength + " (expected: 1-" + Integer.MAX_VALUE + ")");
        }
        if (maxMultibulkLength < 1) {
            throw new IllegalArgumentException("maxMultibulkLength: " + maxMultibulkLength + " (expected: > 0)");
        }
        if (maxInlineLength < 1) {
            throw new IllegalArgumentException("maxInlineLength: " + maxInlineLength + " (expected: > 0)");
        }
    }
}
