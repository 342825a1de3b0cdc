package dev.turnout.dataplane.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections of one event loop to one {@link UpstreamEndpoint}: one shared, multiplexed connection,
 * and a few idle dedicated ones ready for sessions that must be pinned. Reconnects the shared connection
 * with exponential backoff; while the upstream is unreachable, {@link #shared()} returns {@code null} and
 * {@link #unavailableReason()} says why, so commands fail fast instead of piling up.
 */
public final class EndpointPool {

    private static final Logger log = LoggerFactory.getLogger(EndpointPool.class);
    static final int MIN_IDLE_DEDICATED = 1;
    static final int MAX_IDLE_DEDICATED = 16;

    private final UpstreamEndpoint endpoint;
    private final LoopUpstreams loop;
    private final ArrayDeque<UpstreamConnection> idleDedicated = new ArrayDeque<>();
    private UpstreamConnection shared;
    private int failures;
    private long retryAtNanos;
    private String lastError;
    private boolean authenticationFailed;
    private boolean retired;
    private boolean everReady;
    private ScheduledFuture<?> reconnect;

    EndpointPool(UpstreamEndpoint endpoint, LoopUpstreams loop) {
        this.endpoint = endpoint;
        this.loop = loop;
    }

    public UpstreamEndpoint endpoint() {
        return endpoint;
    }

    LoopUpstreams loop() {
        return loop;
    }

    /** The shared connection (possibly still connecting), or {@code null} while the upstream is unavailable. */
    public UpstreamConnection shared() {
        UpstreamConnection c = shared;
        if (c != null) {
            return c;
        }
        if (retryAtNanos != 0 && System.nanoTime() - retryAtNanos < 0) {
            return null;
        }
        shared = connect(false);
        return shared;
    }

    /**
     * A dedicated connection for {@code owner}, from the idle ones or new; {@code null} while the upstream is
     * unavailable.
     */
    public UpstreamConnection acquireDedicated(ReplySink owner) {
        UpstreamConnection c;
        while ((c = idleDedicated.poll()) != null) {
            if (!c.isClosed()) {
                c.owner(owner);
                topUpIdle();
                return c;
            }
        }
        if (retryAtNanos != 0 && System.nanoTime() - retryAtNanos < 0) {
            return null;
        }
        c = connect(true);
        c.owner(owner);
        return c;
    }

    /** Gives a dedicated connection back; it is kept for reuse only if {@code clean} and idle. */
    public void release(UpstreamConnection connection, boolean clean) {
        connection.owner(null);
        if (clean && !retired && !connection.isClosed() && connection.isIdle()
                && idleDedicated.size() < MAX_IDLE_DEDICATED) {
            idleDedicated.add(connection);
        } else {
            connection.close("released in a state that cannot be reused");
        }
    }

    /** Why the upstream cannot be used now (an error text without '-'). */
    public String unavailableReason() {
        long waitMillis = Math.max(0, TimeUnit.NANOSECONDS.toMillis(retryAtNanos - System.nanoTime()));
        return "upstream " + endpoint.address() + " unavailable: " + (lastError == null ? "not connected" : lastError)
                + " (next retry in " + waitMillis + " ms)";
    }

    /** Whether the last attempt failed because the upstream refused the proxy's credentials. */
    public boolean authenticationFailed() {
        return authenticationFailed;
    }

    private UpstreamConnection connect(boolean dedicated) {
        UpstreamConnection connection = new UpstreamConnection(this, dedicated, loop.maxReplyBulkLength());
        Bootstrap bootstrap = new Bootstrap()
                .group(loop.eventLoop())
                .channel(loop.channelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, endpoint.connectTimeout().toMillis()))
                .handler(new UpstreamChannelHandler(connection));
        ChannelFuture future = bootstrap.connect(endpoint.address().host(), endpoint.address().port());
        connection.attach(future);
        return connection;
    }

    void onConnectionReady(UpstreamConnection connection) {
        failures = 0;
        retryAtNanos = 0;
        lastError = null;
        if (authenticationFailed) {
            log.info("Upstream {} accepts the proxy's credentials again", endpoint.credentialsKey());
        }
        authenticationFailed = false;
        loop.upstreams().authenticationRecovered(endpoint);
        if (!everReady) {
            everReady = true;
            topUpIdle();
        }
        if (retired && connection == shared && connection.isIdle()) {
            connection.close("upstream retired by a configuration change");
        }
    }

    void onConnectionClosed(UpstreamConnection connection, String reason, boolean wasReady, boolean authFailure) {
        idleDedicated.remove(connection);
        if (connection != shared) {
            if (!wasReady && !retired) {
                noteFailure(reason, authFailure);
            }
            return;
        }
        shared = null;
        if (retired) {
            return;
        }
        if (wasReady) {
            log.warn("Lost the connection to upstream {}: {}; reconnecting", endpoint, reason);
            failures = 0;
            retryAtNanos = 0;
            lastError = reason;
            scheduleReconnect(0);
        } else {
            noteFailure(reason, authFailure);
            scheduleReconnect(retryAtNanos - System.nanoTime());
        }
    }

    private void noteFailure(String reason, boolean authFailure) {
        failures++;
        lastError = reason;
        authenticationFailed = authFailure;
        long delay = Backoff.delayMillis(failures);
        retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
        if (authFailure) {
            loop.upstreams().reportAuthenticationFailure(endpoint, reason);
        } else if (failures == 1 || failures % 20 == 0) {
            log.warn("Upstream {} unavailable: {} (attempt {}, retrying with backoff)", endpoint, reason, failures);
        }
    }

    private void scheduleReconnect(long delayNanos) {
        if (reconnect != null && !reconnect.isDone()) {
            return;
        }
        reconnect = loop.eventLoop().schedule(() -> {
            reconnect = null;
            if (!retired && shared == null) {
                retryAtNanos = 0;
                shared = connect(false);
            }
        }, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    private void topUpIdle() {
        if (retired) {
            return;
        }
        while (idleDedicated.size() < MIN_IDLE_DEDICATED) {
            idleDedicated.add(connect(true));
        }
    }

    void onIdle(UpstreamConnection connection) {
        if (retired && connection == shared) {
            connection.close("upstream retired by a configuration change");
        }
    }

    /** No new session will use this pool: close what is idle now and the shared connection once it drains. */
    void retire() {
        retired = true;
        if (reconnect != null) {
            reconnect.cancel(false);
        }
        UpstreamConnection c;
        while ((c = idleDedicated.poll()) != null) {
            c.close("upstream retired by a configuration change");
        }
        if (shared != null && shared.isIdle()) {
            shared.close("upstream retired by a configuration change");
        }
    }

    boolean isRetired() {
        return retired;
    }

    /** Closes everything at once (shutdown). */
    void closeAll(String reason) {
        retired = true;
        if (reconnect != null) {
            reconnect.cancel(false);
        }
        UpstreamConnection c;
        while ((c = idleDedicated.poll()) != null) {
            c.close(reason);
        }
        if (shared != null) {
            shared.close(reason);
        }
    }
}
