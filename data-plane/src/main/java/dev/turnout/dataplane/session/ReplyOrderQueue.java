package dev.turnout.dataplane.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * Sends replies to the client in request order, whatever produced them: the upstream (a run of
 * {@code n} replies still to come) or the proxy itself (a reply built locally). A local reply that follows
 * a run still in flight waits here; everything else is written at once. Confined to the session's event
 * loop. Written data is flushed by the owner, once per batch.
 */
final class ReplyOrderQueue {

    private final Channel channel;
    /** Ring of items: {@code remaining[i] > 0} for an upstream run, else {@code local[i]} holds a reply. */
    private int[] remaining = new int[8];
    private ByteBuf[] local = new ByteBuf[8];
    private int head;
    private int size;
    private boolean wrote;

    ReplyOrderQueue(Channel channel) {
        this.channel = channel;
    }

    /**
     * {@code count} replies will come from the upstream for the commands just sent together: one run per
     * upstream in-flight entry, so the replies of one entry always land on one run.
     */
    void expectRemote(int count) {
        if (count > 0) {
            push(count, null);
        }
    }

    /** A reply the proxy built; ownership passes to the queue. */
    void local(ByteBuf reply) {
        if (size == 0) {
            write(reply);
        } else {
            push(0, reply);
        }
    }

    /** {@code count} upstream replies for the oldest run; ownership of {@code replies} passes to the queue. */
    void remote(ByteBuf replies, int count) {
        if (size == 0 || local[head] != null) {
            replies.release();
            throw new IllegalStateException("upstream replies arrived but no command is waiting for them");
        }
        write(replies);
        remaining[head] -= count;
        if (remaining[head] <= 0) {
            pop();
            drainLocals();
        }
    }

    /** An unsolicited frame (pub/sub message, MONITOR line): it goes out at once. */
    void push(ByteBuf frame) {
        write(frame);
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Whether anything was written since the last call (and so needs a flush). */
    boolean takeWrote() {
        boolean w = wrote;
        wrote = false;
        return w;
    }

    /** Drops everything still queued (the client has gone). */
    void discard() {
        while (size > 0) {
            ByteBuf b = local[head];
            if (b != null) {
                b.release();
            }
            pop();
        }
    }

    private void drainLocals() {
        while (size > 0 && local[head] != null) {
            ByteBuf b = local[head];
            pop();
            write(b);
        }
    }

    private void write(ByteBuf buf) {
        if (channel.isActive()) {
            channel.write(buf, channel.voidPromise());
            wrote = true;
        } else {
            buf.release();
        }
    }

    private void push(int count, ByteBuf buf) {
        if (size == remaining.length) {
            grow();
        }
        int tail = (head + size) & (remaining.length - 1);
        remaining[tail] = count;
        local[tail] = buf;
        size++;
    }

    private void pop() {
        local[head] = null;
        remaining[head] = 0;
        head = (head + 1) & (remaining.length - 1);
        size--;
    }

    private void grow() {
        int n = remaining.length;
        int[] r = new int[n * 2];
        ByteBuf[] l = new ByteBuf[n * 2];
        for (int i = 0; i < size; i++) {
            r[i] = remaining[(head + i) & (n - 1)];
            l[i] = local[(head + i) & (n - 1)];
        }
        remaining = r;
        local = l;
        head = 0;
    }
}
