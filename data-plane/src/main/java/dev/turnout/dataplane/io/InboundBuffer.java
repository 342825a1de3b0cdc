package dev.turnout.dataplane.io;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Accumulates bytes read from a socket until whole frames can be taken from them, the way Netty's
 * {@code ByteToMessageDecoder} cumulates, but without emitting messages: callers take retained slices of
 * whole frames and forward them. When nothing is left over the buffer is released, so an idle connection
 * holds no memory; when a partial frame is left over and slices of the buffer are still out, the rest is
 * copied into a buffer of its own before more bytes are appended.
 */
public final class InboundBuffer {

    private ByteBuf buf;

    /** Appends {@code in} (taking ownership) and returns the buffer to parse from. */
    public ByteBuf append(ByteBuf in, ByteBufAllocator alloc) {
        if (buf == null) {
            buf = in;
            return buf;
        }
        if (!in.isReadable()) {
            in.release();
            return buf;
        }
        int needed = buf.readableBytes() + in.readableBytes();
        if (buf.refCnt() > 1 || buf.isReadOnly() || buf.maxCapacity() < needed) {
            ByteBuf merged = alloc.ioBuffer(Math.max(needed, Math.min(needed * 2, needed + 64 * 1024)));
            merged.writeBytes(buf, buf.readerIndex(), buf.readableBytes());
            buf.release();
            buf = merged;
        } else if (buf.writableBytes() < in.readableBytes()) {
            buf.discardSomeReadBytes();
        }
        buf.writeBytes(in);
        in.release();
        return buf;
    }

    /** Call after taking frames: frees the buffer when it is empty. */
    public void compact() {
        if (buf != null && !buf.isReadable()) {
            buf.release();
            buf = null;
        }
    }

    public int readableBytes() {
        return buf == null ? 0 : buf.readableBytes();
    }

    /** Releases whatever is held; safe to call twice. */
    public void release() {
        if (buf != null) {
            buf.release();
            buf = null;
        }
    }
}
