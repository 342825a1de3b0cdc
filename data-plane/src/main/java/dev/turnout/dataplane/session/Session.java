package dev.turnout.dataplane.session;

import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.dataplane.resp.CommandFrame;
import dev.turnout.dataplane.resp.RequestParser;
import dev.turnout.dataplane.resp.RespProtocolException;
import dev.turnout.dataplane.resp.RespWriter;
import dev.turnout.dataplane.upstream.EndpointPool;
import dev.turnout.dataplane.upstream.LoopUpstreams;
import dev.turnout.dataplane.upstream.ReplySink;
import dev.turnout.dataplane.upstream.UpstreamConnection;
import dev.turnout.dataplane.upstream.UpstreamEndpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * One client connection's view of the proxy: decides for each framed command where it runs, keeps
 * replies in request order, pins the session to a dedicated upstream connection while it holds
 * connection state, and applies backpressure. Confined to the client channel's event loop, which is also
 * the loop of every upstream connection it uses, so nothing here is shared or locked.
 *
 * <p>Ordering rule: a session's commands are in flight on at most one upstream connection at a time. A
 * command bound for another connection (another db, a dedicated connection, a new upstream after a
 * reload) is held until the replies of the previous connection have all arrived, so commands run upstream
 * in the order the client sent them.
 */
public final class Session implements ReplySink {

    private static final int PAUSE_HELD = 1;
    private static final int PAUSE_INFLIGHT = 1 << 1;
    private static final int PAUSE_UPSTREAM = 1 << 2;
    private static final int PAUSE_CLIENT_SLOW = 1 << 3;
    private static final int PAUSE_CLOSING = 1 << 4;

    private final Channel channel;
    private final SessionContext context;
    private final LoopUpstreams upstreams;
    private final String routeName;
    private final ReplyOrderQueue replies;
    final ClientState client;
    final SubscriptionState subscriptions = new SubscriptionState();

    // Commands waiting for the previous connection's replies (see the ordering rule), as their own bytes.
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    // A protocol error that followed held commands: sent, and the connection closed, once they have run.
    private ByteBuf closingError;
    private final RequestParser heldParser;
    private final CommandFrame heldFrame = new CommandFrame();

    // The run of forwarded commands being gathered from the current read: one slice, one upstream write.
    private UpstreamConnection runConnection;
    private ByteBuf runBuf;
    private int runStart;
    private int runEnd;
    private int runReplies;

    // Commands sent upstream so far (wraps; only compared for equality).
    private int commandsSent;
    private int inflight;
    private UpstreamConnection inflightConnection;
    private int maxInflight;

    // Pinning.
    private UpstreamConnection pinned;
    private EndpointPool pinnedPool;
    private int pinReasons;
    private boolean pinnedDirty;
    private boolean pinnedSubscribed;
    private boolean monitoring;

    private int replyBudget = 1;
    private int readPauses;
    private boolean closing;
    private boolean closed;

    private ProxyConfig cachedConfig;
    private int cachedDb = -1;
    private int cachedProtocol;
    private EndpointPool cachedPool;

    public Session(Channel channel, SessionContext context, String routeName, RequestParser parserForHeldCommands) {
        this.channel = channel;
        this.context = context;
        this.upstreams = context.upstreams().forLoop(channel.eventLoop());
        this.routeName = routeName;
        this.replies = new ReplyOrderQueue(channel);
        this.client = new ClientState(context.nextClientId());
        this.heldParser = parserForHeldCommands;
        this.maxInflight = context.config().get().limits().maxInflightPerClient();
    }

    // ================================================================ commands from the client

    /**
     * One command framed from the client's bytes. {@code buf} holds it at {@code start}; the session takes
     * retained slices of what it forwards and never moves {@code buf}'s indices.
     */
    public void onCommand(CommandFrame frame, ByteBuf buf, int start) {
        if (closing || frame.argc() == 0) {
            return;
        }
        if (!held.isEmpty()) {
            hold(frame, buf, start);
            return;
        }
        CommandHandler handler = handlerFor(frame);
        Route route = handler.route(this, frame);
        if (route != Route.LOCAL && mustWait(route)) {
            hold(frame, buf, start);
            return;
        }
        run(handler, frame, buf, start);
    }

    private CommandHandler handlerFor(CommandFrame frame) {
        if (pinReasons == 0) {
            return context.policy().handlerFor(frame);
        }
        return context.policy().handlerFor(frame, hasPinReason(PinReason.TRANSACTION),
                client.protocol == 2 && hasPinReason(PinReason.SUBSCRIBED));
    }

