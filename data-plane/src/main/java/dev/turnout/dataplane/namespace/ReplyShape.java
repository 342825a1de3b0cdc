package dev.turnout.dataplane.namespace;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import dev.turnout.dataplane.resp.RespWriter;
import java.util.Arrays;

/**
 * Where a reply carries key or channel names, and so where the namespace's prefix comes off again: the elements of
 * a KEYS reply, the second element of a SCAN reply, the first of a BLPOP reply, and so on. A shape copies one
 * complete RESP value from a buffer to another, taking the prefix off the bulk strings it names and copying
 * everything else byte for byte (errors, nulls and unexpected types included). Shapes are immutable.
 */
@FunctionalInterface
public interface ReplyShape {

    /**
     * Copies the value at absolute {@code index} of {@code in} to {@code out}, names stripped of {@code namespace}'s
     * prefix, and returns the index just after the value.
     */
    int copy(ByteBuf in, int index, ByteBuf out, Namespace namespace);

    /** {@code count} complete replies in {@code replies} (released), copied with this shape into a new buffer. */
    default ByteBuf rewrite(ByteBuf replies, int count, Namespace namespace, ByteBufAllocator alloc) {
        try {
            ByteBuf out = alloc.buffer(replies.readableBytes());
            int index = replies.readerIndex();
            for (int i = 0; i < count; i++) {
                index = copy(replies, index, out, namespace);
            }
            return out;
        } finally {
            replies.release();
        }
    }

    /** Anything, copied as it is. */
    ReplyShape KEEP = (in, index, out, ns) -> {
        int end = Resp.end(in, index);
        out.writeBytes(in, index, end - index);
        return end;
    };

    /** A key or channel name: a bulk string that loses the prefix (anything else is copied as it is). */
    ReplyShape NAME = (in, index, out, ns) -> {
        int lineEnd = Resp.lineEnd(in, index);
        long length = Resp.number(in, index, lineEnd);
        int dataStart = lineEnd + 2;
        if (in.getByte(index) == '$' && length >= ns.length() && ns.isPrefixOf(in, dataStart, (int) length)) {
            int kept = (int) length - ns.length();
            RespWriter.bulkHeader(out, kept);
            out.writeBytes(in, dataStart + ns.length(), kept + 2);
            return dataStart + (int) length + 2;
        }
        return KEEP.copy(in, index, out, ns);
    };

    /** An aggregate whose every element has {@code element}'s shape (a map's keys and values alike). */
    static ReplyShape eachElement(ReplyShape element) {
        return (in, index, out, ns) -> Resp.aggregate(in, index, out, ns, i -> element);
    }

    /** An aggregate whose element {@code i} has {@code shapes[i]}; null shapes and elements past the last are kept. */
    static ReplyShape elements(ReplyShape... shapes) {
        ReplyShape[] copy = Arrays.copyOf(shapes, shapes.length);
        return (in, index, out, ns) -> Resp.aggregate(in, index, out, ns, i -> i < copy.length && copy[i] != null ? copy[i] : KEEP);
    }

    /** Pairs, as a RESP3 map or a flat array: keys have {@code key}'s shape, values {@code value}'s. */
    static ReplyShape pairs(ReplyShape key, ReplyShape value) {
        return (in, index, out, ns) -> Resp.aggregate(in, index, out, ns, i -> i % 2 == 0 ? key : value);
    }

    /** The reply of {@code [key, ...]}-returning commands (BLPOP, LMPOP, BZPOPMIN, ...): the first element is a key. */
    ReplyShape FIRST_NAME = elements(NAME);

    /** A list of names: KEYS, PUBSUB CHANNELS. */
    ReplyShape NAMES = eachElement(NAME);

    /** SCAN: {@code [cursor, [names]]}. */
    ReplyShape SCAN = elements(KEEP, NAMES);

    /** XREAD/XREADGROUP: a map of stream name to entries (RESP3), or an array of {@code [name, entries]} (RESP2). */
    ReplyShape STREAMS = (in, index, out, ns) -> in.getByte(index) == '%'
            ? pairs(NAME, KEEP).copy(in, index, out, ns)
            : eachElement(FIRST_NAME).copy(in, index, out, ns);

    /** PUBSUB NUMSUB/SHARDNUMSUB: channel and count pairs. */
    ReplyShape COUNTS_BY_NAME = pairs(NAME, KEEP);

    /**
     * A pub/sub frame, pushed or in reply to a (un)subscribe: {@code message}/{@code smessage} name their channel,
     * {@code pmessage} its pattern and channel, confirmations their channel or pattern, {@code invalidate} (client
     * tracking) its keys.
     */
    ReplyShape PUBSUB = (in, index, out, ns) -> {
        String kind = Resp.firstElement(in, index);
        if (kind == null) {
            return KEEP.copy(in, index, out, ns);
        }
        return switch (kind) {
            case "message", "smessage", "subscribe", "unsubscribe", "ssubscribe", "sunsubscribe", "psubscribe",
                    "punsubscribe" -> elements(KEEP, NAME).copy(in, index, out, ns);
            case "pmessage" -> elements(KEEP, NAME, NAME).copy(in, index, out, ns);
            case "invalidate" -> elements(KEEP, NAMES).copy(in, index, out, ns);
            default -> KEEP.copy(in, index, out, ns);
        };
    };
}
