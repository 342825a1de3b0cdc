package dev.turnout.dataplane.config;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * A client of the proxy: its name, the SHA-256 of its password (never the password), and what it may do. With
 * users configured, a client must AUTH as one of them before anything else; a user named {@code default} is the
 * one {@code AUTH <password>} authenticates as.
 *
 * @param passwordSha256  the SHA-256 of the password, 32 bytes
 * @param namespace       the key prefix of the user's namespace ("" for none: an admin user)
 * @param commands        the commands and categories allowed, in Redis ACL syntax
 * <p>The upstream fields are for defence in depth: when the control plane has provisioned an ACL user on a route's
 * upstream Redis that may only touch this user's namespace, the data plane sends this user's commands on that route
 * as that ACL user instead of with the route's credentials. They come only from a control plane's snapshot, never
 * from a configuration file, and are never written back to one; {@link #toString()} names the ACL user, never its password.
 *
 * @param maxConnections   0 for no limit
 * @param rateLimit        commands per second, 0 for no limit
 * @param upstreamUser     the upstream ACL user for this user's commands, or null for none
 * @param upstreamPassword its password; null exactly when {@code upstreamUser} is
 * @param upstreamRoutes   the routes whose upstream holds that ACL user (empty without one)
 */
public record UserConfig(String name, byte[] passwordSha256, String namespace, String commands, int maxConnections,
                         int rateLimit, String upstreamUser, Secret upstreamPassword, Set<String> upstreamRoutes) {

    public static final String DEFAULT_USER = "default";
    public static final String HASH_PREFIX = "sha256:";

    public UserConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(commands, "commands");
        if (passwordSha256 == null || passwordSha256.length != 32) {
            throw new IllegalArgumentException("passwordSha256: expected 32 bytes");
        }
        passwordSha256 = passwordSha256.clone();
        if ((upstreamUser == null) != (upstreamPassword == null)) {
            throw new IllegalArgumentException("upstreamUser and upstreamPassword: expected both or neither");
        }
        upstreamRoutes = upstreamUser == null ? Set.of() : Set.copyOf(Objects.requireNonNull(upstreamRoutes, "upstreamRoutes"));
    }

    /** A user whose commands use each route's own upstream credentials. */
    public UserConfig(String name, byte[] passwordSha256, String namespace, String commands, int maxConnections,
                      int rateLimit) {
        this(name, passwordSha256, namespace, commands, maxConnections, rateLimit, null, null, Set.of());
    }

    /**
     * This user, with its commands sent as upstream ACL user {@code user} on {@code routes}; a null {@code user}
     * (and password) for none.
     */
    public UserConfig withUpstream(String user, Secret password, Set<String> routes) {
        return new UserConfig(name, passwordSha256, namespace, commands, maxConnections, rateLimit, user, password,
                routes);
    }

    /** Whether this user's commands on {@code route} go as its own upstream ACL user ({@link #upstreamUser()}). */
    public boolean hasUpstreamUserOn(String route) {
        return upstreamUser != null && upstreamRoutes.contains(route);
    }

    /** Whether {@code password} is this user's, compared in constant time. */
    public boolean accepts(byte[] password) {
        return MessageDigest.isEqual(sha256(password), passwordSha256);
    }

    /** The password hash as configuration files hold it: {@code sha256:<64 hex digits>}. */
    public String passwordHash() {
        return HASH_PREFIX + HexFormat.of().formatHex(passwordSha256);
    }

    /** Parses {@code sha256:<64 hex digits>}; null if it is not that. */
    public static byte[] parseHash(String text) {
        if (text == null || !text.startsWith(HASH_PREFIX) || text.length() != HASH_PREFIX.length() + 64) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(text.substring(HASH_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static byte[] sha256(byte[] password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(password);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserConfig u && name.equals(u.name) && MessageDigest.isEqual(passwordSha256, u.passwordSha256)
                && namespace.equals(u.namespace) && commands.equals(u.commands) && maxConnections == u.maxConnections
                && rateLimit == u.rateLimit && Objects.equals(upstreamUser, u.upstreamUser)
                && Objects.equals(upstreamPassword, u.upstreamPassword) && upstreamRoutes.equals(u.upstreamRoutes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, namespace, commands, maxConnections, rateLimit, upstreamUser, upstreamPassword,
                upstreamRoutes) * 31 + Arrays.hashCode(passwordSha256);
    }

    @Override
    public String toString() {
        return "user " + name + " (namespace '" + namespace + "'"
                + (upstreamUser == null ? "" : ", upstream ACL user " + upstreamUser + " on " + upstreamRoutes.size()
                        + " route(s)") + ")";
    }
}
