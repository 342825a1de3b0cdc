package dev.turnout.dataplane.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.turnout.dataplane.access.CommandRules;
import dev.turnout.dataplane.command.CommandTable;
import dev.turnout.dataplane.namespace.Namespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads the desired-state document (YAML or JSON) into a validated {@link ProxyConfig}. Every error
 * names the path of the offending value and what was expected there.
 *
 * <pre>
 * listeners:
 *   - listen: 127.0.0.1:6380
 *     route: orders
 * routes:
 *   orders:
 *     upstream: 127.0.0.1:6379
 *     user: app                      # optional ACL user
 *     password-file: /etc/turnout/orders.pw   # or password-env: VAR, or password: inline
 * limits:
 *   max-clients: 10000
 *   idle-timeout: 0                  # seconds, or 300s, 5m; 0 = never
 *   max-bulk-length: 512mb           # as in redis.conf: 512mb = 512 * 1024^2, 512m = 512 * 1000^2
 * users:
 *   - name: alice
 *     password: sha256:&lt;64 hex digits&gt;
 *     namespace: "alice:"            # default: the name and a colon; "" for none
 *     commands: +@all -@dangerous    # Redis ACL command rules, checked against the command table
 *     max-connections: 10
 *     rate-limit: 1000               # commands per second
 * </pre>
 */
public final class ConfigDocumentReader {

    private static final Set<String> TOP_KEYS = Set.of("listeners", "routes", "limits", "users");
    private static final Set<String> USER_KEYS = Set.of("name", "password", "namespace", "commands", "max-connections",
            "rate-limit");
    private static final Set<String> LISTENER_KEYS = Set.of("listen", "route");
    private static final Set<String> ROUTE_KEYS =
            Set.of("upstream", "user", "password", "password-file", "password-env", "databases", "connect-timeout");
    private static final List<String> PASSWORD_KEYS = List.of("password", "password-file", "password-env");
    private static final Set<String> LIMIT_KEYS = Set.of("max-clients", "idle-timeout", "max-bulk-length",
            "max-multibulk-length", "max-inline-length", "max-inflight-per-client");

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    private final Function<String, String> environment;
    private final Supplier<CommandTable> commandTable;

    /**
     * A reader that checks users' command rules against the command table built in ({@link CommandTable#loadDefault()},
     * loaded once, when a document first has users).
     *
     * @param environment looks up environment variables (injected so tests need not set real ones)
     */
    public ConfigDocumentReader(Function<String, String> environment) {
        this.environment = environment;
        this.commandTable = DefaultCommandTable::get;
    }

    /**
     * @param environment  looks up environment variables
     * @param commandTable the table users' command rules are checked against
     */
    public ConfigDocumentReader(Function<String, String> environment, CommandTable commandTable) {
        this.environment = environment;
        Objects.requireNonNull(commandTable, "commandTable");
        this.commandTable = () -> commandTable;
    }

    /** The built-in command table, loaded on first use and shared: it is immutable. */
    private static final class DefaultCommandTable {
        private static final CommandTable TABLE = CommandTable.loadDefault();

        static CommandTable get() {
            return TABLE;
        }
    }