    private void run(CommandHandler handler, CommandFrame frame, ByteBuf buf, int start) {
        boolean upstreamSkipsNext = client.replyMode == ReplyMode.SKIP_NEXT && pinned != null;
        int sentBefore = commandsSent;
        replyBudget = takeReplyBudget();
        handler.dispatch(this, frame, buf, start);
        if (upstreamSkipsNext && commandsSent == sentBefore && pinned != null) {
            // CLIENT REPLY SKIP went upstream, so the dedicated connection will drop the reply of the next
            // command it runs. The proxy answered this one itself: a PING takes that skip instead, or the
            // client's next forwarded command would never be answered.
            ByteBuf ping = channel.alloc().buffer(14);
            RespWriter.command(ping, "PING");
            forwardBuilt(ping, Route.ANY, 0);
        }
    }

    /** The client sent bytes that are not RESP: Redis replies with the error and closes the connection. */
    public void onProtocolError(RespProtocolException e) {
        ByteBuf reply = error(e.getMessage());
        if (held.isEmpty()) {
            reply(reply);
            closeWhenDrained();
            return;
        }
        // The held commands came before the bad bytes: like Redis, run them, then reply with the error.
        closingError = reply;
        closing = true;
        pauseReading(PAUSE_CLOSING);
    }

    /** The end of one read from the client: what was gathered goes upstream. */
    public void endOfBatch() {
        flushRun();
        flushReplies();
    }

    private void hold(CommandFrame frame, ByteBuf buf, int start) {
        ByteBuf bytes = frame.inline() ? frame.takeInlineEncoding() : buf.retainedSlice(start, frame.frameLength());
        held.add(bytes);
        pauseReading(PAUSE_HELD);
    }

    private void drainHeld() {
        while (!held.isEmpty() && (!closing || closingError != null) && !closed) {
            ByteBuf bytes = held.peek();
            try {
                heldFrame.reset();
                if (!heldParser.parse(bytes, heldFrame, channel.alloc())) {
                    throw new IllegalStateException("a held command no longer parses");
                }
            } catch (RespProtocolException e) {
                throw new IllegalStateException("a held command no longer parses", e);
            }
            CommandHandler handler = handlerFor(heldFrame);
            Route route = handler.route(this, heldFrame);
            if (route != Route.LOCAL && mustWait(route)) {
                return;
            }
            held.poll();
            try {
                run(handler, heldFrame, bytes, bytes.readerIndex());
                flushRun();
            } finally {
                bytes.release();
            }
        }
        if (held.isEmpty()) {
            if (closingError != null) {
                ByteBuf reply = closingError;
                closingError = null;
                reply(reply);
                closeWhenDrained();
            }
            resumeReading(PAUSE_HELD);
        }
    }

    private boolean mustWait(Route route) {
        if (inflight == 0) {
            return false;
        }
        if (route == Route.LOCAL_AFTER_REPLIES) {
            return true;
        }
        if (pinned != null) {
            return inflightConnection != pinned;
        }
        if (route == Route.DEDICATED) {
            return true;
        }
        EndpointPool pool = pool();
        UpstreamConnection shared = pool == null ? null : pool.shared();
        return shared != null && shared != inflightConnection;
    }

    // ================================================================ what handlers call

    /** Forwards the command unchanged, expecting one reply. */
    void forward(CommandFrame frame, ByteBuf buf, int start, Route route) {
        forward(frame, buf, start, route, 1);
    }

    /** Forwards the command unchanged, expecting {@code expectedReplies} replies (before CLIENT REPLY applies). */
    void forward(CommandFrame frame, ByteBuf buf, int start, Route route, int expectedReplies) {
        UpstreamConnection connection = connectionFor(route);
        if (connection == null) {
            return;
        }
        commandsSent++;
        // In MONITOR mode whatever the connection sends is passed through as it comes.
        int n = monitoring ? 0 : expectedReplies * replyBudget;
        if (frame.inline()) {
            flushRun();
            replies.expectRemote(n);
            connection.send(frame.takeInlineEncoding(), this, n);
        } else if (runConnection == connection && runBuf == buf && runEnd == start) {
            runEnd += frame.frameLength();
            runReplies += n;
        } else {
            flushRun();
            runConnection = connection;
            runBuf = buf;
            runStart = start;
            runEnd = start + frame.frameLength();
            runReplies = n;
        }
        inflight += n;
        inflightConnection = connection;
        if (inflight >= maxInflight) {
            pauseReading(PAUSE_INFLIGHT);
        }
    }

    /** Sends bytes the proxy built (ownership passes), expecting {@code expectedReplies} replies. */
    void forwardBuilt(ByteBuf command, Route route, int expectedReplies) {
        UpstreamConnection connection = connectionFor(route);
        if (connection == null) {
            command.release();
            return;
        }
        commandsSent++;
        flushRun();
        int n = expectedReplies * replyBudget;
        replies.expectRemote(n);
        inflight += n;
        inflightConnection = connection;
        connection.send(command, this, n);
    }

