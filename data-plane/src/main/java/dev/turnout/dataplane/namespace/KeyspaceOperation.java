package dev.turnout.dataplane.namespace;

/**
 * A command about the whole keyspace that a namespace confines by walking its own keys instead (see
 * {@link NamespaceRules}): the proxy runs it, not Redis.
 */
public enum KeyspaceOperation {
    /** FLUSHDB: delete the namespace's keys in the current database. */
    FLUSHDB,
    /** FLUSHALL: delete the namespace's keys in every database of the route. */
    FLUSHALL,
    /** DBSIZE: count the namespace's keys in the current database. */
    DBSIZE,
    /** RANDOMKEY: one of the namespace's keys in the current database, or null. */
    RANDOMKEY
}
