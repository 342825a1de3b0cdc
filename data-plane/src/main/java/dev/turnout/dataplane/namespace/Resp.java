package dev.turnout.dataplane.namespace;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/** Walking complete RESP2/RESP3 values in a buffer, for {@link ReplyShape}: no copies, no decoding into objects. */
final class Resp {

    private Resp() {
    }

    /** The index of the CR that ends the header line of the value at {@code index}. */
    static int lineEnd(ByteBuf in, int index) {
        int cr = in.indexOf(index + 1, in.writerIndex(), (byte) '\r');
        if (cr < 0) {
            throw new IllegalArgumentException("not a complete RESP value at " + index);
        }
        return cr;
    }

    /** The number in the header line {@code (index, lineEnd)}: a length or a count; -1 for a null. */
    static long number(ByteBuf in, int index, int lineEnd) {
        long value = 0;
        boolean negative = false;
        for (int i = index + 1; i < lineEnd; i++) {
            byte b = in.getByte(i);
            if (b == '-') {
                negative = true;
            } else if (b >= '0' && b <= '9') {
                value = value * 10 + (b - '0');
            } else {
                return -1;
            }
        }
        return negative ? -value : value;
    }

    /** The index just after the complete value at {@code index}. */
    static int end(ByteBuf in, int index) {
        byte type = in.getByte(index);
        int lineEnd = lineEnd(in, index);
        int after = lineEnd + 2;
        switch (type) {
            case '$', '!', '=' -> {
                long length = number(in, index, lineEnd);
                return length < 0 ? after : after + (int) length + 2;
            }
            case '*', '~', '>', '%', '|' -> {
                long count = number(in, index, lineEnd);
                long elements = type == '%' || type == '|' ? count * 2 : count;
                int next = after;
                for (long i = 0; i < elements; i++) {
                    next = end(in, next);
                }
                return type == '|' ? end(in, next) : next;
            }
            default -> {
                return after;
            }
        }
    }

    /**
     * Copies the aggregate at {@code index} with element {@code i} in the shape {@code shapeOf(i)} (a map's entries
     * counted one by one: key 0, value 1, key 2, ...); a value that is not an aggregate, or a null one, is copied as
     * it is. An attribute before the value is copied as it is.
     */
    static int aggregate(ByteBuf in, int index, ByteBuf out, Namespace ns, IntFunction<ReplyShape> shapeOf) {
        byte type = in.getByte(index);
        if (type == '|') {
            int attributeEnd = attributeEnd(in, index);
            out.writeBytes(in, index, attributeEnd - index);
            return aggregate(in, attributeEnd, out, ns, shapeOf);
        }
        if (type != '*' && type != '~' && type != '>' && type != '%') {
            return ReplyShape.KEEP.copy(in, index, out, ns);
        }
        int lineEnd = lineEnd(in, index);
        long count = number(in, index, lineEnd);
        int next = lineEnd + 2;
        out.writeBytes(in, index, next - index);
        long elements = type == '%' ? count * 2 : count;
        for (int i = 0; i < elements; i++) {
            next = shapeOf.apply(i).copy(in, next, out, ns);
        }
        return next;
    }

    private static int attributeEnd(ByteBuf in, int index) {
        int lineEnd = lineEnd(in, index);
        long pairs = number(in, index, lineEnd);
        int next = lineEnd + 2;
        for (long i = 0; i < pairs * 2; i++) {
            next = end(in, next);
        }
        return next;
    }

    /** The first element of the aggregate at {@code index} when it is a short string, lower-cased; else null. */
    static String firstElement(ByteBuf in, int index) {
        byte type = in.getByte(index);
        if (type != '*' && type != '>') {
            return null;
        }
        int lineEnd = lineEnd(in, index);
        if (number(in, index, lineEnd) < 1) {
            return null;
        }
        int element = lineEnd + 2;
        byte elementType = in.getByte(element);
        int elementLineEnd = lineEnd(in, element);
        if (elementType == '+') {
            return in.toString(element + 1, elementLineEnd - element - 1, StandardCharsets.US_ASCII);
        }
        if (elementType != '$') {
            return null;
        }
        long length = number(in, element, elementLineEnd);
        if (length < 0 || length > 32) {
            return null;
        }
        return in.toString(elementLineEnd + 2, (int) length, StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT);
    }
}
