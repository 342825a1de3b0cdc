package dev.turnout.dataplane.upstream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The upstream connections of one event loop, by endpoint. Sessions on this loop use only these, so
 * nothing here needs a lock: everything runs on {@link #eventLoop()}.
 */
public final class LoopUpstreams {

    private final EventLoop eventLoop;
    private final Class<? extends Channel> channelClass;
    private final Upstreams upstreams;
    private final FlushBatcher flusher;
    private final Map<UpstreamEndpoint, EndpointPool> pools = new HashMap<>();

    LoopUpstreams(EventLoop eventLoop, Class<? extends Channel> channelClass, Upstreams upstreams) {
        this.eventLoop = eventLoop;
        this.channelClass = channelClass;
        this.upstreams = upstreams;
        this.flusher = new FlushBatcher(eventLoop);
    }

    /** The pool for {@code endpoint}, created on first use. Call on {@link #eventLoop()} only. */
    public EndpointPool pool(UpstreamEndpoint endpoint) {
        EndpointPool pool = pools.get(endpoint);
        if (pool == null) {
            pool = new EndpointPool(endpoint, this);
            pools.put(endpoint, pool);
        }
        return pool;
    }

    /** Retires the pools whose endpoint {@code stillUsed} rejects. Call on {@link #eventLoop()} only. */
    void retireUnless(Predicate<UpstreamEndpoint> stillUsed) {
        for (Iterator<EndpointPool> it = pools.values().iterator(); it.hasNext(); ) {
            EndpointPool pool = it.next();
            if (!stillUsed.test(pool.endpoint())) {
                it.remove();
                pool.retire();
            }
        }
    }

    void closeAll(String reason) {
        for (EndpointPool pool : pools.values()) {
            pool.closeAll(reason);
        }
        pools.clear();
    }

    public EventLoop eventLoop() {
        return eventLoop;
    }

    Class<? extends Channel> channelClass() {
        return channelClass;
    }

    FlushBatcher flusher() {
        return flusher;
    }

    Upstreams upstreams() {
        return upstreams;
    }

    long maxReplyBulkLength() {
        return upstreams.maxReplyBulkLength();
    }
}
