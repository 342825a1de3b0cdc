package dev.turnout.dataplane.server;

import dev.turnout.dataplane.config.ConfigHolder;
import dev.turnout.dataplane.config.LimitsConfig;
import dev.turnout.dataplane.resp.ProtocolLimits;
import dev.turnout.dataplane.session.SessionContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Assembles a client connection's pipeline, in one place. */
final class ProxyChannelInitializer extends ChannelInitializer<SocketChannel> {

    private final ConfigHolder config;
    private final SessionContext sessions;
    private final ConnectionLimiter limiter;
    private final Supplier<String> route;

    /** @param route the listener's route now (read per connection, so a reload can change it) */
    ProxyChannelInitializer(ConfigHolder config, SessionContext sessions, ConnectionLimiter limiter, Supplier<String> route) {
        this.config = config;
        this.sessions = sessions;
        this.limiter = limiter;
        this.route = route;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        LimitsConfig limits = config.get().limits();
        ChannelPipeline p = ch.pipeline();
        // Refuses connections past max-clients with Redis's error.
        p.addLast("limit", limiter);
        if (!limits.idleTimeout().isZero()) {
            // Closes clients idle longer than idle-timeout (blocked and subscribed clients excepted). Idle
            // means neither reading nor being written to, as Redis counts a reply as interaction: a client
            // slowly taking in a large reply is busy (observeOutput: a write in progress counts too).
            p.addLast("idle", new IdleStateHandler(true, 0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        }
        // Frames commands and hands them to the session: routing, ordering, pinning.
        p.addLast("session", new ClientChannelHandler(sessions, route.get(),
                new ProtocolLimits(limits.maxBulkLength(), limits.maxMultibulkLength(), limits.maxInlineLength())));
    }
}
