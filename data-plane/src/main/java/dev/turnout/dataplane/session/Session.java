package dev.turnout.dataplane.session;

import dev.turnout.dataplane.access.CommandRules;
import dev.turnout.dataplane.access.UserAccess;
import dev.turnout.dataplane.command.CommandSpec;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.dataplane.namespace.KeyspaceOperation;
import dev.turnout.dataplane.namespace.Namespace;
import dev.turnout.dataplane.namespace.NamespaceRules;
import dev.turnout.dataplane.namespace.ReplyShape;
import dev.turnout.dataplane.resp.CommandFrame;
import dev.turnout.dataplane.resp.RequestParser;
import dev.turnout.dataplane.resp.RespError;
import dev.turnout.dataplane.resp.RespProtocolException;
import dev.turnout.dataplane.resp.RespValues;
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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection's view of the proxy: decides for each framed command where it runs, keeps
 * replies in request order, pins the session to a dedicated upstream connection while it holds
 * connection state, and applies backpressure. Confined to the client channel's event loop, which is also
 * the loop of every upstream connection it uses, so nothing here is shared or locked.
 *
 * <p>Ordering rule: a session's commands are in flight on at most one upstream connection at a time. A
 * command bound for another connection (another db, a dedicated connection, a new upstream after a
 * reload) is held until the replies of the previous connection have all arrived, so commands run upstream
 * in the order the client sent them. A blocking command is the last one in flight: what follows it is held
 * until its reply, so that a pause can end it upstream and re-issue it without reordering anything.
 *
 * <p>Pause: while the gate ({@link LoopSessions#close}) is closed, commands that would go upstream are held (inside MULTI
 * excepted), each for at most the hold limit; on resume the session first moves to the configured upstream if
 * it changed, replaying the state that lived in its dedicated connection, then runs what it held.
 */
public final class Session implements ReplySink {

    private static final Logger log = LoggerFactory.getLogger(Session.class);
    /** Why a script is refused in a namespace whose upstream connections Redis does not confine. */
    private static final String UNCONFINED_SCRIPT = "a script can name keys outside the namespace; scripts run only"
            + " where the control plane has given the tenant its own ACL user on the upstream Redis";
    /** A RESP3 invalidation push with a null key list: "forget everything you cached". */
    private static final byte[] INVALIDATE_ALL = ascii(">2\r\n$10\r\ninvalidate\r\n_\r\n");

    private static final int PAUSE_HELD = 1;
    private static final int PAUSE_INFLIGHT = 1 << 1;
    private static final int PAUSE_UPSTREAM = 1 << 2;
    private static final int PAUSE_CLIENT_SLOW = 1 << 3;
    private static final int PAUSE_CLOSING = 1 << 4;
    private static final int PAUSE_AUTH = 1 << 5;

    private final Channel channel;
    private final SessionContext context;
    private final LoopUpstreams upstreams;
    private final LoopSessions loopSessions;
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
    // When the session began holding because of a pause (0: it is not), and how many it holds for it.
    private long heldSinceNanos;
    private int pauseHeld;

    // The blocking command in flight (or ended by a pause and waiting to be re-issued), if any.
    private BlockedCall blocked;
    // A WRONGPASS is being delayed: what the client sends meanwhile waits behind it.
    private boolean authReplyDelayed;
    // A WATCH was open when the session moved to another upstream: its EXEC must fail (null), as Redis's would.
    private boolean watchBroken;

    // The run of forwarded commands being gathered from the current read: one slice, one upstream write.
    private UpstreamConnection runConnection;
    private ByteBuf runBuf;
    private int runStart;
    private int runEnd;
    private int runReplies;
    // In a namespace the run is written into the event loop's RunArena instead (one reference held, runStart and
    // runEnd its range there), each command as it goes upstream.
    private ByteBuf runOut;

    // The client's namespace (null: none), and the shape of the next forwarded command's reply in it.
    private SessionNamespace tenant;
    private ReplyShape nextShape;
    // Inside MULTI: whether the command being run is one Redis queues, so its reply shape goes into EXEC's.
    private boolean queueOnForward;
    // The user's rules and limits (null: no users configured), and whether the open MULTI had a command refused.
    private UserAccess access;
    private boolean transactionRefused;
    // FLUSHDB, DBSIZE, ... running as a walk over the namespace's keys: what follows waits for it.
    private NamespaceKeyspace walk;
    private int walkReplies;
    // The walk waits at a page boundary for a pause to end (it is not in flight meanwhile).
    private boolean walkSuspended;

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
    private UserConfig cachedUser;
    private EndpointPool cachedPool;

    public Session(Channel channel, SessionContext context, String routeName, RequestParser parserForHeldCommands) {
        this.channel = channel;
        this.context = context;
        this.upstreams = context.upstreams().forLoop(channel.eventLoop());
        this.loopSessions = context.sessions().forLoop(channel.eventLoop());
        this.routeName = routeName;
        this.replies = new ReplyOrderQueue(channel);
        this.client = new ClientState(context.nextClientId());
        this.heldParser = parserForHeldCommands;
        this.maxInflight = context.config().get().limits().maxInflightPerClient();
        this.client.authenticated = context.config().get().users().isEmpty();
        loopSessions.add(this);
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
        if (!held.isEmpty() || authReplyDelayed || blocked != null) {
            // Behind held commands, a delayed WRONGPASS, or a blocking command (which a pause may re-issue, so
            // nothing after it, not even SELECT answered here, may run before it): wait, in order.
            hold(frame, buf, start);
            return;
        }
        CommandHandler handler = handlerFor(frame);
        Route route = handler.route(this, frame);
        if (route != Route.LOCAL && (mustWait(route) || gateHolds(route))) {
            if (gateHolds(route) && loopSessions.heldByPause >= loopSessions.maxHeld) {
                // Past the bound nothing more is held: refused at once (nothing of this session is held, so
                // the refusal is in order).
                replyBudget = takeReplyBudget();
                reply(error(LoopSessions.TRYAGAIN));
                return;
            }
            hold(frame, buf, start);
            return;
        }
        run(handler, frame, buf, start);
    }

    /** Whether a pause holds a command bound for {@code route}: it would go upstream, and no MULTI is open. */
    private boolean gateHolds(Route route) {
        return loopSessions.closed && (route == Route.ANY || route == Route.DEDICATED || route == Route.ROUTE_CREDENTIALS
                || route == Route.KEYSPACE_WALK)
                && !hasPinReason(PinReason.TRANSACTION);
    }

    private CommandHandler handlerFor(CommandFrame frame) {
        if (!client.authenticated) {
            return context.policy().handlerBeforeAuth(frame);
        }
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
        if (!client.authenticated || tenant == null && access == null || admit(handler, frame)) {
            handler.dispatch(this, frame, buf, start);
        }
        if (upstreamSkipsNext && commandsSent == sentBefore && pinned != null) {
            // CLIENT REPLY SKIP went upstream, so the dedicated connection will drop the reply of the next
            // command it runs. The proxy answered this one itself: a PING takes that skip instead, or the
            // client's next forwarded command would never be answered.
            ByteBuf ping = channel.alloc().buffer(14);
            RespWriter.command(ping, "PING");
            forwardBuilt(ping, Route.ANY, 0);
        }
    }

    /**
     * What the client's user may do with this command: its rate limit and command rules, then its namespace (the
     * plan of the command in it, see {@link NamespaceRules}). False, and the client told why, when the command is
     * refused or the proxy ran it itself (a keyspace walk). Inside MULTI a refusal makes EXEC fail, as Redis fails
     * a transaction in which a command could not be queued, and the command's reply shape is kept for EXEC's reply.
     */
    private boolean admit(CommandHandler handler, CommandFrame frame) {
        boolean inTransaction = hasPinReason(PinReason.TRANSACTION);
        CommandSpec spec = context.commands().resolve(frame);
        String refusal = null;
        if (access != null) {
            if (!access.rateLimiter().tryAcquire()) {
                refusal = access.rateLimiter().refusal();
            } else if (spec == null ? !access.commands().allowsUnknownCommands()
                    : !spec.isContainer() && !access.commands().allows(spec)) {
                refusal = spec == null ? CommandRules.noPermission(frame.argAsString(0).toLowerCase(Locale.ROOT))
                        : CommandRules.noPermission(spec);
            }
        }
        nextShape = null;
        queueOnForward = false;
        if (refusal == null && tenant != null) {
            if (handler.route(this, frame) == Route.LOCAL) {
                return true; // the proxy answers it (CLIENT SETINFO, SELECT, ...): nothing goes upstream to confine
            }
            refusal = tenant.plan(context.namespaceRules(), frame, spec);
            if (refusal == null && context.namespaceRules().runsScript(spec)
                    && !client.user.hasUpstreamUserOn(routeName)) {
                refusal = NamespaceRules.refusal(spec.name(), UNCONFINED_SCRIPT);
            }
        }
        if (refusal != null) {
            transactionRefused |= inTransaction;
            reply(error(refusal));
            return false;
        }
        if (tenant == null) {
            return true;
        }
        KeyspaceOperation operation = tenant.operation();
        if (operation != null) {
            if (inTransaction) {
                transactionRefused = true;
                reply(error(NamespaceRules.refusal(operation.name().toLowerCase(Locale.ROOT),
                        "in a namespace it walks the namespace's keys, which cannot happen inside MULTI")));
            } else {
                startWalk(operation);
            }
            return false;
        }
        if (!inTransaction) {
            nextShape = tenant.replyShape();
        } else {
            // Its shape is kept for EXEC's reply once it goes to Redis (forwardNamespaced): the proxy answers some
            // commands itself, and Redis runs WATCH and a nested MULTI at once, queuing neither.
            queueOnForward = TransactionHandlers.queuedByRedis(handler, spec);
        }
        return true;
    }

    /** Runs {@code operation} over the namespace's keys (see {@link NamespaceKeyspace}); its reply fills one slot. */
    private void startWalk(KeyspaceOperation operation) {
        flushRun();
        RouteConfig route = context.config().get().routes().get(routeName);
        int[] dbs = operation == KeyspaceOperation.FLUSHALL && route != null
                ? IntStream.range(0, route.databases()).toArray() : new int[] {client.db};
        walkReplies = replyBudget;
        replies.expectRemote(walkReplies);
        inflight++; // not commandsSent: nothing goes to the session's own connection
        walk = new NamespaceKeyspace(this, operation, tenant.namespace, walkConnections, dbs, client.protocol,
                channel.alloc());
        walk.start();
    }

    /** Whether FLUSHDB, FLUSHALL, DBSIZE and RANDOMKEY run as a walk of the namespace (see KeyspaceWalkHandler). */
    boolean walksKeyspace() {
        return tenant != null && !hasPinReason(PinReason.TRANSACTION);
    }

    /**
     * Whether a pause holds {@code w} at this page boundary. Then it gives up its place in flight, so that the pause
     * can drain, and goes on at {@link #onResume}, perhaps on another upstream. A walk whose client has gone runs on.
     */
    boolean holdsWalk(NamespaceKeyspace w) {
        if (w != walk || !loopSessions.closed || closing || closed) {
            return false;
        }
        walkSuspended = true;
        replyArrived(1);
        return true;
    }

    /** The walk's reply (ownership passes); the client's next commands may run. */
    void keyspaceWalkEnded(NamespaceKeyspace ended, ByteBuf reply) {
        if (ended != walk) {
            reply.release();
            return;
        }
        walk = null;
        if (walkReplies > 0) {
            onReplies(reply, 1);
        } else {
            reply.release();
            replyArrived(1);
        }
        flushRun();
        flushReplies();
    }

    /**
     * The connections a walk uses: the route's shared ones, with the route's credentials (a tenant's own ACL user
     * may not SCAN, see ListingHandler). Never the session's pinned connection: CLIENT REPLY OFF or SKIP there would
     * swallow the walk's replies.
     */
    private final NamespaceKeyspace.Connections walkConnections = new NamespaceKeyspace.Connections() {
        @Override
        public UpstreamConnection forDb(int db) {
            EndpointPool pool = routeCredentialsPool(db);
            return pool == null ? null : pool.shared();
        }

        @Override
        public String unavailable(int db) {
            EndpointPool pool = routeCredentialsPool(db);
            return pool == null ? "route '" + routeName + "' is no longer configured on this data plane"
                    : pool.unavailableReason();
        }
    };

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
        if (loopSessions.closed) {
            startHeldByPause();
            loopSessions.heldByPause++;
            pauseHeld++;
        }
        pauseReading(PAUSE_HELD);
    }

    private void startHeldByPause() {
        if (heldSinceNanos == 0) {
            heldSinceNanos = System.nanoTime() | 1;
        }
    }

    private void drainHeld() {
        while (!held.isEmpty() && (!closing || closingError != null) && !closed && !authReplyDelayed
                && blocked == null) {
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
            if (route != Route.LOCAL && gateHolds(route)) {
                startHeldByPause();
                return;
            }
            held.poll();
            if (pauseHeld > 0) {
                pauseHeld--;
                loopSessions.heldByPause = Math.max(0, loopSessions.heldByPause - 1);
            }
            try {
                run(handler, heldFrame, bytes, bytes.readerIndex());
                flushRun();
            } finally {
                bytes.release();
            }
        }
        if (held.isEmpty()) {
            if (blocked == null || !blocked.waitingForResume) {
                heldSinceNanos = 0;
            }
            heldQueueEmptied();
        }
    }

    /** Nothing is held any more: a protocol error that followed the held commands is answered (then close). */
    private void heldQueueEmptied() {
        if (closingError != null) {
            ByteBuf reply = closingError;
            closingError = null;
            reply(reply);
            closeWhenDrained();
        }
        resumeReading(PAUSE_HELD);
    }

    private boolean mustWait(Route route) {
        if (blocked != null || walk != null) {
            return true;
        }
        if (inflight == 0) {
            return false;
        }
        if (route == Route.LOCAL_AFTER_REPLIES || route == Route.KEYSPACE_WALK) {
            return true;
        }
        if (route == Route.ROUTE_CREDENTIALS) {
            EndpointPool pool = routeCredentialsPool(client.db);
            UpstreamConnection shared = pool == null ? null : pool.shared();
            return shared != null && shared != inflightConnection;
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
        if (tenant != null) {
            forwardNamespaced(frame, buf, start, connection, n);
        } else if (frame.inline()) {
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

    /**
     * Forwards a command in the client's namespace, as planned by {@link #admit}: into the run being gathered,
     * or, when its reply names keys or channels, on its own with a sink that takes the prefix off them.
     */
    private void forwardNamespaced(CommandFrame frame, ByteBuf buf, int start, UpstreamConnection connection, int n) {
        ReplyShape shape = nextShape;
        nextShape = null;
        if (queueOnForward) {
            queueOnForward = false;
            tenant.queuedLast();
        }
        if (shape != null && n > 0) {
            flushRun();
            replies.expectRemote(n);
            connection.send(namespaced(frame, buf, start), new RewrittenReplies(shape, tenant.namespace, null), n);
            return;
        }
        int longest = tenant.longestWrite(frame);
        // The run goes on where it ended, unless another session's run follows it there or the command does not fit
        // (then the run goes upstream as it is and a new one begins).
        if (runConnection != connection || runOut == null || runOut.writerIndex() != runEnd
                || runOut.writableBytes() < longest) {
            flushRun();
            runConnection = connection;
            runOut = RunArena.get().reserve(channel.alloc(), longest);
            runStart = runOut.writerIndex();
            runReplies = 0;
        }
        tenant.write(frame, buf, start, runOut);
        runEnd = runOut.writerIndex();
        runReplies += n;
    }

    /** The command of {@code frame} as it goes upstream in the client's namespace, in a buffer of its own. */
    private ByteBuf namespaced(CommandFrame frame, ByteBuf buf, int start) {
        ByteBuf bytes = channel.alloc().buffer(tenant.longestWrite(frame));
        tenant.write(frame, buf, start, bytes);
        return bytes;
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

    /**
     * Forwards a blocking command on a dedicated connection as a {@link BlockedCall}, so a pause can end it
     * upstream and re-issue it later. Inside MULTI (where it does not block), with replies off, or in MONITOR
     * mode it is forwarded like any other command.
     */
    void forwardBlocking(CommandFrame frame, ByteBuf buf, int start, BlockingTimeout kind) {
        if (monitoring || replyBudget == 0 || hasPinReason(PinReason.TRANSACTION)
                || client.protocol == 2 && hasPinReason(PinReason.SUBSCRIBED)) {
            forward(frame, buf, start, Route.DEDICATED);
            return;
        }
        UpstreamConnection connection = connectionFor(Route.DEDICATED);
        if (connection == null) {
            return;
        }
        commandsSent++;
        flushRun();
        int argument = kind.argument(frame);
        long timeout = argument < 0 ? -1 : kind.parseNanos(frame.argAsString(argument));
        ByteBuf bytes = tenant != null ? namespaced(frame, buf, start)
                : frame.inline() ? frame.takeInlineEncoding() : buf.retainedSlice(start, frame.frameLength());
        // What a pause re-issues: the command as it went upstream (in the namespace, if any).
        ByteBuf copy = argument < 0 || timeout < 0 ? null
                : tenant != null ? bytes.copy() : encode(frame, Map.of());
        BlockedCall call = new BlockedCall(this, copy, kind, argument, timeout, System.nanoTime(), connection);
        call.tails = StreamTails.of(frame, tenant == null ? null : tenant.namespace);
        call.shape = nextShape;
        nextShape = null;
        blocked = call;
        replies.expectRemote(1);
        inflight++;
        inflightConnection = connection;
        connection.send(bytes, call, 1);
    }

    /** The reply of a {@link BlockedCall}: a timeout the proxy caused is kept from the client. */
    void blockedReply(BlockedCall call, ByteBuf data, int count) {
        if (call == blocked && call.unblockRequested && call.canReissue() && !closed
                && BlockedCall.isTimeoutReply(data)) {
            long remaining = call.remainingAt(System.nanoTime());
            if (remaining >= 0) {
                data.release();
                call.waitingForResume = true;
                call.remainingNanos = remaining;
                // A CLIENT UNBLOCK may still be on its way to this connection: never lend it to another command.
                pinnedDirty = true;
                startHeldByPause();
                // The client's reply slot stays open: the re-issued command's reply fills it.
                replyArrived(count);
                if (!loopSessions.closed && !closed && (call.tails == null || call.idsSettled)) {
                    reissueBlocked();
                    flushReplies();
                }
                return;
            }
        }
        blockedEnded(call);
        onReplies(stripNames(data, count, call.shape), count);
    }

    /** {@code count} replies with the namespace's prefix taken off the names {@code shape} says they carry. */
    private ByteBuf stripNames(ByteBuf data, int count, ReplyShape shape) {
        return stripNames(data, count, shape, tenant == null ? null : tenant.namespace);
    }

    /** {@code data} with {@code namespace}'s prefix taken off the names {@code shape} says it holds. */
    private ByteBuf stripNames(ByteBuf data, int count, ReplyShape shape, Namespace namespace) {
        return shape == null || namespace == null ? data : shape.rewrite(data, count, namespace, channel.alloc());
    }

    /** An XREAD {@code $} ended by a pause has its IDs now: if it waits only for them, it goes again. */
    void streamIdsResolved(BlockedCall call) {
        if (call == blocked && call.waitingForResume && !loopSessions.closed && !closed) {
            reissueBlocked();
            flushReplies();
        }
    }

    void blockedEnded(BlockedCall call) {
        if (call == blocked) {
            blocked = null;
            call.release();
        }
    }

    /** Sends a blocking command a pause ended again, with the time it had left, to the current upstream. */
    private void reissueBlocked() {
        BlockedCall old = blocked;
        UpstreamConnection connection = acquire(Route.DEDICATED);
        if (connection == null) {
            blocked = null;
            old.release();
            EndpointPool pool = pool();
            answerOpenSlot(error("ERR " + (pool == null ? "route '" + routeName + "' is no longer configured"
                    : pool.unavailableReason())));
            return;
        }
        String timeout = old.remainingNanos == 0 ? "0" : old.kind.format(old.remainingNanos);
        Map<Integer, byte[]> replace = new HashMap<>(old.resolvedIds);
        replace.put(old.timeoutArgument, ascii(timeout));
        ByteBuf command = decodeAndEncode(old.command, replace);
        BlockedCall next = new BlockedCall(this, old.command, old.kind, old.timeoutArgument, old.remainingNanos,
                System.nanoTime(), connection);
        next.tails = old.tails;
        next.shape = old.shape;
        next.resolvedIds = old.resolvedIds;
        next.idsSettled = old.idsSettled;
        blocked = next;
        commandsSent++;
        inflight++;
        inflightConnection = connection;
        connection.send(command, next, 1);
    }

    /** Answers the reply slot a re-issue would have filled. */
    private void answerOpenSlot(ByteBuf reply) {
        replies.remote(reply, 1);
        drainHeld();
    }

    /**
     * EXEC of a transaction whose WATCH was opened on the previous upstream: Redis can no longer tell whether
     * the watched keys changed, so the transaction is discarded upstream and the client gets the null reply of
     * an aborted EXEC, as if a watched key had changed.
     */
    void forwardAbortedExec() {
        ByteBuf aborted = channel.alloc().buffer(5);
        RespWriter.nullArray(aborted, client.protocol);
        forwardDiscardAnswering(aborted);
    }

    /**
     * EXEC of a transaction in which the proxy refused a command (see {@link #admit}): as Redis does when a
     * command fails to queue, the transaction is discarded and EXEC fails with EXECABORT.
     */
    void forwardRefusedExec() {
        forwardDiscardAnswering(error("EXECABORT Transaction discarded because of previous errors."));
    }

    /** Sends DISCARD in place of the client's EXEC and answers {@code reply} (ownership passes) for it. */
    private void forwardDiscardAnswering(ByteBuf aborted) {
        ByteBuf discard = channel.alloc().buffer(16);
        RespWriter.command(discard, "DISCARD");
        UpstreamConnection connection = connectionFor(Route.ANY);
        if (connection == null) {
            discard.release();
            aborted.release();
            return;
        }
        commandsSent++;
        flushRun();
        int n = replyBudget;
        replies.expectRemote(n);
        inflight += n;
        inflightConnection = connection;
        connection.send(discard, n == 0 ? new InternalReplies("DISCARD") : new RewrittenReplies(null, null, aborted), n);
        if (n == 0) {
            aborted.release();
        }
    }

    /**
     * Hands the session its replies rewritten: in {@code shape} (the namespace's prefix taken off the names they
     * carry), or replaced by {@code replacement} (ownership passes) when that is not null.
     */
    private final class RewrittenReplies implements ReplySink {
        private final ReplyShape shape;
        // The namespace the command ran in: the client may AUTH as another user before the reply arrives.
        private final Namespace namespace;
        private final ByteBuf replacement;

        RewrittenReplies(ReplyShape shape, Namespace namespace, ByteBuf replacement) {
            this.shape = shape;
            this.namespace = namespace;
            this.replacement = replacement;
        }

        @Override
        public void onReplies(ByteBuf data, int count) {
            if (replacement != null) {
                data.release();
                Session.this.onReplies(replacement, count);
            } else {
                Session.this.onReplies(stripNames(data, count, shape, namespace), count);
            }
        }

        @Override
        public void onRepliesLost(int count, String reason) {
            release();
            Session.this.onRepliesLost(count, reason);
        }

        @Override
        public void onAuthenticationFailed(int count) {
            release();
            Session.this.onAuthenticationFailed(count);
        }

        private void release() {
            if (replacement != null) {
                replacement.release();
            }
        }

        @Override
        public void flushReplies() {
            Session.this.flushReplies();
        }
    }

    /** MULTI: in a namespace, the replies of what it queues are followed to EXEC. */
    void transactionStarted() {
        transactionRefused = false;
        if (tenant != null) {
            tenant.transactionStarted();
        }
    }

    /**
     * EXEC or DISCARD ends the transaction: whether the proxy must fail an EXEC itself (it refused a command the
     * client queued); otherwise EXEC's reply takes the shapes of the queued commands' replies.
     */
    boolean transactionEndsRefused(boolean exec) {
        boolean refused = transactionRefused;
        transactionRefused = false;
        if (tenant != null) {
            ReplyShape shape = tenant.transactionEnded();
            nextShape = exec ? shape : null;
        }
        return exec && refused;
    }

    void setWatchBroken(boolean broken) {
        watchBroken = broken;
    }

    boolean watchBroken() {
        return watchBroken;
    }

    private UpstreamConnection connectionFor(Route route) {
        UpstreamConnection connection = acquire(route);
        if (connection == null) {
            EndpointPool pool = pool();
            if (pool == null) {
                reply(error("ERR route '" + routeName + "' is no longer configured on this data plane"));
            } else if (pool.authenticationFailed()) {
                reply(error("ERR upstream authentication failed"));
                closeWhenDrained();
            } else {
                reply(error("ERR " + pool.unavailableReason()));
            }
        }
        return connection;
    }

    /** The connection for {@code route} (pinning a dedicated one), or null while there is none to have. */
    private UpstreamConnection acquire(Route route) {
        if (route == Route.ROUTE_CREDENTIALS) {
            EndpointPool pool = routeCredentialsPool(client.db);
            return pool == null ? null : pool.shared();
        }
        if (pinned != null) {
            return pinned;
        }
        EndpointPool pool = pool();
        if (pool == null) {
            return null;
        }
        UpstreamConnection connection = route == Route.DEDICATED ? pool.acquireDedicated(this) : pool.shared();
        if (connection == null) {
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
        ByteBuf slice;
        if (runOut != null) {
            // Not retained: the slice carries the reference this session held.
            slice = runOut.slice(runStart, runEnd - runStart);
            runOut = null;
        } else {
            slice = runBuf.retainedSlice(runStart, runEnd - runStart);
            runBuf = null;
        }
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

    /**
     * Checks {@code password} for {@code userName} against the configured users; on success the session is
     * authenticated as that user. On failure the reply is WRONGPASS, delayed after repeated failures from the
     * client's address (only while the client is unauthenticated, when nothing of it can be upstream).
     *
     * @return whether it succeeded (the caller replies on success; this method replied on failure)
     */
    boolean authenticate(String userName, byte[] password) {
        UserConfig user = context.config().get().users().get(userName);
        InetAddress address = channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        if (user != null && user.accepts(password)) {
            context.authFailures().succeeded(address);
            UserAccess next = context.access().user(userName).orElse(null);
            boolean sameUser = access != null && client.user != null && client.user.name().equals(userName);
            if (!sameUser) {
                if (next != null && !next.connections().tryAcquire()) {
                    // Like a failed AUTH in Redis, the connection keeps the user it had.
                    reply(error(next.connections().refusal()));
                    return false;
                }
                releaseUserSlot();
            }
            client.user = user;
            client.authenticated = true;
            access = next;
            tenant = SessionNamespace.of(user);
            return true;
        }
        long delay = context.authFailures().failed(address);
        ByteBuf wrong = error("WRONGPASS invalid username-password pair or user is disabled.");
        if (delay == 0 || client.authenticated || inflight > 0 || replyBudget == 0) {
            reply(wrong);
            return false;
        }
        flushRun();
        replies.expectRemote(1);
        authReplyDelayed = true;
        pauseReading(PAUSE_AUTH);
        channel.eventLoop().schedule(() -> {
            authReplyDelayed = false;
            if (closed) {
                wrong.release();
                return;
            }
            replies.remote(wrong, 1);
            resumeReading(PAUSE_AUTH);
            drainHeld();
            closeIfDrained();
            flushReplies();
        }, delay, TimeUnit.MILLISECONDS);
        return false;
    }

    /** RESET: as in Redis, the client is no longer authenticated (when users are configured, it must AUTH again). */
    void signOut() {
        releaseUserSlot();
        client.user = null;
        client.authenticated = !usersConfigured();
        tenant = null;
    }

    /** Gives back the user's connection slot, if the session holds one. */
    private void releaseUserSlot() {
        if (access != null) {
            access.connections().release();
            access = null;
        }
    }

    /** Whether clients must AUTH on this data plane (users are configured). */
    boolean usersConfigured() {
        return !context.config().get().users().isEmpty();
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
        if (closing && !closed && replies.isEmpty() && closingError == null) {
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

    /** The pool of the client's route and protocol for database {@code db}, with the route's own credentials. */
    private EndpointPool routeCredentialsPool(int db) {
        RouteConfig route = context.config().get().routes().get(routeName);
        return route == null ? null : upstreams.pool(UpstreamEndpoint.forClient(route, null, db, client.protocol));
    }

    /**
     * Where KEYS, SCAN and PUBSUB go (see {@link ListingHandler}): with the route's credentials for a tenant whose
     * upstream ACL user may not list names, unless a MULTI or CLIENT REPLY OFF/SKIP holds the session to its own
     * connection (there Redis refuses them in the ACL user's words); anywhere the session's commands go otherwise.
     */
    Route listingRoute() {
        return tenant != null && client.user.hasUpstreamUserOn(routeName) && !hasPinReason(PinReason.TRANSACTION)
                && client.replyMode == ReplyMode.ON ? Route.ROUTE_CREDENTIALS : Route.ANY;
    }

    private EndpointPool pool() {
        ProxyConfig config = context.config().get();
        if (config != cachedConfig || client.db != cachedDb || client.protocol != cachedProtocol
                || client.user != cachedUser) { // the user: its upstream ACL user, if it has one
            RouteConfig route = config.routes().get(routeName);
            if (route == null) {
                return null;
            }
            cachedPool = upstreams.pool(UpstreamEndpoint.forClient(route, client.user, client.db, client.protocol));
            cachedConfig = config;
            cachedDb = client.db;
            cachedProtocol = client.protocol;
            cachedUser = client.user;
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
        replies.push(monitoring ? frame : stripNames(frame, 1, ReplyShape.PUBSUB));
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
        if (pinned != null && inflight == 0 && !loopSessions.closed) {
            moveIfUpstreamChanged(); // e.g. the EXEC that kept it on the old upstream when the gate opened
        }
        drainHeld();
        maybeUnpin();
        closeIfDrained();
    }

    /**
     * The configuration changed. A client whose user was removed is disconnected, as Redis's ACL DELUSER does; one
     * whose user changed follows the new settings. A pinned session with nothing in flight moves to the new
     * upstream now (its subscriptions, tracking, MONITOR replayed there), unless a pause holds traffic (it moves
     * on resume).
     */
    void onUpstreamsChanged() {
        if (closed) {
            return;
        }
        if (client.user != null) {
            UserConfig now = context.config().get().users().get(client.user.name());
            if (now == null) {
                log.info("{}: user '{}' was removed; closing its connection", this, client.user.name());
                channel.close();
                return;
            }
            if (!now.namespace().equals(client.user.namespace())) {
                tenant = SessionNamespace.of(now);
            }
            client.user = now;
            // The new rules and limits; the connection count is shared with the object the slot was taken from.
            UserAccess current = context.access().user(now.name()).orElse(null);
            if (access != null && current != null) {
                access = current;
            }
        }
        if (pinned == null || loopSessions.closed) {
            return;
        }
        moveIfUpstreamChanged();
        drainHeld();
        flushRun();
        flushReplies();
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

    // ================================================================ pause and resume (LoopSessions calls these)

    int inflightCount() {
        return inflight;
    }

    int heldCount() {
        return held.size() + (blocked != null && blocked.waitingForResume ? 1 : 0) + (walkSuspended ? 1 : 0);
    }

    /** Why this session keeps a drain from finishing, or null if it does not. */
    String busyReason() {
        if (closed) {
            return null;
        }
        if (hasPinReason(PinReason.TRANSACTION)) {
            return "inside MULTI (waiting for EXEC or DISCARD)";
        }
        if (blocked != null && blocked.waitingForResume && blocked.tails != null && !blocked.idsSettled) {
            return "in XREAD from $ (waiting for its streams' last IDs)";
        }
        if (blocked != null && !blocked.waitingForResume) {
            return blocked.canReissue() ? "in a blocking command (being ended upstream)"
                    : "in a blocking command the proxy cannot re-issue (waiting for its reply)";
        }
        if (inflight > 0) {
            return inflight + " command(s) in flight";
        }
        return null;
    }

    /**
     * Ends this session's blocking command upstream ({@code CLIENT UNBLOCK id TIMEOUT}, on another connection),
     * so it does not stall a drain; asked again on every drain tick until the reply comes, since the unblock can
     * overtake a command still on its way.
     */
    void unblockForPause() {
        BlockedCall call = blocked;
        if (call == null || call.waitingForResume || !call.canReissue() || closed || pinnedPool == null) {
            return;
        }
        UpstreamConnection connection = call.connection;
        if (!connection.isReady() || connection.serverClientId() < 0) {
            return;
        }
        UpstreamConnection other = pinnedPool.shared();
        if (other == null) {
            return;
        }
        call.unblockRequested = true;
        if (call.tails != null) {
            other.send(call.tails.unblockCommands(connection.serverClientId(), channel.alloc()),
                    call.tails.repliesFor(call), call.tails.replies());
            return;
        }
        ByteBuf command = channel.alloc().buffer(64);
        RespWriter.command(command, "CLIENT", "UNBLOCK", Long.toString(connection.serverClientId()), "TIMEOUT");
        other.send(command, UNBLOCK_REPLIES, 1);
    }

    private static final InternalReplies UNBLOCK_REPLIES = new InternalReplies("CLIENT UNBLOCK (for a pause)");

    /** Answers {@code -TRYAGAIN} to everything this session has held longer than the hold limit. */
    void expireHeld(long nowNanos) {
        if (closed || heldSinceNanos == 0 || nowNanos - heldSinceNanos < loopSessions.holdLimitNanos || !loopSessions.closed) {
            return;
        }
        heldSinceNanos = 0;
        loopSessions.heldByPause = Math.max(0, loopSessions.heldByPause - pauseHeld);
        pauseHeld = 0;
        if (blocked != null && blocked.waitingForResume) {
            BlockedCall call = blocked;
            blocked = null;
            call.release();
            replies.remote(error(LoopSessions.TRYAGAIN), 1);
        }
        ByteBuf bytes;
        while ((bytes = held.poll()) != null) {
            bytes.release();
            replyBudget = takeReplyBudget();
            reply(error(LoopSessions.TRYAGAIN));
        }
        heldQueueEmptied();
        flushReplies();
    }

    /** The gate opened: move to the configured upstream if it changed, re-issue, run what was held. */
    void onResume() {
        heldSinceNanos = 0;
        pauseHeld = 0;
        if (closed) {
            return;
        }
        moveIfUpstreamChanged();
        if (walkSuspended) {
            walkSuspended = false;
            inflight++;
            walk.resume();
        }
        if (blocked != null && blocked.waitingForResume && !closed
                && (blocked.tails == null || blocked.idsSettled)) {
            reissueBlocked();
        }
        drainHeld();
        flushRun();
        flushReplies();
    }

    /**
     * After a switch, a session pinned to the old upstream takes its connection state to the new one: the
     * dedicated connection is let go, and subscriptions, CLIENT TRACKING (with an invalidate-all push, since
     * the client's cache may be stale), MONITOR and CLIENT REPLY are replayed on a new one before anything the
     * client sent next. Database and protocol come with the new connection's handshake. An open WATCH cannot
     * be carried over: the next EXEC fails as if a watched key had changed. Nothing already sent to the old
     * upstream is sent again.
     */
    private void moveIfUpstreamChanged() {
        if (pinned == null || inflight > 0 || hasPinReason(PinReason.TRANSACTION)) {
            return;
        }
        EndpointPool current = pool();
        if (current == null || current.endpoint().sameServer(pinnedPool.endpoint())) {
            return;
        }
        int state = pinReasons;
        UpstreamConnection old = pinned;
        EndpointPool oldPool = pinnedPool;
        pinned = null;
        pinnedPool = null;
        pinReasons = 0;
        monitoring = false;
        oldPool.release(old, false);
        if ((state & PinReason.WATCH) != 0) {
            watchBroken = true;
        }
        if ((state & PinReason.DB_UNKNOWN) != 0) {
            log.warn("{}: ran SELECT inside a transaction, so its database on the old upstream is unknown; closing it"
                    + " rather than guessing on the new one", this);
            closeWhenDrained();
            return;
        }
        int replay = state & (PinReason.SUBSCRIBED | PinReason.MONITOR | PinReason.TRACKING | PinReason.REPLY_MODE);
        if (replay == 0) {
            return;
        }
        UpstreamConnection connection = acquire(Route.DEDICATED);
        if (connection == null) {
            log.warn("{}: cannot open a connection to the new upstream to replay its subscriptions/tracking/MONITOR;"
                    + " closing it, as Redis going away would", this);
            subscriptions.clear();
            closeWhenDrained();
            return;
        }
        pinReasons = replay;
        pinnedDirty = true;
        if ((replay & PinReason.TRACKING) != 0 && client.trackingCommand != null) {
            ByteBuf command = channel.alloc().buffer();
            RespWriter.command(command, client.trackingCommand);
            sendReplay(command, 1);
            if (client.protocol == 3) {
                ByteBuf push = channel.alloc().buffer(INVALIDATE_ALL.length);
                push.writeBytes(INVALIDATE_ALL);
                replies.push(push);
            }
        }
        // After TRACKING (a RESP2 connection in subscribed state refuses it), before MONITOR.
        if ((replay & PinReason.SUBSCRIBED) != 0) {
            replaySubscriptions("SUBSCRIBE", subscriptions.channels);
            replaySubscriptions("PSUBSCRIBE", subscriptions.patterns);
            replaySubscriptions("SSUBSCRIBE", subscriptions.shardChannels);
            pinnedSubscribed = true;
        }
        if ((replay & PinReason.MONITOR) != 0) {
            ByteBuf command = channel.alloc().buffer(16);
            RespWriter.command(command, "MONITOR");
            sendReplay(command, 1);
            monitoring = true;
        }
        // CLIENT REPLY has no reply to wait for when it works, and one nobody expects when refused (as a
        // subscribed RESP2 connection would): replayed only where it works.
        if ((replay & PinReason.REPLY_MODE) != 0 && client.replyMode != ReplyMode.ON
                && !(client.protocol == 2 && (replay & PinReason.SUBSCRIBED) != 0)) {
            ByteBuf command = channel.alloc().buffer(32);
            RespWriter.command(command, "CLIENT", "REPLY", client.replyMode == ReplyMode.OFF ? "OFF" : "SKIP");
            sendReplay(command, 0);
        }
    }

    private void replaySubscriptions(String command, Set<String> names) {
        if (names.isEmpty()) {
            return;
        }
        byte[][] args = new byte[names.size() + 1][];
        args[0] = ascii(command);
        int i = 1;
        for (String name : names) {
            args[i++] = name.getBytes(StandardCharsets.ISO_8859_1);
        }
        ByteBuf bytes = channel.alloc().buffer();
        RespWriter.command(bytes, args);
        sendReplay(bytes, names.size());
    }

    /** A command replaying state on the pinned connection: counted in flight, its replies kept from the client. */
    private void sendReplay(ByteBuf command, int expectedReplies) {
        inflight += expectedReplies;
        if (expectedReplies > 0) {
            inflightConnection = pinned;
        }
        pinned.send(tenant == null ? command : confineBuilt(command), replayReplies, expectedReplies);
    }

    private final ReplySink replayReplies = new ReplySink() {
        @Override
        public void onReplies(ByteBuf data, int count) {
            try {
                for (int i = 0; i < count && data.isReadable(); i++) {
                    Object value = RespValues.decode(data);
                    if (value instanceof RespError e) {
                        log.warn("{}: replaying its state on the new upstream failed: {}", Session.this, e.message());
                    }
                }
            } finally {
                data.release();
            }
            replyArrived(count);
        }

        @Override
        public void onRepliesLost(int count, String reason) {
            replyArrived(count);
        }

        @Override
        public void onAuthenticationFailed(int count) {
            replyArrived(count);
        }

        @Override
        public void flushReplies() {
            Session.this.flushReplies();
        }
    };

    /** The command in {@code frame} as a multibulk, with the arguments {@code replace} names swapped. */
    private ByteBuf encode(CommandFrame frame, Map<Integer, byte[]> replace) {
        byte[][] args = arguments(frame);
        replace.forEach((i, with) -> args[i] = with);
        ByteBuf out = channel.alloc().buffer();
        RespWriter.command(out, args);
        return out;
    }

    /** A copy of every argument of {@code frame}. Allocates: for rare paths. */
    static byte[][] arguments(CommandFrame frame) {
        byte[][] args = new byte[frame.argc()][];
        for (int i = 0; i < args.length; i++) {
            args[i] = frame.argBytes(i);
        }
        return args;
    }

    /** {@link #encode} of a command the proxy encoded before. */
    private ByteBuf decodeAndEncode(ByteBuf command, Map<Integer, byte[]> replace) {
        return parsed(command, frame -> encode(frame, replace));
    }

    /** A command the proxy built from what the client sent (ownership passes), confined to its namespace. */
    private ByteBuf confineBuilt(ByteBuf command) {
        try {
            return parsed(command, frame -> {
                if (tenant.plan(context.namespaceRules(), frame, context.commands().resolve(frame)) != null) {
                    throw new IllegalStateException("a command the proxy replays was refused: " + frame);
                }
                ByteBuf out = channel.alloc().buffer(command.readableBytes() + 32);
                tenant.write(frame, command, command.readerIndex(), out);
                return out;
            });
        } finally {
            command.release();
        }
    }

    /** What {@code use} makes of {@code command}, a command the proxy encoded before, parsed into a frame. */
    private ByteBuf parsed(ByteBuf command, Function<CommandFrame, ByteBuf> use) {
        CommandFrame frame = new CommandFrame();
        try {
            if (!heldParser.parse(command.duplicate(), frame, channel.alloc())) {
                throw new IllegalStateException("a command the proxy encoded does not parse");
            }
            return use.apply(frame);
        } catch (RespProtocolException e) {
            throw new IllegalStateException("a command the proxy encoded does not parse", e);
        } finally {
            frame.reset();
        }
    }

    // ================================================================ client connection events

    /** The client connection closed: nothing more will be written to it. */
    public void onClientClosed() {
        closed = true;
        closing = true;
        releaseUserSlot();
        loopSessions.remove(this);
        loopSessions.heldByPause = Math.max(0, loopSessions.heldByPause - pauseHeld);
        pauseHeld = 0;
        if (blocked != null) {
            blocked.release();
            blocked = null;
        }
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
        if (runOut != null) {
            runOut.release();
            runOut = null;
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
