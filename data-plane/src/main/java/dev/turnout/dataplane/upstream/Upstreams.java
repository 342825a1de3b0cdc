package dev.turnout.dataplane.upstream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every event loop's upstream connections. A session finds its loop's {@link LoopUpstreams} with
 * {@link #forLoop(EventLoop)} once, when it starts.
 */
public final class Upstreams {

    private static final Logger log = LoggerFactory.getLogger(Upstreams.class);
    /** Replies may be larger than requests (e.g. a large LRANGE): Redis's own cap on a bulk is 512 MiB. */
    private static final long MAX_REPLY_BULK_LENGTH = 512L * 1024 * 1024;

    private final Map<EventLoop, LoopUpstreams> loops = new IdentityHashMap<>();
    private final Set<String> authFailuresLogged = ConcurrentHashMap.newKeySet();
    private volatile String serverVersion;

    public Upstreams(EventLoopGroup group, Class<? extends Channel> channelClass) {
        for (EventExecutor executor : group) {
            EventLoop loop = (EventLoop) executor;
            loops.put(loop, new LoopUpstreams(loop, channelClass, this));
        }
    }

    public LoopUpstreams forLoop(EventLoop loop) {
        LoopUpstreams upstreams = loops.get(loop);
        if (upstreams == null) {
            throw new IllegalStateException("event loop " + loop + " is not one of this data plane's");
        }
        return upstreams;
    }

    /** After a configuration change: pools of endpoints no route uses any more drain and close. */
    public void retireUnless(Predicate<UpstreamEndpoint> stillUsed) {
        for (LoopUpstreams loop : loops.values()) {
            loop.eventLoop().execute(() -> loop.retireUnless(stillUsed));
        }
    }

    /** Closes every upstream connection and waits (bounded) for the loops to do it. */
    public void closeAll() {
        CountDownLatch done = new CountDownLatch(loops.size());
        for (LoopUpstreams loop : loops.values()) {
            if (loop.eventLoop().isShuttingDown()) {
                done.countDown();
                continue;
            }
            loop.eventLoop().execute(() -> {
                try {
                    loop.closeAll("the data plane is shutting down");
                } finally {
                    done.countDown();
                }
            });
        }
        try {
            done.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void reportAuthenticationFailure(UpstreamEndpoint endpoint, String reason) {
        if (authFailuresLogged.add(endpoint.credentialsKey())) {
            log.error("Upstream {} refused the proxy's credentials ({}). Clients get '-ERR upstream authentication "
                    + "failed' until the password or ACL user is fixed; this is logged once.", endpoint.credentialsKey(), reason);
        }
    }

    void authenticationRecovered(UpstreamEndpoint endpoint) {
        authFailuresLogged.remove(endpoint.credentialsKey());
    }

    void learnServerVersion(String version) {
        this.serverVersion = version;
    }

    /** The upstream Redis version from the last handshake, or {@code null} before any. */
    public String serverVersion() {
        return serverVersion;
    }

    long maxReplyBulkLength() {
        return MAX_REPLY_BULK_LENGTH;
    }
}
