package dev.turnout.dataplane.session;

import dev.turnout.dataplane.resp.RespValues;
import dev.turnout.dataplane.resp.RespError;
import dev.turnout.dataplane.upstream.ReplySink;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replies to commands the proxy sends on its own (CLIENT UNBLOCK for a pause): nobody waits for them; an
 * error is logged, since it means a pause could not do what it meant to.
 */
final class InternalReplies implements ReplySink {

    private static final Logger log = LoggerFactory.getLogger(InternalReplies.class);

    private final String what;

    InternalReplies(String what) {
        this.what = what;
    }

    @Override
    public void onReplies(ByteBuf replies, int count) {
        try {
            for (int i = 0; i < count && replies.isReadable(); i++) {
                if (RespValues.decode(replies) instanceof RespError error) {
                    log.warn("{} failed upstream: {}", what, error.message());
                }
            }
        } finally {
            replies.release();
        }
    }

    @Override
    public void onRepliesLost(int count, String reason) {
        log.debug("{}: no reply ({})", what, reason);
    }

    @Override
    public void onAuthenticationFailed(int count) {
    }
}