    private UpstreamConnection connectionFor(Route route) {
        if (pinned != null) {
            return pinned;
        }
        EndpointPool pool = pool();
        if (pool == null) {
            reply(error("ERR route '" + routeName + "' is no longer configured on this data plane"));
            return null;
        }
        UpstreamConnection connection = route == Route.DEDICATED ? pool.acquireDedicated(this) : pool.shared();
        if (connection == null) {
            if (pool.authenticationFailed()) {
                reply(error("ERR upstream authentication failed"));
                closeWhenDrained();
            } else {
                reply(error("ERR " + pool.unavailableReason()));
            }
            return null;
        }
        if (route == Route.DEDICATED) {
            pinned = connection;
            pinnedPool = pool;
            pinnedDirty = false;
            pinnedSubscribed = false;
        }
        return connection;
    }

    private void flushRun() {
        UpstreamConnection connection = runConnection;
        if (connection == null) {
            return;
        }
        runConnection = null;
        replies.expectRemote(runReplies);
        ByteBuf slice = runBuf.retainedSlice(runStart, runEnd - runStart);
        runBuf = null;
        connection.send(slice, this, runReplies);
        if (!connection.isWritableOrWait(this)) {
            pauseReading(PAUSE_UPSTREAM);
        }
    }

    /** A reply the proxy built itself (ownership passes); dropped if the client turned replies off. */
    void reply(ByteBuf reply) {
        if (replyBudget == 0) {
            reply.release();
            return;
        }
        flushRun();
        replies.local(reply);
    }

    void replyOk() {
        ByteBuf b = channel.alloc().buffer(5);
        RespWriter.ok(b);
        reply(b);
    }

    ByteBuf error(String message) {
        ByteBuf b = channel.alloc().buffer(message.length() + 3);
        RespWriter.error(b, message);
        return b;
    }

    ByteBuf buffer() {
        return channel.alloc().buffer();
    }

    void addPinReason(int reason) {
        pinReasons |= reason;
    }

    void clearPinReason(int reason) {
        pinReasons &= ~reason;
    }

    boolean hasPinReason(int reason) {
        return (pinReasons & reason) != 0;
    }

    boolean isPinned() {
        return pinned != null;
    }

    /** The dedicated connection now carries state no other session may inherit: close it on release. */
    void markPinnedDirty() {
        pinnedDirty = true;
    }

    void markPinnedSubscribed() {
        pinnedSubscribed = true;
    }

    void startMonitoring() {
        monitoring = true;
        pinnedDirty = true;
    }

    boolean isMonitoring() {
        return monitoring;
    }

    /** Drops the dedicated connection at once (RESET out of MONITOR): its state is thrown away with it. */
    void dropPinned() {
        if (pinned != null) {
            UpstreamConnection c = pinned;
            pinned = null;
            pinReasons = 0;
            monitoring = false;
            inflight = 0;
            inflightConnection = null;
            pinnedPool.release(c, false);
            pinnedPool = null;
        }
    }

    void setReplyBudget(int budget) {
        replyBudget = budget;
    }

    int replyBudget() {
        return replyBudget;
    }

    int protocol() {
        return client.protocol;
    }

    long clientId() {
        return client.id;
    }

    String serverVersion() {
        return context.serverVersion();
    }

    int databases() {
        RouteConfig route = context.config().get().routes().get(routeName);
        return route == null ? RouteConfig.DEFAULT_DATABASES : route.databases();
    }

    /** QUIT, a protocol error, a lost upstream state: reply to what was asked, then close. */
    void closeWhenDrained() {
        closing = true;
        pauseReading(PAUSE_CLOSING);
        flushRun();
        closeIfDrained();
    }

