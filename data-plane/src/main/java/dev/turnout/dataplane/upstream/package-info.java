/**
 * Connections to upstream Redis servers: multiplexed, pipelined, confined to one event loop each.
 *
 * <p>Start with {@link dev.turnout.dataplane.upstream.UpstreamConnection} (FIFO of commands in flight, replies
 * forwarded as slices), then {@link dev.turnout.dataplane.upstream.EndpointPool} (one shared connection and
 * idle dedicated ones per endpoint and event loop, reconnect with backoff) and
 * {@link dev.turnout.dataplane.upstream.Upstreams} (all loops). Replies go to a
 * {@link dev.turnout.dataplane.upstream.ReplySink}, which a client session implements.
 */
package dev.turnout.dataplane.upstream;
