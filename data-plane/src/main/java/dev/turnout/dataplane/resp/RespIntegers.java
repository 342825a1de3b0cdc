package dev.turnout.dataplane.resp;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Redis's integer syntax ({@code string2ll} in {@code util.c}), read from and written to buffers without
 * creating strings: an optional {@code '-'}, then decimal digits with no leading zero ({@code "0"} alone
 * is fine, {@code "-0"} is not), no {@code '+'}, no spaces, within 64 bits.
 */
final class RespIntegers {

    private static final byte[] LONG_MIN_VALUE = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);

    /** Longest valid text: {@code "-9223372036854775808"}. */
    private static final int MAX_LENGTH = LONG_MIN_VALUE.length;

    private RespIntegers() {
    }

    /**
     * Parses {@code length} bytes at absolute {@code index}.
     *
     * @throws NumberFormatException if they are not an integer in Redis's syntax
     */
    static long parse(ByteBuf buf, int index, int length) {
        if (length < 1 || length > MAX_LENGTH) {
            throw notAnInteger(buf, index, length);
        }
        int i = index;
        int end = index + length;
        boolean negative = buf.getByte(i) == '-';
        if (negative && ++i == end) {
            throw notAnInteger(buf, index, length);
        }
        byte first = buf.getByte(i);
        if (first == '0' && length == 1) {
            return 0;
        }
        if (first < '1' || first > '9') {
            throw notAnInteger(buf, index, length);
        }
        // Accumulate as a negative number so that Long.MIN_VALUE fits.
        long value = 0;
        for (; i < end; i++) {
            int digit = buf.getByte(i) - '0';
            if (digit < 0 || digit > 9 || value < Long.MIN_VALUE / 10) {
                throw notAnInteger(buf, index, length);
            }
            value *= 10;
            if (value < Long.MIN_VALUE + digit) {
                throw notAnInteger(buf, index, length);
            }
            value -= digit;
        }
        if (negative) {
            return value;
        }
        if (value == Long.MIN_VALUE) {
            throw notAnInteger(buf, index, length);
        }
        return -value;
    }

    /** Appends {@code value} in decimal. */
    static void write(ByteBuf out, long value) {
        if (value == Long.MIN_VALUE) {
            out.writeBytes(LONG_MIN_VALUE);
            return;
        }
        if (value < 0) {
            out.writeByte('-');
            value = -value;
        }
        int digits = digits(value);
        out.ensureWritable(digits);
        int start = out.writerIndex();
        for (int i = start + digits - 1; i >= start; i--) {
            out.setByte(i, '0' + (int) (value % 10));
            value /= 10;
        }
        out.writerIndex(start + digits);
    }

    /** How many bytes {@link #write} takes for {@code value}. */
    static int length(long value) {
        if (value == Long.MIN_VALUE) {
            return LONG_MIN_VALUE.length;
        }
        return value < 0 ? 1 + digits(-value) : digits(value);
    }

    private static int digits(long nonNegative) {
        int digits = 1;
        while (nonNegative >= 10) {
            nonNegative /= 10;
            digits++;
        }
        return digits;
    }

    private static NumberFormatException notAnInteger(ByteBuf buf, int index, int length) {
        int shown = Math.max(0, Math.min(length, 32));
        String text = buf.toString(index, shown, StandardCharsets.ISO_8859_1) + (shown < length ? "..." : "");
        return new NumberFormatException(
                "value: \"" + text + "\" (expected: a 64-bit integer, digits after an optional '-', no leading zero)");
    }
}
