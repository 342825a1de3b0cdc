package dev.turnout.dataplane.session;

import dev.turnout.dataplane.command.CommandSpec;
import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.dataplane.namespace.ArgumentPlan;
import dev.turnout.dataplane.namespace.KeyspaceOperation;
import dev.turnout.dataplane.namespace.Namespace;
import dev.turnout.dataplane.namespace.NamespaceRules;
import dev.turnout.dataplane.namespace.ReplyShape;
import dev.turnout.dataplane.resp.CommandFrame;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * A session's namespace, once its client authenticated as a user that has one: the plan of the command being run
 * (see {@link NamespaceRules}), and the reply shapes of the commands a MULTI queued, so that EXEC's reply loses the
 * prefix where each of them would have. Confined to the session's event loop.
 */
final class SessionNamespace {

    final Namespace namespace;
    private final ArgumentPlan plan = new ArgumentPlan();
    private final List<ReplyShape> queued = new ArrayList<>();
    private boolean queuedShaped;

    private SessionNamespace(Namespace namespace) {
        this.namespace = namespace;
    }

    /** The namespace of {@code user}, or null when it has none (or there is no user). */
    static SessionNamespace of(UserConfig user) {
        Namespace namespace = user == null ? null : Namespace.of(user.namespace());
        return namespace == null ? null : new SessionNamespace(namespace);
    }

    /** Plans {@code frame}; returns the refusal (a NOPERM error text) or null. */
    String plan(NamespaceRules rules, CommandFrame frame, CommandSpec resolved) {
        rules.plan(frame, resolved, plan);
        return plan.refusal();
    }

    /** The reply shape of the command last planned, or null. */
    ReplyShape replyShape() {
        return plan.replyShape();
    }

    /** The keyspace walk the proxy runs for the command last planned, or null. */
    KeyspaceOperation operation() {
        return plan.operation();
    }

    /** Appends the command last planned, as it goes upstream, to {@code out}. */
    void write(CommandFrame frame, ByteBuf buf, int start, ByteBuf out) {
        if (plan.rewrites() || frame.inline()) {
            plan.write(frame, namespace, out);
        } else {
            out.writeBytes(buf, start, frame.frameLength());
        }
    }

    /** At most how many bytes {@link #write} takes for the command last planned. */
    int longestWrite(CommandFrame frame) {
        return plan.longestWrite(frame, namespace);
    }

    /** A MULTI began: the commands it queues are remembered until EXEC or DISCARD. */
    void transactionStarted() {
        queued.clear();
        queuedShaped = false;
    }

    /** The command last planned was queued by MULTI. */
    void queuedLast() {
        ReplyShape shape = plan.replyShape();
        queued.add(shape);
        queuedShaped |= shape != null;
    }

    /** The transaction ends: the shape of EXEC's reply (each element in its command's shape), or null. */
    ReplyShape transactionEnded() {
        ReplyShape shape = queuedShaped ? ReplyShape.elements(queued.toArray(new ReplyShape[0])) : null;
        transactionStarted();
        return shape;
    }
}
