package dev.turnout.dataplane.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * One pooled direct buffer per event loop into which the loop's sessions write their namespaced runs, one after
 * another: a run goes upstream as a slice of it, so a run costs no allocation of its own (at one command per read,
 * as without pipelining, an allocation per run was most of what a namespace added), and an idle session holds no
 * buffer. When the buffer cannot take a command it is left to the slices still being written and a new one is taken.
 *
 * <p>Used from its event loop only. The arena keeps one reference to its current buffer; each {@link #reserve} hands
 * the caller one more, which the caller gives up by releasing the buffer or a slice made without retaining it.
 */
final class RunArena {

    /** The size of each buffer: many runs fit, and it stays in the allocator's normal (pooled) sizes. */
    static final int CHUNK = 64 * 1024;

    private static final FastThreadLocal<RunArena> BY_THREAD = new FastThreadLocal<>() {
        @Override
        protected RunArena initialValue() {
            return new RunArena();
        }

        @Override
        protected void onRemoval(RunArena arena) {
            arena.close();
        }
    };

    private ByteBuf current;

    private RunArena() {
    }

    /** The current thread's (event loop's) arena. */
    static RunArena get() {
        return BY_THREAD.get();
    }

    /**
     * A buffer with at least {@code bytes} writable without growing, at whose writer index the caller writes: a
     * reference the caller owns. A command larger than {@link #CHUNK} gets a buffer of its own.
     */
    ByteBuf reserve(ByteBufAllocator alloc, int bytes) {
        if (bytes > CHUNK) {
            return alloc.ioBuffer(bytes, bytes);
        }
        if (current == null || current.writableBytes() < bytes) {
            close();
            current = alloc.ioBuffer(CHUNK, CHUNK);
        }
        return current.retain();
    }

    private void close() {
        if (current != null) {
            current.release();
            current = null;
        }
    }
}
