/**
 * The data plane's network side: listeners, event loops and each client connection's pipeline.
 *
 * <p>Start with {@link dev.turnout.dataplane.server.ProxyServer}; the pipeline is assembled in
 * {@code ProxyChannelInitializer}; {@code ClientChannelHandler} frames commands for the
 * {@link dev.turnout.dataplane.session.Session}.
 */
package dev.turnout.dataplane.server;
