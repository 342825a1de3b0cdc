/**
 * Turnout's data plane: the Redis proxy process.
 *
 * <p>Start with {@link dev.turnout.dataplane.DataPlaneMain} (flags, standalone configuration, SIGHUP), then
 * {@link dev.turnout.dataplane.server.ProxyServer}. Packages: {@code config} (immutable snapshots),
 * {@code resp} (parsers), {@code command} (the command table), {@code session} (what happens to each
 * command), {@code upstream} (connections to Redis).
 */
package dev.turnout.dataplane;