    private void closeIfDrained() {
        if (closing && !closed && replies.isEmpty()) {
            closed = true;
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private int takeReplyBudget() {
        switch (client.replyMode) {
            case OFF:
                return 0;
            case SKIP_NEXT:
                client.replyMode = ReplyMode.ON;
                clearPinReason(PinReason.REPLY_MODE);
                return 0;
            default:
                return 1;
        }
    }

    private EndpointPool pool() {
        ProxyConfig config = context.config().get();
        if (config != cachedConfig || client.db != cachedDb || client.protocol != cachedProtocol) {
            RouteConfig route = config.routes().get(routeName);
            if (route == null) {
                return null;
            }
            cachedPool = upstreams.pool(new UpstreamEndpoint(route.upstream(), route.user(), route.password(),
                    client.db, client.protocol, route.connectTimeout()));
            cachedConfig = config;
            cachedDb = client.db;
            cachedProtocol = client.protocol;
            maxInflight = config.limits().maxInflightPerClient();
        }
        return cachedPool;
    }

    // ================================================================ replies from upstream (ReplySink)

    @Override
    public void onReplies(ByteBuf data, int count) {
        if (closed && replies.isEmpty()) {
            data.release();
        } else {
            replies.remote(data, count);
        }
        replyArrived(count);
    }

    @Override
    public void onRepliesLost(int count, String reason) {
        ByteBuf errors = channel.alloc().buffer();
        for (int i = 0; i < count; i++) {
            RespWriter.error(errors, "ERR " + reason);
        }
        onReplies(errors, count);
    }

    @Override
    public void onAuthenticationFailed(int count) {
        ByteBuf errors = channel.alloc().buffer();
        for (int i = 0; i < count; i++) {
            RespWriter.error(errors, "ERR upstream authentication failed");
        }
        onReplies(errors, count);
        closeWhenDrained();
    }

    @Override
    public boolean isUnsolicited(ByteBuf buf, int index, int length, byte type) {
        if (monitoring && inflight == 0) {
            return true;
        }
        if (type == '>') {
            return !PubSubFrames.isSubscriptionConfirmation(buf, index, length);
        }
        return type == '*' && pinnedSubscribed && client.protocol == 2 && PubSubFrames.isMessage(buf, index, length);
    }

    @Override
    public void onPush(ByteBuf frame) {
        replies.push(frame);
        if (!channel.isWritable()) {
            pauseReading(PAUSE_CLIENT_SLOW);
        }
    }

    @Override
    public void flushReplies() {
        if (replies.takeWrote()) {
            channel.flush();
            if (!channel.isWritable()) {
                pauseReading(PAUSE_CLIENT_SLOW);
            }
        }
    }

    @Override
    public void onUpstreamWritable() {
        resumeReading(PAUSE_UPSTREAM);
    }

    @Override
    public void onDedicatedConnectionClosed(UpstreamConnection connection, String reason) {
        if (connection != pinned) {
            return;
        }
        boolean stateLost = pinReasons != 0;
        pinned = null;
        pinnedPool = null;
        pinReasons = 0;
        monitoring = false;
        subscriptions.clear();
        if (stateLost && !closed) {
            // The transaction, subscriptions or MONITOR lived in that connection: like Redis going away.
            closeWhenDrained();
        }
    }

    private void replyArrived(int count) {
        inflight -= count;
        if (inflight <= 0) {
            inflight = 0;
            inflightConnection = null;
        }
        if (inflight <= maxInflight / 2) {
            resumeReading(PAUSE_INFLIGHT);
        }
        if (closed) {
            return;
        }
        maybeUnpin();
        drainHeld();
        maybeUnpin();
        closeIfDrained();
    }

    private void maybeUnpin() {
        if (pinned != null && pinReasons == 0 && inflight == 0 && runConnection == null) {
            UpstreamConnection c = pinned;
            EndpointPool pool = pinnedPool;
            pinned = null;
            pinnedPool = null;
            pool.release(c, !pinnedDirty);
        }
    }

    // ================================================================ client connection events

    /** The client connection closed: nothing more will be written to it. */
    public void onClientClosed() {
        closed = true;
        closing = true;
        replies.discard();
        ByteBuf b;
        while ((b = held.poll()) != null) {
            b.release();
        }
        if (closingError != null) {
            closingError.release();
            closingError = null;
        }
        if (runConnection != null) {
            runConnection = null;
            runBuf = null;
        }
        if (pinned != null) {
            UpstreamConnection c = pinned;
            EndpointPool pool = pinnedPool;
            pinned = null;
            pinnedPool = null;
            // A blocked or subscribed connection must not outlive its client (it would pop elements for nobody).
            pool.release(c, pinReasons == 0 && inflight == 0 && !pinnedDirty);
        }
    }

    /** Whether the session is closing (QUIT, protocol error): the client's further bytes are ignored. */
    public boolean isClosing() {
        return closing;
    }

    public void onClientWritable() {
        resumeReading(PAUSE_CLIENT_SLOW);
    }

    /** The idle timeout fired: close unless the client is legitimately quiet (blocked or subscribed). */
    public boolean onIdleTimeout() {
        if (inflight > 0 || !held.isEmpty()
                || pinned != null && (hasPinReason(PinReason.SUBSCRIBED) || hasPinReason(PinReason.MONITOR))) {
            return false;
        }
        closing = true;
        closed = true;
        channel.close();
        return true;
    }

    private void pauseReading(int reason) {
        if (readPauses == 0) {
            channel.config().setAutoRead(false);
        }
        readPauses |= reason;
    }

    private void resumeReading(int reason) {
        if ((readPauses & reason) == 0) {
            return;
        }
        readPauses &= ~reason;
        if (readPauses == 0 && channel.isActive()) {
            channel.config().setAutoRead(true);
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "session " + client.id + " " + channel.remoteAddress();
    }
}
