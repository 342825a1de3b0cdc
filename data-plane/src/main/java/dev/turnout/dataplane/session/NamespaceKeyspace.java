package dev.turnout.dataplane.session;

import dev.turnout.dataplane.namespace.KeyspaceOperation;
import dev.turnout.dataplane.namespace.Namespace;
import dev.turnout.dataplane.resp.RespError;
import dev.turnout.dataplane.resp.RespValues;
import dev.turnout.dataplane.resp.RespWriter;
import dev.turnout.dataplane.upstream.ReplySink;
import dev.turnout.dataplane.upstream.UpstreamConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * FLUSHDB, FLUSHALL, DBSIZE and RANDOMKEY for a client in a namespace: the whole database is not the client's, so
 * the proxy walks the namespace's keys with {@code SCAN cursor MATCH <prefix>* COUNT 1000} and deletes them in
 * batches ({@code UNLINK}), counts them, or picks one. Each upstream command touches at most one SCAN page, so
 * other clients' commands run between the batches: O(keys in the database) in all, never blocking Redis for long.
 * It runs on the route's shared connections, with the route's credentials, once the client's earlier commands
 * have been answered; a pause stops it at a page boundary until the resume; a flush finishes even if the client
 * leaves. Confined to the session's event loop; the session holds the client's later commands until it ends.
 */
final class NamespaceKeyspace implements ReplySink {

    /** Where the walk runs: the session's connection for {@code db}, or null with {@link #unavailable}. */
    interface Connections {
        UpstreamConnection forDb(int db);

        String unavailable(int db);
    }

    private static final byte[] SCAN = Session.ascii("SCAN");
    private static final byte[] MATCH = Session.ascii("MATCH");
    private static final byte[] COUNT = Session.ascii("COUNT");
    private static final byte[] PAGE = Session.ascii("1000");
    private static final byte[] UNLINK = Session.ascii("UNLINK");
    private static final byte[] START = Session.ascii("0");

    private final Session session;
    private final KeyspaceOperation kind;
    private final Namespace namespace;
    private final Connections connections;
    private final int[] dbs;
    private final int protocol;
    private final ByteBufAllocator alloc;
    private int dbIndex;
    private byte[] cursor = START;
    private long counted;
    private boolean unlinking;
    private boolean done;

    NamespaceKeyspace(Session session, KeyspaceOperation kind, Namespace namespace, Connections connections, int[] dbs,
                      int protocol, ByteBufAllocator alloc) {
        this.session = session;
        this.kind = kind;
        this.namespace = namespace;
        this.connections = connections;
        this.dbs = dbs.clone();
        this.protocol = protocol;
        this.alloc = alloc;
    }

    void start() {
        scanPage();
    }

    /**
     * The walk goes on after a pause held it: the upstream may have changed meanwhile, and a SCAN cursor means nothing
     * on another server, so the current pass starts again (a count from zero; a flush finds what is left).
     */
    void resume() {
        cursor = START;
        if (kind == KeyspaceOperation.DBSIZE) {
            counted = 0;
            dbIndex = 0;
        }
        scanPage();
    }

    private void scanPage() {
        if (session.isClosing() && kind != KeyspaceOperation.FLUSHDB && kind != KeyspaceOperation.FLUSHALL) {
            // Nobody waits for the answer; a flush, once begun, finishes (the client saw nothing yet).
            finish(error("ERR the client went away"));
            return;
        }
        UpstreamConnection connection = connections.forDb(dbs[dbIndex]);
        if (connection == null) {
            finish(error("ERR " + connections.unavailable(dbs[dbIndex])));
            return;
        }
        ByteBuf command = alloc.buffer(64);
        RespWriter.command(command, SCAN, cursor, MATCH, namespace.everything(), COUNT, PAGE);
        connection.send(command, this, 1);
    }

    @Override
    public void onReplies(ByteBuf replies, int count) {
        Object reply;
        try {
            reply = RespValues.decode(replies);
        } finally {
            replies.release();
        }
        if (done) {
            return;
        }
        if (unlinking) {
            unlinking = false;
            if (reply instanceof RespError e) {
                finish(error(e.message()));
            } else {
                nextPage();
            }
            return;
        }
        if (!(reply instanceof List<?> page) || page.size() != 2 || !(page.get(0) instanceof byte[] next)
                || !(page.get(1) instanceof List<?> keys)) {
            finish(reply instanceof RespError e ? error(e.message()) : error("ERR unexpected SCAN reply"));
            return;
        }
        cursor = next;
        switch (kind) {
            case DBSIZE -> {
                counted += keys.size();
                nextPage();
            }
            case RANDOMKEY -> {
                if (keys.isEmpty()) {
                    nextPage();
                } else {
                    byte[] key = (byte[]) keys.get(ThreadLocalRandom.current().nextInt(keys.size()));
                    ByteBuf out = alloc.buffer(key.length + 16);
                    RespWriter.bulk(out, Arrays.copyOfRange(key, namespace.length(), key.length));
                    finish(out);
                }
            }
            case FLUSHDB, FLUSHALL -> {
                if (keys.isEmpty()) {
                    nextPage();
                } else {
                    unlink(keys);
                }
            }
        }
    }

    private void unlink(List<?> keys) {
        UpstreamConnection connection = connections.forDb(dbs[dbIndex]);
        if (connection == null) {
            finish(error("ERR " + connections.unavailable(dbs[dbIndex])));
            return;
        }
        byte[][] args = new byte[keys.size() + 1][];
        args[0] = UNLINK;
        for (int i = 0; i < keys.size(); i++) {
            args[i + 1] = (byte[]) keys.get(i);
        }
        ByteBuf command = alloc.buffer(16 + keys.size() * 32);
        RespWriter.command(command, args);
        unlinking = true;
        connection.send(command, this, 1);
    }

    private void nextPage() {
        if (Arrays.equals(cursor, START)) {
            dbIndex++;
            if (dbIndex == dbs.length) {
                finish(result());
                return;
            }
        }
        if (!session.holdsWalk(this)) {
            scanPage();
        }
    }

    private ByteBuf result() {
        ByteBuf out = alloc.buffer(24);
        switch (kind) {
            case FLUSHDB, FLUSHALL -> RespWriter.ok(out);
            case DBSIZE -> RespWriter.integer(out, counted);
            case RANDOMKEY -> RespWriter.nullBulk(out, protocol);
        }
        return out;
    }

    private ByteBuf error(String message) {
        ByteBuf out = alloc.buffer(message.length() + 3);
        RespWriter.error(out, message);
        return out;
    }

    private void finish(ByteBuf reply) {
        done = true;
        session.keyspaceWalkEnded(this, reply);
    }

    @Override
    public void onRepliesLost(int count, String reason) {
        if (!done) {
            finish(error("ERR " + reason));
        }
    }

    @Override
    public void onAuthenticationFailed(int count) {
        onRepliesLost(count, "upstream authentication failed");
    }

    @Override
    public void flushReplies() {
        session.flushReplies();
    }
}
