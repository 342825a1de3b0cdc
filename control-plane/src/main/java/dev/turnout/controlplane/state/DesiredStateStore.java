package dev.turnout.controlplane.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.turnout.dataplane.config.ConfigDocumentReader;
import dev.turnout.dataplane.config.ConfigDocumentWriter;
import dev.turnout.dataplane.config.ConfigException;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.LimitsConfig;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.dataplane.config.Secret;
import dev.turnout.dataplane.config.UserConfig;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The desired state of the fleet: one {@link ProxyConfig} (passwords included) and its version, persisted
 * in a data directory as a {@link StateFile}.
 *
 * <p>Every accepted change is validated by the data plane's own {@link ConfigDocumentReader} (the state is
 * also written and read back before it is accepted, so what is on disk always loads), persisted atomically,
 * and only then becomes {@link #current()}; its version is the previous one plus 1. A change whose
 * {@code ifVersion} is non-zero and not the current version is refused. Changes are serialised by this
 * object's lock; {@link #current()} takes none.
 *
 * <p>Besides replacing the whole state ({@link #apply}) and one route's upstream ({@link #setUpstream}), a
 * change may add, change or remove one user ({@link #putUser}, {@link #setUserPassword}, {@link #removeUser}):
 * the user's entry is written into the current document, which the reader then validates like any other.
 *
 * <p>The directory also holds a {@code lock} file, locked while the store is open, so that two control
 * planes never share one data directory.
 */
public final class DesiredStateStore implements Closeable {

    /** The state of an empty data directory: version 0, no listeners, no routes. */
    public static final ProxyConfig EMPTY = new ProxyConfig(0, List.of(), Map.of(), LimitsConfig.DEFAULTS);

    /** The route SetUpstream changes when none is named. */
    public static final String DEFAULT_ROUTE = "default";

    private static final List<String> PASSWORD_SOURCES = List.of("password-file", "password-env");

    private final Path dataDir;
    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ConfigDocumentReader reader;
    private volatile ProxyConfig current;

    private DesiredStateStore(Path dataDir, FileChannel lockChannel, FileLock lock, ProxyConfig current) {
        this.dataDir = dataDir;
        this.file = dataDir.resolve(StateFile.NAME);
        this.lockChannel = lockChannel;
        this.lock = lock;
        // The environment is empty: a document sent to the control plane carries its passwords inline.
        this.reader = new ConfigDocumentReader(name -> null);
        this.current = current;
    }

    /**
     * Opens (creating it, mode 700, if needed) the data directory and loads the state in it.
     *
     * @throws IOException with a message that names the directory or file and says what is wrong
     */
    public static DesiredStateStore open(Path dataDir) throws IOException {
        Path dir = dataDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            if (Files.exists(dir)) {
                throw new IOException("data directory " + dir + " is not a directory");
            }
            if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        }
        if (!Files.isWritable(dir)) {
            throw new IOException("data directory " + dir + " is not writable");
        }
        FileChannel channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException("data directory " + dir + " is in use by another control plane");
            }
            Files.deleteIfExists(dir.resolve(StateFile.NAME + ".tmp")); // a crash's leftover, never the state
            return new DesiredStateStore(dir, channel, lock, load(dir.resolve(StateFile.NAME)));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static ProxyConfig load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return EMPTY;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return StateFile.parse(text, file.getParent());
        } catch (InvalidChangeException e) {
            throw new IOException("cannot load the desired state from " + file + ": " + e.getMessage()
                    + " (fix the file, or move it away to start from version 0)");
        }
    }

    /** The data directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** The accepted state; its {@link ProxyConfig#version()} is the desired version. */
    public ProxyConfig current() {
        return current;
    }

    /**
     * Replaces the whole desired state with a YAML document. A route whose {@code password} is
     * {@value ConfigDocumentWriter#MASK} keeps its current password, and a user whose {@code password} is
     * {@value ConfigDocumentWriter#MASK} keeps the current password hash of the user of that name: what
     * {@code config get} shows applies back unchanged.
     *
     * @param yaml      the document {@code proxyctl config apply} sends (passwords inline)
     * @param ifVersion 0, or the version the change was made against
     * @return the new state
     */
    public synchronized ProxyConfig apply(String yaml, long ifVersion)
            throws InvalidChangeException, StaleVersionException, IOException {
        checkVersion(ifVersion);
        String text = yaml;
        ObjectNode root = DocumentTree.parse(yaml);
        if (root != null) {
            refusePasswordSources(root);
            if (keepMaskedUserHashes(root)) {
                text = DocumentTree.text(root); // otherwise the text as sent, so errors name its own lines
            }
        }
        ProxyConfig parsed;
        try {
            parsed = reader.read(text, dataDir);
        } catch (ConfigException e) {
            throw InvalidChangeException.of(e);
        }
        Map<String, RouteConfig> routes = new LinkedHashMap<>();
        for (RouteConfig route : parsed.routes().values()) {
            routes.put(route.name(), keepMaskedPassword(route));
        }
        return commit(new ProxyConfig(0, parsed.listeners(), routes, parsed.limits(), parsed.users()));
    }

    /**
     * Sets one route's upstream, creating the route if it is missing; listeners, limits and the other routes
     * stay as they are.
     *
     * @param routeName the route; empty or null for {@value #DEFAULT_ROUTE}
     * @param upstream  host:port
     * @param user      the ACL user; empty or null keeps the route's current user (none for a new route)
     * @param password  the password; empty, null or {@value ConfigDocumentWriter#MASK} keeps the route's
     *                  current password (none for a new route)
     * @param ifVersion 0, or the version the change was made against
     * @return the new state
     */
    public synchronized ProxyConfig setUpstream(String routeName, String upstream, String user, String password,
                                                long ifVersion)
            throws InvalidChangeException, StaleVersionException, IOException {
        checkVersion(ifVersion);
        String name = routeName == null || routeName.isEmpty() ? DEFAULT_ROUTE : routeName;
        if (name.isBlank()) {
            throw new InvalidChangeException("route", "blank (expected a route name, or nothing for 'default')");
        }
        String path = "routes." + name;
        HostAndPort address;
        try {
            address = HostAndPort.parse(upstream);
        } catch (IllegalArgumentException e) {
            throw new InvalidChangeException(path + ".upstream", e.getMessage());
        }
        ProxyConfig state = current;
        RouteConfig old = state.routes().get(name);
        boolean keepPassword = password == null || password.isEmpty() || password.equals(ConfigDocumentWriter.MASK);
        String newUser = user == null || user.isEmpty() ? (old == null ? null : old.user()) : user;
        Secret newPassword = keepPassword ? (old == null ? null : old.password()) : Secret.of(password);
        RouteConfig route = old == null
                ? new RouteConfig(name, address, newUser, newPassword, RouteConfig.DEFAULT_DATABASES,
                        RouteConfig.DEFAULT_CONNECT_TIMEOUT)
                : new RouteConfig(name, address, newUser, newPassword, old.databases(), old.connectTimeout());
        Map<String, RouteConfig> routes = new LinkedHashMap<>(state.routes());
        routes.put(name, route);
        return commit(new ProxyConfig(0, state.listeners(), routes, state.limits(), state.users()));
    }

    /**
     * Adds a user, or changes one: its entry, built from {@code change} on top of the current user of that name
     * (if any), goes into the current document, which the reader validates as any {@code users:} entry (name, hash,
     * namespace, command rules as Redis's ACL SETUSER reads them, limits) before it is committed. Listeners, routes, limits and the other users stay as they are.
     *
     * @param presence  whether the user must be new, must exist, or either
     * @param ifVersion 0, or the version the change was made against
     * @return the new state
     * @throws InvalidChangeException with a path such as {@code users[alice].namespace}; also when the desired
     *                                state has no route yet (it is not a valid document without one)
     * @throws UserExistsException    a user of that name exists and {@code presence} is MUST_BE_NEW
     * @throws UnknownUserException   no user of that name exists and {@code presence} is MUST_EXIST
     */
    public synchronized ProxyConfig putUser(UserChange change, UserChange.Presence presence, long ifVersion)
            throws InvalidChangeException, StaleVersionException, UserExistsException, UnknownUserException,
            IOException {
        checkVersion(ifVersion);
        String name = requireUserName(change.name());
        ProxyConfig state = current;
        UserConfig old = state.users().get(name);
        if (old != null && presence == UserChange.Presence.MUST_BE_NEW) {
            throw new UserExistsException(name, state.version());
        }
        if (old == null && presence == UserChange.Presence.MUST_EXIST) {
            throw new UnknownUserException(name, state.version());
        }
        if (state.routes().isEmpty()) {
            throw new InvalidChangeException("routes", "none yet, and a desired state needs a route before it can"
                    + " have users (expected: set an upstream, or apply a configuration, first)");
        }
        ObjectNode root = DocumentTree.of(state);
        ArrayNode users = DocumentTree.users(root);
        int index = DocumentTree.indexOf(users, name);
        if (index < 0) {
            index = users.size();
            users.add(change.entry(null));
        } else {
            users.set(index, change.entry(old));
        }
        try {
            return commit(reader.read(DocumentTree.text(root), dataDir));
        } catch (ConfigException e) {
            throw aboutUser(e, index, name);
        }
    }

    /**
     * Changes a user's password hash and nothing else.
     *
     * @param passwordHash {@code sha256:<64 hex digits>}
     * @throws UnknownUserException no user of that name exists
     */
    public ProxyConfig setUserPassword(String name, String passwordHash, long ifVersion)
            throws InvalidChangeException, StaleVersionException, UnknownUserException, IOException {
        try {
            return putUser(UserChange.password(name, passwordHash == null ? "" : passwordHash),
                    UserChange.Presence.MUST_EXIST, ifVersion);
        } catch (UserExistsException e) {
            throw new IllegalStateException("MUST_EXIST never refuses an existing user", e);
        }
    }

    /**
     * Removes a user; listeners, routes, limits and the other users stay as they are.
     *
     * @throws UnknownUserException no user of that name exists
     */
    public synchronized ProxyConfig removeUser(String name, long ifVersion)
            throws InvalidChangeException, StaleVersionException, UnknownUserException, IOException {
        checkVersion(ifVersion);
        String user = requireUserName(name);
        ProxyConfig state = current;
        if (!state.users().containsKey(user)) {
            throw new UnknownUserException(user, state.version());
        }
        Map<String, UserConfig> users = new LinkedHashMap<>(state.users());
        users.remove(user);
        return commit(new ProxyConfig(0, state.listeners(), state.routes(), state.limits(), users));
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }

    private void checkVersion(long ifVersion) throws StaleVersionException, InvalidChangeException {
        if (ifVersion < 0) {
            throw new InvalidChangeException("if_version", ifVersion + " (expected: >= 0, 0 for any version)");
        }
        long version = current.version();
        if (ifVersion != 0 && ifVersion != version) {
            throw new StaleVersionException(version, ifVersion);
        }
    }

    private static String requireUserName(String name) throws InvalidChangeException {
        if (name == null || name.isEmpty()) {
            throw new InvalidChangeException("name", "missing (expected the user's name)");
        }
        return name;
    }

    /**
     * The reader's error about the entry at {@code users[index]}, named by the user rather than by a position
     * the caller never saw: {@code users[alice].namespace: ...}.
     */
    private static InvalidChangeException aboutUser(ConfigException e, int index, String name) {
        String position = "users[" + index + "]";
        if (!e.path().startsWith(position)) {
            return InvalidChangeException.of(e);
        }
        String reason = e.getMessage().substring(Math.min(e.getMessage().length(), e.path().length() + 2));
        return new InvalidChangeException("users[" + name + "]" + e.path().substring(position.length()), reason);
    }

    /**
     * The control plane does not read files or environment variables named by a client: proxyctl reads
     * password files on the operator's machine and sends the passwords inline.
     */
    private static void refusePasswordSources(ObjectNode root) throws InvalidChangeException {
        if (!(root.get("routes") instanceof ObjectNode routes)) {
            return;
        }
        for (Map.Entry<String, JsonNode> route : routes.properties()) {
            for (String key : PASSWORD_SOURCES) {
                if (route.getValue().isObject() && route.getValue().has(key)) {
                    throw new InvalidChangeException("routes." + route.getKey() + "." + key,
                            "not read by the control plane (expected password: with the password inline;"
                                    + " proxyctl config apply reads password-file on your machine and inlines it)");
                }
            }
        }
    }

    /**
     * Puts the current hash in place of each user's {@value ConfigDocumentWriter#MASK} password.
     *
     * @return whether any was masked
     */
    private boolean keepMaskedUserHashes(ObjectNode root) throws InvalidChangeException {
        if (!(root.get("users") instanceof ArrayNode users)) {
            return false;
        }
        boolean masked = false;
        for (int i = 0; i < users.size(); i++) {
            if (users.get(i) instanceof ObjectNode user && ConfigDocumentWriter.MASK.equals(DocumentTree.text(user, "password"))) {
                String name = DocumentTree.text(user, "name");
                if (name == null) {
                    continue; // the reader says the name is missing
                }
                UserConfig old = current.users().get(name);
                if (old == null) {
                    throw new InvalidChangeException("users[" + i + "].password", "\"" + ConfigDocumentWriter.MASK
                            + "\" keeps the password hash of the user of that name, but the desired state has no user '"
                            + name + "' (expected sha256:<64 hex digits>)");
                }
                user.put("password", old.passwordHash());
                masked = true;
            }
        }
        return masked;
    }

    private RouteConfig keepMaskedPassword(RouteConfig route) throws InvalidChangeException {
        if (route.password() == null || !route.password().reveal().equals(ConfigDocumentWriter.MASK)) {
            return route;
        }
        RouteConfig old = current.routes().get(route.name());
        if (old == null || old.password() == null) {
            throw new InvalidChangeException("routes." + route.name() + ".password", "\"" + ConfigDocumentWriter.MASK
                    + "\" keeps the route's current password, but route '" + route.name()
                    + "' has none in the desired state (expected the password itself)");
        }
        return new RouteConfig(route.name(), route.upstream(), route.user(), old.password(), route.databases(),
                route.connectTimeout());
    }

    /** Validates by writing and reading back, persists, and only then publishes. */
    private ProxyConfig commit(ProxyConfig candidate) throws InvalidChangeException, IOException {
        ProxyConfig next = candidate.withVersion(current.version() + 1);
        String text = StateFile.render(next);
        ProxyConfig reread;
        try {
            reread = StateFile.parse(text, dataDir);
        } catch (InvalidChangeException e) {
            throw new InvalidChangeException("", e.getMessage().replaceFirst("^config: ", ""));
        }
        StateFile.writeAtomically(file, text);
        current = reread;
        return reread;
    }
}
