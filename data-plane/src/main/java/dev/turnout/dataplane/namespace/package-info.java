/**
 * Tenant namespaces: a user with a namespace ({@code "alice:"}) sees a Redis of its own inside a shared one.
 *
 * <p>{@link dev.turnout.dataplane.namespace.NamespaceRules} decides, per command and from the command table's key
 * specs, which arguments are keys, channels or glob patterns ({@link dev.turnout.dataplane.namespace.ArgumentPlan});
 * {@link dev.turnout.dataplane.namespace.Namespace} writes the command with the prefix in front of them; commands
 * that cannot be confined to a namespace are refused with the reason. Replies that carry key or channel names get
 * the prefix taken off again by a {@link dev.turnout.dataplane.namespace.ReplyShape}. Everything here is immutable
 * or confined to one session's event loop.
 */
package dev.turnout.dataplane.namespace;
