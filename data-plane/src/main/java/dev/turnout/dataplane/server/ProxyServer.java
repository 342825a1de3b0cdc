package dev.turnout.dataplane.server;

import dev.turnout.dataplane.command.CommandTable;
import dev.turnout.dataplane.config.ConfigHolder;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.ListenerConfig;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.dataplane.session.LoopSessions;
import dev.turnout.dataplane.session.SessionContext;
import dev.turnout.dataplane.session.Sessions;
import dev.turnout.dataplane.upstream.UpstreamEndpoint;
import dev.turnout.dataplane.upstream.Upstreams;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane's network side: event loops, one server channel per listener, and the upstream
 * connections of every loop. Listeners and upstreams follow the {@link ConfigHolder}: a new snapshot binds
 * new listeners, closes removed ones, and retires upstreams no route uses, without touching a client.
 */
public final class ProxyServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final ConfigHolder config;
    private final Transport transport = Transport.best();
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final Upstreams upstreams;
    private final SessionContext sessions;
    private final ConnectionLimiter limiter;
    private final Map<HostAndPort, Channel> listeners = new LinkedHashMap<>();
    private final Map<HostAndPort, String> listenerRoutes = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param threads event loops serving clients and upstreams (each session and its upstream connections
     *                share one)
     */
    public ProxyServer(ConfigHolder config, CommandTable commands, int threads) {
        this.config = config;
        this.acceptors = transport.newGroup(1, "turnout-accept");
        this.workers = transport.newGroup(threads, "turnout-io");
        this.upstreams = new Upstreams(workers, transport.socketChannel());
        this.sessions = new SessionContext(commands, config, upstreams, new Sessions(workers));
        this.limiter = new ConnectionLimiter(config);
    }

    /** Every event loop's client sessions (what a pause drains and holds). */
    public Sessions sessions() {
        return sessions.sessions();
    }

    /** Binds every listener of the current configuration; fails if one cannot be bound. */
    public synchronized void start() throws InterruptedException {
        apply(config.get());
        config.onChange(this::onConfigChange);
        log.info("Turnout data plane started ({} transport, {} event loops)", transport.name(), workersCount());
    }

    private int workersCount() {
        int n = 0;
        for (var ignored : workers) {
            n++;
        }
        return n;
    }

    private void onConfigChange(ProxyConfig next) {
        try {
            apply(next);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (LoopSessions loop : sessions.sessions().loops()) {
            loop.eventLoop().execute(loop::upstreamsChanged);
        }
        // Pools are kept by server, credentials and timeout (any db, protocol): the routes' own, and each user's
        // upstream ACL user on the routes that have it.
        Set<UpstreamEndpoint> used = new HashSet<>();
        for (RouteConfig route : next.routes().values()) {
            used.add(UpstreamEndpoint.forClient(route, null, 0, 2));
            for (UserConfig user : next.users().values()) {
                used.add(UpstreamEndpoint.forClient(route, user, 0, 2));
            }
        }
        upstreams.retireUnless(e -> used.contains(e.withDb(0).withProtocol(2)));
    }

    /**
     * Binds the listeners {@code next} adds, then closes those it removes. All or nothing: if one cannot be
     * bound, those bound so far are closed again and an {@link IllegalStateException} naming the address
     * propagates, with the listeners as they were.
     */
    private synchronized void apply(ProxyConfig next) throws InterruptedException {
        Set<HostAndPort> wanted = new HashSet<>();
        Map<HostAndPort, String> previousRoutes = new LinkedHashMap<>(listenerRoutes);
        Map<HostAndPort, Channel> bound = new LinkedHashMap<>();
        try {
            for (ListenerConfig listener : next.listeners()) {
                wanted.add(listener.listen());
                listenerRoutes.put(listener.listen(), listener.route());
                if (!listeners.containsKey(listener.listen()) && !bound.containsKey(listener.listen())) {
                    bound.put(listener.listen(), bind(listener));
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            rollBack(bound, previousRoutes);
            throw e;
        }
        listeners.putAll(bound);
        for (var it = listeners.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!wanted.contains(e.getKey())) {
                log.info("Listener {} removed from the configuration; no longer accepting there", e.getKey());
                e.getValue().close().sync();
                listenerRoutes.remove(e.getKey());
                it.remove();
            }
        }
    }

    private void rollBack(Map<HostAndPort, Channel> bound, Map<HostAndPort, String> previousRoutes) {
        for (Map.Entry<HostAndPort, Channel> e : bound.entrySet()) {
            log.info("Listener {} closed again: the configuration that added it was not applied", e.getKey());
            e.getValue().close().syncUninterruptibly();
        }
        listenerRoutes.clear();
        listenerRoutes.putAll(previousRoutes);
    }

    private Channel bind(ListenerConfig listener) throws InterruptedException {
        HostAndPort listen = listener.listen();
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new ProxyChannelInitializer(config, sessions, limiter,
                        () -> listenerRoutes.getOrDefault(listen, listener.route())));
        ChannelFuture bound = b.bind(listen.host(), listen.port()).await();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            throw new IllegalStateException("cannot listen on " + listen + ": "
                    + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), cause);
        }
        Channel channel = bound.channel();
        RouteConfig route = config.get().routes().get(listener.route());
        log.info("Listening on {} for route '{}' (upstream {})", listen, listener.route(),
                route == null ? "?" : route.upstream());
        return channel;
    }

    /** The address a listener is bound to. */
    public synchronized InetSocketAddress boundAddress(HostAndPort listen) {
        Channel c = listeners.get(listen);
        if (c == null) {
            throw new IllegalArgumentException("no listener on " + listen);
        }
        return (InetSocketAddress) c.localAddress();
    }

    /** The addresses of the listeners bound now, in the order they were bound. */
    public synchronized java.util.List<HostAndPort> boundListeners() {
        return java.util.List.copyOf(listeners.keySet());
    }

    /** Client connections open now. */
    public int connectedClients() {
        return limiter.connected();
    }

    public Upstreams upstreams() {
        return upstreams;
    }

    @Override
    public synchronized void close() {
        for (Channel c : listeners.values()) {
            c.close().syncUninterruptibly();
        }
        listeners.clear();
        upstreams.closeAll();
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
