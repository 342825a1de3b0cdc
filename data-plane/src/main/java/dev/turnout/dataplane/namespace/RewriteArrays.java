package dev.turnout.dataplane.namespace;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * Heap arrays, one pair per thread (an event loop's), in which {@link ArgumentPlan#write} assembles a small rewritten
 * command: a ByteBuf write or read costs its checks of liveness and bounds whatever its size, so copying the
 * client's command into {@link #in} at once, cutting it into {@link #out} with plain array copies and writing that
 * at once takes two such calls instead of two per renamed argument. Per thread rather than per session, so that
 * idle connections hold none.
 */
final class RewriteArrays {

    /** The largest command assembled here; a longer one spends its time copying bytes, not in per-call checks. */
    static final int MAX_COMMAND = 4096;

    private static final FastThreadLocal<RewriteArrays> BY_THREAD = new FastThreadLocal<>() {
        @Override
        protected RewriteArrays initialValue() {
            return new RewriteArrays();
        }
    };

    /** The client's command, as it came. */
    final byte[] in = new byte[MAX_COMMAND];
    /** The command as it goes upstream: longer by the prefixes and the digits they add to lengths. */
    final byte[] out = new byte[2 * MAX_COMMAND];

    private RewriteArrays() {
    }

    /** The current thread's arrays. */
    static RewriteArrays get() {
        return BY_THREAD.get();
    }
}
