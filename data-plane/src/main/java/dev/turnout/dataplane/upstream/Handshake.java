package dev.turnout.dataplane.upstream;

import dev.turnout.dataplane.resp.RespError;
import dev.turnout.dataplane.resp.RespValues;
import dev.turnout.dataplane.resp.RespWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands that make a fresh connection fit its {@link UpstreamEndpoint} before it carries a client
 * command: {@code HELLO <protocol> [AUTH user password]}, then {@code SELECT db} when db is not 0.
 * Needs Redis 6 or newer (HELLO).
 */
final class Handshake implements ReplySink {

    private final UpstreamConnection connection;
    private int awaiting;

    Handshake(UpstreamConnection connection) {
        this.connection = connection;
    }

    /** Writes the handshake commands and returns how many replies they will produce. */
    ByteBuf commands(ByteBufAllocator alloc) {
        UpstreamEndpoint e = connection.endpoint;
        ByteBuf out = alloc.buffer(128);
        if (e.password() != null) {
            String user = e.user() == null ? "default" : e.user();
            RespWriter.command(out, "HELLO".getBytes(StandardCharsets.US_ASCII),
                    Integer.toString(e.protocol()).getBytes(StandardCharsets.US_ASCII),
                    "AUTH".getBytes(StandardCharsets.US_ASCII), user.getBytes(StandardCharsets.UTF_8),
                    e.password().bytes());
        } else {
            RespWriter.command(out, "HELLO", Integer.toString(e.protocol()));
        }
        awaiting = 1;
        if (e.db() != 0) {
            RespWriter.command(out, "SELECT", Integer.toString(e.db()));
            awaiting++;
        }
        return out;
    }

    int replies() {
        return awaiting;
    }

    @Override
    public void onReplies(ByteBuf replies, int count) {
        try {
            for (int i = 0; i < count; i++) {
                Object value = RespValues.decode(replies);
                boolean hello = awaiting == (connection.endpoint.db() != 0 ? 2 : 1);
                awaiting--;
                if (value instanceof RespError error) {
                    connection.handshakeFailed(isAuthenticationError(error.message()),
                            (hello ? "HELLO" : "SELECT") + " failed: " + error.message());
                    return;
                }
                if (hello) {
                    connection.learnServer(asMap(value));
                }
            }
            if (awaiting == 0) {
                connection.handshakeSucceeded();
            }
        } finally {
            replies.release();
        }
    }

    /** HELLO's reply (a map in RESP3, a flat list of field, value, ... in RESP2), with text as strings. */
    private static Map<String, Object> asMap(Object value) {
        Map<String, Object> map = new HashMap<>();
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> map.put(String.valueOf(text(k)), text(v)));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                map.put(String.valueOf(text(list.get(i))), text(list.get(i + 1)));
            }
        }
        return map;
    }

    private static Object text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value;
    }

    static boolean isAuthenticationError(String message) {
        return message.startsWith("WRONGPASS") || message.startsWith("NOAUTH") || message.startsWith("NOPERM")
                || message.contains("invalid password") || message.contains("invalid username-password");
    }

    @Override
    public void onRepliesLost(int count, String reason) {
        // The connection is closing; it reports the failure itself.
    }

    @Override
    public void onAuthenticationFailed(int count) {
    }
}
