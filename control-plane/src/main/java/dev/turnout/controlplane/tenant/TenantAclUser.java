package dev.turnout.controlplane.tenant;

import dev.turnout.dataplane.config.Secret;
import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.dataplane.namespace.Namespace;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The ACL user on an upstream Redis that a tenant's commands run as: named {@code turnout-tenant-<user>}, allowed
 * only the keys and channels of the user's namespace, so that Redis itself refuses what the proxy would have to get
 * wrong to allow (a Lua script that computes a key outside the namespace gets NOPERM).
 *
 * <p>{@link #rules()} is what {@code ACL SETUSER} gets, as of Redis 7.0 (selectors: 7.0 or newer):
 * <pre>
 * reset resetchannels on #&lt;sha256 of the password&gt; ~alice:* &amp;alice:* +@all -@admin -@dangerous
 *     +client|unblock +info +role +lastsave +sort +sort_ro +restore +pfdebug -scan -randomkey -pubsub
 *     -script|flush -script|kill -function|delete -function|flush -function|kill -function|load -function|restore
 *     (+psubscribe allchannels)
 * </pre>
 * <ul>
 *   <li>{@code reset} starts from nothing whatever the user had: no password, no keys, no commands, off.
 *       It gives the user the channels of {@code acl-pubsub-default}, which is {@code allchannels} on some
 *       servers (and then {@code &alice:*} is refused), so {@code resetchannels} follows. All the rules apply in
 *       one command: connections authenticated as the user stay, and keep their subscriptions while the channel
 *       patterns do not change.</li>
 *   <li>{@code #hash}: the server gets the password's SHA-256, never the password, so it cannot show in MONITOR
 *       or the slow log whatever the server redacts; {@code ACL LIST} shows the same hash anyway.</li>
 *   <li>{@code ~ns*} and {@code &ns*}: the namespace's keys and channels (shard channels included); glob characters
 *       in the namespace are escaped, so they match only themselves.</li>
 *   <li>Commands: everything the data plane forwards for a tenant, and nothing it never forwards for one.
 *       {@code -@admin -@dangerous} takes away what administers the server or reaches every tenant (CONFIG,
 *       FLUSHALL, FLUSHDB, MONITOR, CLIENT LIST/KILL, ...); then back come what the proxy forwards for tenants
 *       from those categories: CLIENT UNBLOCK (the proxy's own, when a pause ends a blocked call), INFO, ROLE,
 *       LASTSAVE, and SORT, SORT_RO, RESTORE and PFDEBUG whose keys it confines. What lists names across the
 *       server goes as well, because a tenant's script could call it and ACL key patterns do not confine it: KEYS
 *       (in @dangerous), SCAN, RANDOMKEY and PUBSUB. The data plane sends a tenant's confined KEYS, SCAN and
 *       PUBSUB, and the SCAN and UNLINK of its FLUSHDB/DBSIZE/RANDOMKEY walks, with the route's credentials
 *       instead. The script and function commands that act on every tenant's scripts go too. HELLO, AUTH,
 *       SELECT, the CLIENT subcommands about the connection itself, MULTI/EXEC/WATCH, EVAL/EVALSHA/FCALL, UNLINK
 *       and PUBLISH/SUBSCRIBE stay allowed through {@code +@all}.</li>
 *   <li>{@code (+psubscribe allchannels)}: Redis lets a user PSUBSCRIBE only to a pattern equal to one of its
 *       channel patterns, so {@code &alice:*} alone would refuse the {@code alice:news.*} the proxy makes of a
 *       tenant's {@code news.*}. This selector lets PSUBSCRIBE through whatever the pattern; PSUBSCRIBE cannot be
 *       called from a script, so only the proxy sends it, with the namespace in front. PUBLISH, SUBSCRIBE and
 *       SSUBSCRIBE stay confined to {@code &alice:*}, in scripts too.</li>
 * </ul>
 * Redis refuses a SORT BY or GET pattern to a user without access to every key: a tenant's SORT with them fails
 * with Redis's own error.
 *
 * @param name      the ACL user's name
 * @param user      the proxy user it is for
 * @param namespace the proxy user's namespace, not empty
 * @param password  the ACL user's password
 */
public record TenantAclUser(String name, String user, String namespace, Secret password) {

    /** Every tenant ACL user's name starts with this. */
    public static final String PREFIX = "turnout-tenant-";

    /** The command rules, after the password and the key and channel patterns. */
    static final List<String> COMMAND_RULES = List.of("+@all", "-@admin", "-@dangerous",
            "+client|unblock", "+info", "+role", "+lastsave", "+sort", "+sort_ro", "+restore", "+pfdebug",
            "-scan", "-randomkey", "-pubsub", "-script|flush", "-script|kill", "-function|delete", "-function|flush", "-function|kill", "-function|load",
            "-function|restore");

    /** After the command rules: PSUBSCRIBE whatever the pattern (see the class comment). */
    static final String PATTERN_SUBSCRIPTIONS = "(+psubscribe allchannels)";

    public TenantAclUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (namespace == null || namespace.isEmpty()) {
            throw new IllegalArgumentException("namespace: empty (a user without a namespace has no tenant ACL user)");
        }
    }

    /** The ACL user for proxy user {@code user}, whose namespace is {@code namespace}. */
    public static TenantAclUser of(String user, String namespace, Secret password) {
        return new TenantAclUser(nameFor(user), user, namespace, password);
    }

    /** {@code turnout-tenant-<user>}. */
    public static String nameFor(String user) {
        return PREFIX + user;
    }

    /** The arguments of {@code ACL SETUSER <name>}: the whole definition, whatever the user had before. */
    public List<String> rules() {
        String pattern = escapeGlob(namespace) + "*";
        List<String> rules = new ArrayList<>(List.of("reset", "resetchannels", "on",
                "#" + HexFormat.of().formatHex(UserConfig.sha256(password.bytes())), "~" + pattern, "&" + pattern));
        rules.addAll(COMMAND_RULES);
        rules.add(PATTERN_SUBSCRIPTIONS);
        return rules;
    }

    /** {@code text} as a Redis glob that matches only itself: {@code * ? [ ] \} escaped with a backslash. */
    static String escapeGlob(String text) {
        StringBuilder b = new StringBuilder(text.length() + 4);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Namespace.isGlobSpecial(c)) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    /** Names the ACL user and its namespace; never its password or rules. */
    @Override
    public String toString() {
        return name + " (namespace '" + namespace + "')";
    }
}
