package dev.turnout.controlplane.redis;

import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.Secret;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.args.ClientPauseMode;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admin connection to a Redis server, authenticated with a route's upstream credentials, for the steps of
 * a switch: check the target ({@link #replication()}), fence the old primary ({@link #fenceWrites}), wait for
 * the replica ({@link #awaitReplicaOffset}), promote it ({@link #promote()}); and for the tenants' upstream ACL
 * users ({@link #setAclUser}, {@link #deleteAclUsers}, {@link #aclUsers()}).
 *
 * <pre>{@code
 * try (RedisAdmin primary = RedisAdmin.connect(from, user, password, Duration.ofSeconds(2));
 *      RedisAdmin replica = RedisAdmin.connect(to, user, password, Duration.ofSeconds(2))) {
 *     primary.fenceWrites(Duration.ofSeconds(10));
 *     long fenced = primary.replication().masterReplOffset();
 *     if (replica.awaitReplicaOffset(fenced, Duration.ofSeconds(5)) < fenced) { primary.unfence(); ... }
 *     replica.promote();
 * }
 * }</pre>
 *
 * <p>Blocking: call it from the switch's own thread, never an event loop. Every call is bounded by the
 * timeout given to {@link #connect} (connect and socket timeout); {@link #awaitReplicaOffset} by its own. A
 * call whose connection broke (a timeout, a reset) fails, and the next call connects and authenticates again.
 * The methods are synchronized: one command at a time on the connection.
 */
public final class RedisAdmin implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisAdmin.class);

    /** Seen by the server in CLIENT LIST, so an operator can tell the switch's connections apart. */
    static final String CLIENT_NAME = "turnout-control-plane";

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final HostAndPort address;
    private final JedisClientConfig config;
    private final int timeoutMillis;
    private final boolean withPassword;
    private Jedis jedis; // guarded by this; null once broken, until the next call connects again
    private volatile boolean closed;

    private RedisAdmin(HostAndPort address, JedisClientConfig config, int timeoutMillis, boolean withPassword) {
        this.address = address;
        this.config = config;
        this.timeoutMillis = timeoutMillis;
        this.withPassword = withPassword;
    }

    /**
     * Connects and authenticates: {@code AUTH user password}, or {@code AUTH password} if {@code user} is null,
     * or no AUTH at all if {@code password} is null.
     *
     * @param timeout bounds the connect and every later command (socket timeout); rounded up to whole ms
     * @throws RedisAdminException the server is unreachable, or refused the credentials
     */
    public static RedisAdmin connect(HostAndPort address, String user, Secret password, Duration timeout)
            throws RedisAdminException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, (timeout.toNanos() + 999_999) / 1_000_000));
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .clientName(CLIENT_NAME)
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED); // CLIENT SETINFO: Redis 7.2+ only
        if (password != null) {
            config.user(user).password(password.reveal());
        }
        RedisAdmin admin = new RedisAdmin(address, config.build(), millis, password != null);
        try {
            synchronized (admin) {
                admin.call("PING", Jedis::ping); // without a password, the first command is where NOAUTH shows
            }
        } catch (RedisAdminException e) {
            admin.close();
            throw e;
        }
        return admin;
    }

    /** The server this connection talks to. */
    public HostAndPort address() {
        return address;
    }

    /** {@code INFO replication}, parsed. */
    public synchronized ReplicationInfo replication() throws RedisAdminException {
        String text = call("INFO replication", jedis -> jedis.info("replication"));
        ReplicationInfo info = ReplicationInfo.parse(text);
        if (!info.isPrimary() && !"slave".equals(info.role())) {
            throw new RedisAdminException(address + ": INFO replication has no role:master or role:slave line"
                    + " (is this a Redis server?); got: " + abbreviate(text));
        }
        return info;
    }

    /**
     * {@code ACL SETUSER name rule...}: creates the ACL user, or changes it (rules apply left to right, on top of
     * what it has unless they start with {@code reset}). Connections already authenticated as the user stay.
     *
     * @param rules never put in a log line or an exception message here (they may hold a password hash)
     * @throws RedisAdminException {@link RedisAdminException#refusedByServer() refused by the server} when the
     *     connection's user lacks {@code +acl} (NOPERM), the server is older than Redis 6 (no ACL command), or a
     *     rule is invalid; else the server could not be asked
     */
    public synchronized void setAclUser(String name, List<String> rules) throws RedisAdminException {
        Objects.requireNonNull(name, "name");
        String[] args = rules.toArray(String[]::new);
        call("ACL SETUSER " + name, jedis -> jedis.aclSetUser(name, args));
    }

    /** {@code ACL DELUSER name...}: deletes ACL users, closing their connections; returns how many existed. */
    public synchronized long deleteAclUsers(Collection<String> names) throws RedisAdminException {
        if (names.isEmpty()) {
            return 0;
        }
        String[] args = names.toArray(String[]::new);
        return call("ACL DELUSER " + String.join(" ", names), jedis -> jedis.aclDelUser(args));
    }

    /** {@code ACL USERS}: the names of the server's ACL users. */
    public synchronized List<String> aclUsers() throws RedisAdminException {
        return call("ACL USERS", Jedis::aclUsers);
    }

    /**
     * {@code CLIENT PAUSE <ms> WRITE}: for {@code duration}, the server runs no write command from any client
     * (they wait, they are not refused); reads, INFO and the replication stream already produced go on, and
     * the server's replication offset stays put. {@link #unfence()} ends it earlier.
     */
    public synchronized void fenceWrites(Duration duration) throws RedisAdminException {
        Objects.requireNonNull(duration, "duration");
        long millis = Math.max(1, duration.toMillis());
        call("CLIENT PAUSE " + millis + " WRITE", jedis -> jedis.clientPause(millis, ClientPauseMode.WRITE));
        log.info("{}: writes fenced for {} ms (CLIENT PAUSE WRITE)", address, millis);
    }

    /** {@code CLIENT UNPAUSE}: ends a fence (or any client pause) at once. Harmless if none is in place. */
    public synchronized void unfence() throws RedisAdminException {
        call("CLIENT UNPAUSE", Jedis::clientUnpause);
        log.info("{}: writes unfenced (CLIENT UNPAUSE)", address);
    }

    /** {@code REPLICAOF NO ONE}: the replica becomes a primary, keeping its data and offset. */
    public synchronized void promote() throws RedisAdminException {
        call("REPLICAOF NO ONE", Jedis::replicaofNoOne);
        log.info("{}: promoted to primary (REPLICAOF NO ONE)", address);
    }

    /**
     * {@code REPLICAOF host port}: the server becomes a replica of {@code primary}, for an old primary after a
     * switch, so that a later switch back can wait for replication. It runs even while the server is fenced,
     * and the writes the fence held then fail with {@code -READONLY} instead of running here. The server needs
     * {@code masterauth} (or {@code masteruser}) set for a primary with a password.
     */
    public synchronized void replicaOf(HostAndPort primary) throws RedisAdminException {
        Objects.requireNonNull(primary, "primary");
        call("REPLICAOF " + primary.host() + " " + primary.port(), jedis -> jedis.replicaof(primary.host(), primary.port()));
        log.info("{}: now a replica of {} (REPLICAOF)", address, primary);
    }

    /**
     * Polls {@code INFO replication} (every ~2 ms) until this replica's {@code slave_repl_offset} reaches
     * {@code offset}, or {@code timeout} passes; returns the last offset seen, which is below {@code offset}
     * on a timeout (the caller compares). Takes at most {@code timeout} plus one command's timeout.
     *
     * @throws RedisAdminException the server is not a replica (a primary has no offset to wait for), or a
     *     poll failed, or the thread was interrupted (its interrupt flag stays set)
     */
    public synchronized long awaitReplicaOffset(long offset, Duration timeout) throws RedisAdminException {
        Objects.requireNonNull(timeout, "timeout");
        long start = System.nanoTime();
        long timeoutNanos = Math.max(0, timeout.toNanos());
        for (;;) {
            ReplicationInfo info = replication();
            if (info.isPrimary()) {
                throw new RedisAdminException(address + ": is a primary (role:master), not a replica: it has no"
                        + " replication offset to wait for (was it promoted already, or is it the wrong server?)");
            }
            long seen = info.slaveReplOffset();
            if (seen >= offset || System.nanoTime() - start >= timeoutNanos) {
                return seen;
            }
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.currentThread().isInterrupted()) {
                throw new RedisAdminException(address + ": interrupted while waiting for replication offset "
                        + offset + " (last seen: " + seen + ")");
            }
            if (closed) {
                throw new RedisAdminException(address + ": closed while waiting for replication offset "
                        + offset + " (last seen: " + seen + ")");
            }
        }
    }

    /** Closes the connection; never throws. A fence in place stays until it expires or another unfences. */
    @Override
    public void close() {
        closed = true; // first, without the lock: ends an awaitReplicaOffset that holds it
        synchronized (this) {
            disconnect();
        }
    }

    @Override
    public String toString() {
        return "RedisAdmin[" + address + (closed ? ", closed" : "") + "]";
    }

    /** A command on the connection, connecting first if needed; a failure becomes a message about it. */
    private <T> T call(String what, Command<T> command) throws RedisAdminException {
        Jedis connection = jedis();
        try {
            return command.run(connection);
        } catch (JedisException e) {
            if (e instanceof JedisConnectionException || connection.isBroken()) {
                disconnect(); // the next call starts afresh, with AUTH
            }
            throw failure(what, e);
        }
    }

    private Jedis jedis() throws RedisAdminException {
        if (closed) {
            throw new IllegalStateException(this + ": used after close()");
        }
        if (jedis == null) {
            try {
                jedis = new Jedis(new redis.clients.jedis.HostAndPort(address.host(), address.port()), config);
            } catch (JedisConnectionException e) {
                throw connectFailure(e);
            } catch (JedisException e) {
                throw failure("AUTH", e);
            }
        }
        return jedis;
    }

    private void disconnect() {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException e) {
                log.debug("{}: closing the admin connection failed", address, e);
            } finally {
                jedis = null;
            }
        }
    }

    /** Connect or handshake failure. */
    private RedisAdminException connectFailure(JedisConnectionException e) {
        Throwable reason = reason(e);
        String text = reason instanceof SocketTimeoutException ? "no answer within " + timeoutMillis + " ms"
                : reason.getMessage() != null && reason.getMessage().startsWith("Unknown reply")
                ? "it does not answer like a Redis server (" + message(reason) + ")"
                : message(reason);
        return new RedisAdminException(address + ": cannot connect: " + text, e);
    }

    private RedisAdminException failure(String what, JedisException e) {
        String reply = message(e);
        if (reply.startsWith("NOPERM")) { // a JedisAccessControlException too, but the user did authenticate
            return new RedisAdminException(address + ": " + what + " refused (" + reply + "): the route's upstream"
                    + " user needs permission for it (ACL, e.g. " + (what.startsWith("ACL") ? "+acl" : "+info +client"
                    + " +replicaof") + ")", e, true);
        }
        if (e instanceof JedisAccessControlException || reply.startsWith("WRONGPASS") || reply.startsWith("NOAUTH")
                || (what.equals("AUTH") && reply.startsWith("ERR AUTH"))) {
            String hint = withPassword ? "check the route's upstream user and password"
                    : "the server wants a password: set the route's upstream user and password";
            return new RedisAdminException(address + ": authentication failed (" + reply + "): " + hint, e);
        }
        if (e instanceof JedisConnectionException) {
            Throwable root = reason(e);
            if (root instanceof SocketTimeoutException) {
                return new RedisAdminException(address + ": " + what + " failed: no answer within " + timeoutMillis
                        + " ms (is the server overloaded or the network slow?)", e);
            }
            return new RedisAdminException(address + ": " + what + " failed: connection lost (" + message(root)
                    + ")", e);
        }
        return new RedisAdminException(address + ": " + what + " failed: " + reply, e,
                e instanceof JedisDataException);
    }

    /** The most specific cause: Jedis puts a refused connection in a suppressed exception, not the cause. */
    private static Throwable reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        Throwable[] suppressed = root.getSuppressed();
        return suppressed.length > 0 ? reason(suppressed[suppressed.length - 1]) : root;
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String abbreviate(String text) {
        String oneLine = text.replace("\r\n", " ").replace('\n', ' ').strip();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }

    @FunctionalInterface
    private interface Command<T> {
        T run(Jedis jedis);
    }
}