    public ProxyConfig read(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("", "cannot read configuration file " + file + ": " + e.getMessage());
        }
        return read(text, file.toAbsolutePath().getParent());
    }

    /**
     * @param text       the document
     * @param relativeTo directory against which relative password-file paths resolve
     */
    public ProxyConfig read(String text, Path relativeTo) throws ConfigException {
        JsonNode root;
        try {
            root = yaml.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException("", "not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException("", "the document is empty (expected listeners and routes)");
        }
        requireObject("", root);
        checkKeys("", root, TOP_KEYS);
        Map<String, RouteConfig> routes = routes(root.get("routes"), relativeTo);
        List<ListenerConfig> listeners = listeners(root.get("listeners"), routes);
        LimitsConfig limits = limits(root.get("limits"));
        return new ProxyConfig(0, listeners, routes, limits, users(root.get("users")));
    }

    /** {@code users:} a list of {name, password: sha256:<hex>, namespace, commands, max-connections, rate-limit}. */
    private Map<String, UserConfig> users(JsonNode node) throws ConfigException {
        Map<String, UserConfig> users = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return users;
        }
        if (!node.isArray()) {
            throw new ConfigException("users", "expected a list of users, got " + node.getNodeType().toString().toLowerCase());
        }
        for (int i = 0; i < node.size(); i++) {
            String path = "users[" + i + "]";
            JsonNode u = node.get(i);
            requireObject(path, u);
            checkKeys(path, u, USER_KEYS);
            String name = requiredText(path + ".name", u.get("name"));
            if (name.isEmpty() || !name.chars().allMatch(c -> c > ' ' && c < 127)) {
                throw new ConfigException(path + ".name", "expected a user name without spaces, got '" + name + "'");
            }
            if (users.containsKey(name)) {
                throw new ConfigException(path + ".name", "'" + name + "' is defined twice");
            }
            String hash = requiredText(path + ".password", u.get("password"));
            byte[] sha = UserConfig.parseHash(hash);
            if (sha == null) {
                throw new ConfigException(path + ".password", "expected sha256:<64 hex digits> (store the hash, never the"
                        + " password: printf %s 'the password' | sha256sum)");
            }
            String namespace = u.has("namespace") ? optionalText(path + ".namespace", u.get("namespace")) : name + ":";
            if (namespace != null && (namespace.indexOf('{') >= 0 || namespace.indexOf('}') >= 0)) {
                throw new ConfigException(path + ".namespace", "'" + namespace + "' has a brace: the prefix goes in front"
                        + " of every key, so a brace in it would change the hashtag, and so the cluster slot, of the"
                        + " client's keys; choose a prefix without { or }");
            }
            if (namespace != null && namespace.chars().anyMatch(Namespace::isGlobSpecial)) {
                throw new ConfigException(path + ".namespace", "'" + namespace + "' has a glob character (one of"
                        + " *?[]\\): SORT's BY and GET patterns put an element in place of the first '*',"
                        + " so a '*' in the prefix would reach keys outside it; choose a prefix without them");
            }
            String commands = u.has("commands") ? optionalText(path + ".commands", u.get("commands")) : "+@all";
            if (commands != null) {
                checkCommandRules(path + ".commands", commands);
            }
            int maxConnections = u.has("max-connections") ? positiveInt(path + ".max-connections", u.get("max-connections")) : 0;
            int rateLimit = u.has("rate-limit") ? positiveInt(path + ".rate-limit", u.get("rate-limit")) : 0;
            users.put(name, new UserConfig(name, sha, namespace == null ? "" : namespace, commands == null ? "+@all" : commands,
                    maxConnections, rateLimit));
        }
        refuseNestedNamespaces(users);
        return users;
    }

    /**
     * Refuses a namespace that begins with another (users may share one namespace, but not nest one in another): the
     * outer tenant's KEYS, SCAN, FLUSHDB and plain keys would reach the inner tenant's, and so would its upstream ACL
     * user's {@code ~outer*}. Default namespaces of user names with a colon nest ("alice:" and "alice:ops:").
     */
    private static void refuseNestedNamespaces(Map<String, UserConfig> users) throws ConfigException {
        List<UserConfig> all = List.copyOf(users.values());
        for (int i = 0; i < all.size(); i++) {
            String outer = all.get(i).namespace();
            for (int j = 0; j < all.size(); j++) {
                String inner = all.get(j).namespace();
                if (!outer.isEmpty() && inner.length() > outer.length() && inner.startsWith(outer)) {
                    throw new ConfigException("users[" + j + "].namespace", "'" + inner + "' (user "
                            + all.get(j).name() + ") begins with '" + outer + "', the namespace of user "
                            + all.get(i).name() + ", who could then reach its keys; give each tenant a namespace"
                            + " that no other one begins with (e.g. '" + outer + "main:' for " + all.get(i).name()
                            + ")");
                }
            }
        }
    }

    /** Compiles the rules once to check them; the data plane compiles them again per configuration. */
    private void checkCommandRules(String path, String rules) throws ConfigException {
        try {
            CommandRules.parse(rules, commandTable.get());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path, e.getMessage());
        }
    }

    private Map<String, RouteConfig> routes(JsonNode node, Path relativeTo) throws ConfigException {
        if (node == null || node.isNull()) {
            throw new ConfigException("routes", "missing (expected at least one route with an upstream)");
        }
        requireObject("routes", node);
        Map<String, RouteConfig> routes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = "routes." + e.getKey();
            JsonNode r = e.getValue();
            requireObject(path, r);
            checkKeys(path, r, ROUTE_KEYS);
            HostAndPort upstream = hostAndPort(path + ".upstream", requiredText(path + ".upstream", r.get("upstream")));
            String user = optionalText(path + ".user", r.get("user"));
            Secret password = password(path, r, relativeTo);
            int databases = r.has("databases")
                    ? positiveInt(path + ".databases", r.get("databases")) : RouteConfig.DEFAULT_DATABASES;
            Duration connectTimeout = r.has("connect-timeout")
                    ? duration(path + ".connect-timeout", r.get("connect-timeout")) : RouteConfig.DEFAULT_CONNECT_TIMEOUT;
            if (connectTimeout.isZero() || connectTimeout.isNegative()) {
                throw new ConfigException(path + ".connect-timeout", "expected a positive duration, got " + connectTimeout);
            }
            routes.put(e.getKey(), new RouteConfig(e.getKey(), upstream, user, password, databases, connectTimeout));
        }
        if (routes.isEmpty()) {
            throw new ConfigException("routes", "empty (expected at least one route with an upstream)");
        }
        return routes;
    }

    private Secret password(String path, JsonNode route, Path relativeTo) throws ConfigException {
        List<String> given = new ArrayList<>();
        for (String key : PASSWORD_KEYS) {
            if (route.has(key) && !route.get(key).isNull()) {
                given.add(key);
            }
        }
        if (given.size() > 1) {
            String which = given.size() == 2 ? "both " + given.get(0) + " and " + given.get(1) + " are set"
                    : given.get(0) + ", " + given.get(1) + " and " + given.get(2) + " are all set";
            throw new ConfigException(path, which + " (expected one of them)");
        }
        String inline = optionalText(path + ".password", route.get("password"));
        String file = optionalText(path + ".password-file", route.get("password-file"));
        String env = optionalText(path + ".password-env", route.get("password-env"));
        if (inline != null) {
            if (inline.isEmpty()) {
                throw new ConfigException(path + ".password", "empty (expected the password; leave the key out "
                        + "when the upstream needs none)");
            }
            return Secret.of(inline);
        }
        if (env != null) {
            String value = environment.apply(env);
            if (value == null || value.isEmpty()) {
                throw new ConfigException(path + ".password-env", "environment variable " + env + " is not set");
            }
            return Secret.of(value);
        }
        if (file != null) {
            Path p = relativeTo == null ? Path.of(file) : relativeTo.resolve(file);
            return PasswordFiles.read(path + ".password-file", p);
        }
        return null;
    }

    private List<ListenerConfig> listeners(JsonNode node, Map<String, RouteConfig> routes) throws ConfigException {
        List<ListenerConfig> listeners = new ArrayList<>();
        if (node == null || node.isNull()) {
            return listeners;
        }
        if (!node.isArray()) {
            throw new ConfigException("listeners", "expected a list of {listen, route}, got " + node.getNodeType());
        }
        for (int i = 0; i < node.size(); i++) {
            String path = "listeners[" + i + "]";
            JsonNode l = node.get(i);
            requireObject(path, l);
            checkKeys(path, l, LISTENER_KEYS);
            HostAndPort listen = hostAndPort(path + ".listen", requiredText(path + ".listen", l.get("listen")));
            String route = l.has("route") ? requiredText(path + ".route", l.get("route")) : "default";
            if (!routes.containsKey(route)) {
                throw new ConfigException(path + ".route", "route '" + route + "' is not defined (defined: "
                        + String.join(", ", routes.keySet()) + ")");
            }
            for (ListenerConfig other : listeners) {
                if (other.listen().equals(listen)) {
                    throw new ConfigException(path + ".listen", listen + " is listed twice");
                }
            }
            listeners.add(new ListenerConfig(listen, route));
        }
        return listeners;
    }

    private LimitsConfig limits(JsonNode node) throws ConfigException {
        LimitsConfig d = LimitsConfig.DEFAULTS;
        if (node == null || node.isNull()) {
            return d;
        }
        requireObject("limits", node);
        checkKeys("limits", node, LIMIT_KEYS);
        int maxClients = node.has("max-clients") ? positiveInt("limits.max-clients", node.get("max-clients")) : d.maxClients();
        Duration idle = node.has("idle-timeout") ? duration("limits.idle-timeout", node.get("idle-timeout")) : d.idleTimeout();
        if (idle.isNegative()) {
            throw new ConfigException("limits.idle-timeout", "expected a duration of 0 or more (0: never), got '"
                    + node.get("idle-timeout").asText() + "'");
        }
        long bulk = node.has("max-bulk-length") ? size("limits.max-bulk-length", node.get("max-bulk-length")) : d.maxBulkLength();
        if (bulk > LimitsConfig.MAX_BULK_LENGTH) {
            // Checked here, not when a client connects: the proxy frames a bulk in one buffer.
            throw new ConfigException("limits.max-bulk-length", bulk + " (expected: <= " + LimitsConfig.MAX_BULK_LENGTH
                    + ", the largest buffer)");
        }
        int multibulk = node.has("max-multibulk-length")
                ? positiveInt("limits.max-multibulk-length", node.get("max-multibulk-length")) : d.maxMultibulkLength();
        long inline = node.has("max-inline-length") ? size("limits.max-inline-length", node.get("max-inline-length")) : d.maxInlineLength();
        if (inline > Integer.MAX_VALUE) {
            throw new ConfigException("limits.max-inline-length", inline + " (expected: <= " + Integer.MAX_VALUE + ")");
        }
        int inflight = node.has("max-inflight-per-client")
                ? positiveInt("limits.max-inflight-per-client", node.get("max-inflight-per-client")) : d.maxInflightPerClient();
        try {
            return new LimitsConfig(maxClients, idle, bulk, multibulk, (int) inline, inflight);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("limits", e.getMessage());
        }
    }

    private static void requireObject(String path, JsonNode node) throws ConfigException {
        if (!node.isObject()) {
            throw new ConfigException(path, "expected a mapping, got " + node.getNodeType().toString().toLowerCase());
        }
    }

    private static void checkKeys(String path, JsonNode node, Set<String> allowed) throws ConfigException {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new ConfigException(path.isEmpty() ? key : path + "." + key,
                        "unknown key (expected one of: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String requiredText(String path, JsonNode node) throws ConfigException {
        String s = optionalText(path, node);
        if (s == null || s.isBlank()) {
            throw new ConfigException(path, "missing (expected a value)");
        }
        return s;
    }

    private static String optionalText(String path, JsonNode node) throws ConfigException {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isValueNode()) {
            throw new ConfigException(path, "expected a single value, got " + node.getNodeType().toString().toLowerCase());
        }
        return node.asText();
    }

    private static HostAndPort hostAndPort(String path, String text) throws ConfigException {
        try {
            return HostAndPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path, e.getMessage());
        }
    }

    private static int positiveInt(String path, JsonNode node) throws ConfigException {
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 1) {
            throw new ConfigException(path, "expected a positive whole number, got '" + node.asText() + "'");
        }
        return node.asInt();
    }

    private static Duration duration(String path, JsonNode node) throws ConfigException {
        try {
            return ConfigValues.duration(node.asText());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path, e.getMessage());
        }
    }

    private static long size(String path, JsonNode node) throws ConfigException {
        try {
            long v = ConfigValues.size(node.asText());
            if (v < 1) {
                throw new ConfigException(path, "expected a positive size, got '" + node.asText() + "'");
            }
            return v;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path, e.getMessage());
        }
    }
}
