package dev.turnout.dataplane.session;

import dev.turnout.dataplane.command.CommandFlag;
import dev.turnout.dataplane.command.CommandSpec;
import dev.turnout.dataplane.command.CommandTable;
import dev.turnout.dataplane.resp.CommandFrame;
import io.netty.buffer.ByteBuf;
import java.util.Map;
import java.util.Set;

/**
 * The proxy's command table: for every command Redis knows, the {@link CommandHandler} that runs it,
 * indexed by {@link CommandSpec#id()} so the hot path is one hash lookup and one array read. Blocking
 * commands get a dedicated connection from their {@code blocking} flag; commands about the connection
 * itself are named here; everything else, and every command the table does not know, is forwarded
 * unchanged.
 */
final class CommandPolicy {

    private static final Map<String, CommandHandler> NAMED = Map.ofEntries(
            Map.entry("select", ConnectionHandlers.SELECT),
            Map.entry("hello", ConnectionHandlers.HELLO),
            Map.entry("auth", ConnectionHandlers.AUTH_COMMAND),
            Map.entry("quit", ConnectionHandlers.QUIT),
            Map.entry("reset", ConnectionHandlers.RESET),
            Map.entry("client", ClientHandler.INSTANCE),
            Map.entry("multi", TransactionHandlers.MULTI),
            Map.entry("exec", TransactionHandlers.END),
            Map.entry("discard", TransactionHandlers.END),
            Map.entry("watch", TransactionHandlers.WATCH),
            Map.entry("unwatch", TransactionHandlers.UNWATCH),
            Map.entry("subscribe", PubSubHandlers.SUBSCRIBE),
            Map.entry("psubscribe", PubSubHandlers.PSUBSCRIBE),
            Map.entry("ssubscribe", PubSubHandlers.SSUBSCRIBE),
            Map.entry("unsubscribe", PubSubHandlers.UNSUBSCRIBE),
            Map.entry("punsubscribe", PubSubHandlers.PUNSUBSCRIBE),
            Map.entry("sunsubscribe", PubSubHandlers.SUNSUBSCRIBE),
            Map.entry("monitor", MonitorHandler.INSTANCE),
            Map.entry("xread", StreamReadHandler.INSTANCE),
            Map.entry("xreadgroup", StreamReadHandler.INSTANCE),
            Map.entry("keys", ListingHandler.INSTANCE),
            Map.entry("scan", ListingHandler.INSTANCE),
            Map.entry("pubsub", ListingHandler.INSTANCE),
            Map.entry("flushdb", KeyspaceWalkHandler.INSTANCE),
            Map.entry("flushall", KeyspaceWalkHandler.INSTANCE),
            Map.entry("dbsize", KeyspaceWalkHandler.INSTANCE),
            Map.entry("randomkey", KeyspaceWalkHandler.INSTANCE));

    /** Inside MULTI these are queued by Redis, not run: see {@link ForwardHandler#QUEUED}. */
    private static final Set<CommandHandler> QUEUED_INSIDE_MULTI = Set.of(ClientHandler.INSTANCE,
            MonitorHandler.INSTANCE, PubSubHandlers.SUBSCRIBE, PubSubHandlers.PSUBSCRIBE, PubSubHandlers.SSUBSCRIBE,
            PubSubHandlers.UNSUBSCRIBE, PubSubHandlers.PUNSUBSCRIBE, PubSubHandlers.SUNSUBSCRIBE);
    /** What a RESP2 connection in subscribed state still runs (PING is forwarded like any command). */
    private static final Set<CommandHandler> RUN_WHILE_SUBSCRIBED = Set.of(PubSubHandlers.SUBSCRIBE,
            PubSubHandlers.PSUBSCRIBE, PubSubHandlers.SSUBSCRIBE, PubSubHandlers.UNSUBSCRIBE,
            PubSubHandlers.PUNSUBSCRIBE, PubSubHandlers.SUNSUBSCRIBE, ConnectionHandlers.QUIT, ConnectionHandlers.RESET);

    private final CommandTable table;
    private final CommandHandler[] byId;

    CommandPolicy(CommandTable table) {
        this.table = table;
        this.byId = new CommandHandler[table.size()];
        for (int id = 0; id < byId.length; id++) {
            CommandSpec spec = table.byId(id);
            CommandHandler named = NAMED.get(spec.name());
            byId[id] = named != null ? named : spec.isBlocking() ? ForwardHandler.blocking(BlockingTimeout.of(spec.name())) : ForwardHandler.ANY;
        }
        for (String name : NAMED.keySet()) {
            if (table.lookup(name) == null) {
                throw new IllegalStateException("command table has no '" + name + "' (generated from Redis "
                        + table.redisVersion() + "?)");
            }
        }
    }

    /** What a client that has not authenticated yet gets for anything but AUTH, HELLO, QUIT and the like. */
    static final CommandHandler NOAUTH = new CommandHandler() {
        @Override
        public Route route(Session session, CommandFrame frame) {
            return Route.LOCAL;
        }

        @Override
        public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
            session.reply(session.error("NOAUTH Authentication required."));
        }
    };

    /** Before AUTH: the command's handler if Redis runs it unauthenticated (its no_auth flag), else NOAUTH. */
    CommandHandler handlerBeforeAuth(CommandFrame frame) {
        CommandSpec spec = table.lookup(frame.source(), frame.base() + frame.argOffset(0), frame.argLength(0));
        return spec != null && spec.hasFlag(CommandFlag.NO_AUTH) ? byId[spec.id()] : NOAUTH;
    }

    /** The handler for the command in {@code frame}; unknown commands are forwarded unchanged. */
    CommandHandler handlerFor(CommandFrame frame) {
        CommandSpec spec = table.lookup(frame.source(), frame.base() + frame.argOffset(0), frame.argLength(0));
        return spec == null ? ForwardHandler.ANY : byId[spec.id()];
    }

    /**
     * The handler for {@code frame} on a connection where Redis does not run commands as they come: inside
     * MULTI it queues them (one +QUEUED each), and a RESP2 connection in subscribed state refuses all but a
     * few (one error each, in Redis's words). What the proxy would otherwise do itself (answer, pin, count
     * several replies, follow a state change) would put the client out of step with Redis.
     */
    CommandHandler handlerFor(CommandFrame frame, boolean inTransaction, boolean subscribedResp2) {
        CommandHandler handler = handlerFor(frame);
        if (inTransaction) {
            return QUEUED_INSIDE_MULTI.contains(handler) ? ForwardHandler.QUEUED : handler;
        }
        if (subscribedResp2 && !RUN_WHILE_SUBSCRIBED.contains(handler)) {
            return ForwardHandler.ANY;
        }
        return handler;
    }
}
