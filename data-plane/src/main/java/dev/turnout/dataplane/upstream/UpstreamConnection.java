package dev.turnout.dataplane.upstream;

import dev.turnout.dataplane.io.InboundBuffer;
import dev.turnout.dataplane.resp.ReplyFramer;
import dev.turnout.dataplane.resp.RespProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to an upstream Redis, confined to one event loop. Commands are written in order and
 * their replies matched in order against a FIFO of {@link InflightEntry}s, Lettuce's
 * {@code CommandHandler} way; replies are framed but not decoded, and each run of replies for one sink
 * leaves as one retained slice of the bytes read.
 *
 * <p>A shared connection carries commands of many sessions; a dedicated one has an owner
 * ({@link #owner()}) and may receive frames that answer no command (pub/sub messages, MONITOR lines,
 * tracking invalidations), which go to the owner.
 */
public final class UpstreamConnection {

    private static final Logger log = LoggerFactory.getLogger(UpstreamConnection.class);

    enum State { CONNECTING, HANDSHAKING, READY, CLOSED }

    final UpstreamEndpoint endpoint;
    private final EndpointPool pool;
    private final boolean dedicated;
    /** Whether a push reached this shared connection and was dropped (logged once). */
    private boolean pushDropped;
    private final ReplyFramer framer;
    private final InboundBuffer inbound = new InboundBuffer();
    private final ArrayDeque<InflightEntry> inflight = new ArrayDeque<>();
    /** Commands written before the connection was ready: ByteBuf then InflightEntry (or null), in order. */
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private final List<ReplySink> touched = new ArrayList<>();
    private final List<ReplySink> writabilityWaiters = new ArrayList<>();
    private Channel channel;
    private State state = State.CONNECTING;
    private ReplySink owner;
    private boolean wasReady;
    private boolean authenticationFailed;
    private String closeReason;
    private Throwable lastCause;
    private ScheduledFuture<?> handshakeTimeout;
    private long serverClientId = -1;
    boolean flushQueued;

    UpstreamConnection(EndpointPool pool, boolean dedicated, long maxBulkLength) {
        this.pool = pool;
        this.endpoint = pool.endpoint();
        this.dedicated = dedicated;
        this.framer = new ReplyFramer(maxBulkLength);
    }

    void attach(ChannelFuture connectFuture) {
        this.channel = connectFuture.channel();
        connectFuture.addListener(f -> {
            if (!f.isSuccess()) {
                close("cannot connect: " + describe(f.cause()));
            }
        });
        channel.closeFuture().addListener(f -> close(closeReason != null ? closeReason
                : lastCause != null ? "connection lost: " + describe(lastCause) : "connection closed by the upstream"));
    }

    // ---------------------------------------------------------------- sending

    /**
     * Sends {@code data} (ownership passes to the connection) from {@code sink}, expecting {@code replies}
     * replies. If the connection has failed, the sink hears {@link ReplySink#onRepliesLost} at once.
     */
    public void send(ByteBuf data, ReplySink sink, int replies) {
        InflightEntry entry = replies > 0 ? new InflightEntry(sink, replies) : null;
        switch (state) {
            case READY -> {
                if (entry != null) {
                    inflight.add(entry);
                }
                channel.write(data, channel.voidPromise());
                pool.loop().flusher().schedule(this);
            }
            case CONNECTING, HANDSHAKING -> {
                pending.add(data);
                pending.add(entry == null ? NO_REPLY : entry);
            }
            case CLOSED -> {
                data.release();
                if (entry != null) {
                    failEntry(entry);
                }
            }
        }
    }

    private static final Object NO_REPLY = new Object();

    void flushNow() {
        if (state != State.CLOSED) {
            channel.flush();
        }
    }

    /** Whether the socket can take more bytes now; if not, {@code sink} hears when it can. */
    public boolean isWritableOrWait(ReplySink sink) {
        if (state != State.READY || channel.isWritable()) {
            return true;
        }
        if (!writabilityWaiters.contains(sink)) {
            writabilityWaiters.add(sink);
        }
        return false;
    }

    // ---------------------------------------------------------------- lifecycle

    void onConnected() {
        state = State.HANDSHAKING;
        Handshake handshake = new Handshake(this);
        ByteBuf commands = handshake.commands(channel.alloc());
        inflight.add(new InflightEntry(handshake, handshake.replies()));
        channel.writeAndFlush(commands, channel.voidPromise());
        // A server that accepts the connection but never answers (frozen, overloaded, not Redis) must not
        // hold the commands waiting here forever: the handshake is part of connecting, and shares its timeout.
        long millis = endpoint.connectTimeout().toMillis();
        handshakeTimeout = channel.eventLoop().schedule(() -> {
            if (state == State.HANDSHAKING) {
                close("did not answer the handshake (HELLO) within " + millis + " ms");
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    void handshakeSucceeded() {
        handshakeTimeout.cancel(false);
        state = State.READY;
        wasReady = true;
        while (!pending.isEmpty()) {
            ByteBuf data = (ByteBuf) pending.poll();
            Object entry = pending.poll();
            if (entry != NO_REPLY) {
                inflight.add((InflightEntry) entry);
            }
            channel.write(data, channel.voidPromise());
        }
        channel.flush();
        pool.onConnectionReady(this);
    }

    void handshakeFailed(boolean authentication, String reason) {
        authenticationFailed = authentication;
        close(authentication ? "upstream authentication failed: " + reason : reason);
    }

    void learnServer(Map<?, ?> helloReply) {
        if (helloReply.get("id") instanceof Long id) {
            serverClientId = id;
        }
        if (helloReply.get("version") instanceof String version) {
            pool.loop().upstreams().learnServerVersion(version);
        }
    }

    /** Closes the connection; every command waiting on it hears why. Idempotent. */
    public void close(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        closeReason = reason;
        if (handshakeTimeout != null) {
            handshakeTimeout.cancel(false);
        }
        if (channel != null && channel.isOpen()) {
            channel.close();
        }
        inbound.release();
        while (!pending.isEmpty()) {
            ((ByteBuf) pending.poll()).release();
            Object entry = pending.poll();
            if (entry != NO_REPLY) {
                InflightEntry failed = (InflightEntry) entry;
                failEntry(failed);
                markTouched(failed.sink);
            }
        }
        while (!inflight.isEmpty()) {
            InflightEntry failed = inflight.poll();
            failEntry(failed);
            markTouched(failed.sink);
        }
        writabilityWaiters.clear();
        ReplySink lastOwner = owner;
        owner = null;
        pool.onConnectionClosed(this, reason, wasReady, authenticationFailed);
        if (lastOwner != null) {
            lastOwner.onDedicatedConnectionClosed(this, reason);
        }
        // No read of ours will complete to flush the errors just written: flush them now, or clients
        // would wait for replies that sit in their channel's outbound buffer.
        flushTouched();
    }

    private void failEntry(InflightEntry entry) {
        if (authenticationFailed) {
            entry.sink.onAuthenticationFailed(entry.remaining);
        } else {
            entry.sink.onRepliesLost(entry.remaining, "upstream " + endpoint.address() + " " + closeReason
                    + (wasReady ? "; the command may or may not have run" : ""));
        }
    }

    // ---------------------------------------------------------------- reading

    void onRead(ByteBuf in) {
        if (state == State.CLOSED) {
            in.release();
            return;
        }
        ByteBuf buf = inbound.append(in, channel.alloc());
        InflightEntry runEntry = null;
        int runStart = 0;
        int runCount = 0;
        while (state != State.CLOSED) {
            int length;
            try {
                length = framer.frame(buf);
            } catch (RespProtocolException e) {
                log.error("Upstream {} sent bytes that are not RESP ({}); closing the connection", endpoint.address(),
                        e.getMessage());
                emit(runEntry, buf, runStart, runCount);
                close("sent bytes that are not RESP: " + e.getMessage());
                return;
            }
            if (length < 0) {
                break;
            }
            int start = buf.readerIndex();
            boolean ownersPush = dedicated && owner != null
                    && owner.isUnsolicited(buf, start, length, framer.lastType());
            // A push on a connection the proxy shares answers no command, and belongs to no one client: only a
            // client's CLIENT TRACKING ... REDIRECT <this connection's id> sends one here. Counted as a reply, it
            // would shift every reply after it onto the wrong command, so it is dropped.
            boolean strayPush = !dedicated && framer.lastType() == '>';
            if (ownersPush || strayPush) {
                emit(runEntry, buf, runStart, runCount);
                runEntry = null;
                runCount = 0;
                buf.skipBytes(length);
                if (ownersPush) {
                    markTouched(owner);
                    owner.onPush(buf.retainedSlice(start, length));
                } else if (!pushDropped) {
                    pushDropped = true;
                    log.warn("Upstream {} sent a push to a shared connection (a client's CLIENT TRACKING REDIRECT to"
                            + " it?); dropping it and any that follow", endpoint.address());
                }
                continue;
            }
            InflightEntry head = inflight.peek();
            if (head == null) {
                log.error("Upstream {} sent a reply nobody asked for; closing the connection to resynchronise",
                        endpoint.address());
                emit(runEntry, buf, runStart, runCount);
                close("sent a reply nobody asked for");
                return;
            }
            if (head != runEntry) {
                emit(runEntry, buf, runStart, runCount);
                runEntry = head;
                runStart = start;
                runCount = 0;
            }
            buf.skipBytes(length);
            runCount++;
            if (--head.remaining == 0) {
                inflight.poll();
                emit(runEntry, buf, runStart, runCount);
                runEntry = null;
                runCount = 0;
            }
        }
        if (state != State.CLOSED) {
            emit(runEntry, buf, runStart, runCount);
            inbound.compact();
        }
    }

    private void emit(InflightEntry entry, ByteBuf buf, int start, int count) {
        if (entry == null || count == 0) {
            return;
        }
        markTouched(entry.sink);
        entry.sink.onReplies(buf.retainedSlice(start, buf.readerIndex() - start), count);
    }

    private void markTouched(ReplySink sink) {
        if (touched.isEmpty() || touched.get(touched.size() - 1) != sink) {
            touched.add(sink);
        }
    }

    void onReadComplete() {
        flushTouched();
        if (inflight.isEmpty() && pending.isEmpty()) {
            pool.onIdle(this);
        }
    }

    private void flushTouched() {
        for (int i = 0; i < touched.size(); i++) {
            touched.get(i).flushReplies();
        }
        touched.clear();
    }

    void onWritable() {
        if (writabilityWaiters.isEmpty()) {
            return;
        }
        List<ReplySink> waiters = new ArrayList<>(writabilityWaiters);
        writabilityWaiters.clear();
        for (ReplySink sink : waiters) {
            sink.onUpstreamWritable();
        }
    }

    void recordCause(Throwable cause) {
        lastCause = cause;
    }

    // ---------------------------------------------------------------- accessors

    public boolean isClosed() {
        return state == State.CLOSED;
    }

    public boolean isReady() {
        return state == State.READY;
    }

    public boolean isIdle() {
        return inflight.isEmpty() && pending.isEmpty();
    }

    public UpstreamEndpoint endpoint() {
        return endpoint;
    }

    /** The id Redis gave this connection (from HELLO), or -1 before the handshake. */
    public long serverClientId() {
        return serverClientId;
    }

    public ReplySink owner() {
        return owner;
    }

    void owner(ReplySink newOwner) {
        this.owner = newOwner;
    }

    public boolean isDedicated() {
        return dedicated;
    }

    static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message == null || message.isBlank()) {
            return root.getClass().getSimpleName();
        }
        // Netty's "Connection refused: /127.0.0.1:6379" already names the address we print ourselves.
        int slash = message.indexOf(": /");
        return slash > 0 ? message.substring(0, slash) : message;
    }

    @Override
    public String toString() {
        return (dedicated ? "dedicated" : "shared") + " upstream connection to " + endpoint + " (" + state + ")";
    }
}
