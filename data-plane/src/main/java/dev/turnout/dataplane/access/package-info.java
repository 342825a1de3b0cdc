/**
 * Per-user access: which commands a configured user may run, how many a second, over how many connections.
 *
 * <p>Start with {@link dev.turnout.dataplane.access.UserAccessRegistry}: {@code update(config, table)} on each
 * configuration swap gives an immutable {@link dev.turnout.dataplane.access.AccessSnapshot}, and
 * {@code snapshot.user(name)} a {@link dev.turnout.dataplane.access.UserAccess}. Its
 * {@link dev.turnout.dataplane.access.CommandRules} reads the user's {@code commands} in Redis 7.0's ACL syntax
 * ({@code +@all -@dangerous +client|kill}) and answers {@code allows(spec)} in O(1);
 * {@link dev.turnout.dataplane.access.RateLimiter} and {@link dev.turnout.dataplane.access.ConnectionQuota} are
 * lock-free and shared by the user's connections on every event loop, and survive configuration changes. Each
 * class words its own refusal as Redis or the proxy replies it.
 */
package dev.turnout.dataplane.access;
