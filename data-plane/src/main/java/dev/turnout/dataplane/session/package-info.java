/**
 * Client sessions: what the proxy does with each command a client sends.
 *
 * <p>Start with {@link dev.turnout.dataplane.session.Session} (routing, ordering, pinning, backpressure);
 * {@code CommandPolicy} maps each command of the command table to a {@code CommandHandler}
 * ({@code ForwardHandler} for most; {@code ConnectionHandlers}, {@code ClientHandler},
 * {@code TransactionHandlers}, {@code PubSubHandlers} for the commands about connection state);
 * {@code ReplyOrderQueue} keeps replies in request order.
 */
package dev.turnout.dataplane.session;
