package dev.turnout.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.dataplane.command.CommandTable;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every configuration error names the path of the offending value and what was expected there. */
class ConfigDocumentReaderTest {

    @TempDir
    Path dir;

    private final ConfigDocumentReader reader = new ConfigDocumentReader(Map.of("ORDERS_PW", "from-env")::get);

    private ProxyConfig read(String yaml) throws ConfigException {
        return reader.read(yaml, dir);
    }

    private void assertError(String yaml, String message) {
        assertThatThrownBy(() -> read(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    private static String route(String body) {
        return "routes:\n  orders:\n" + body.indent(4);
    }

    @Test
    void fullDocument() throws Exception {
        Files.writeString(dir.resolve("orders.pw"), "s3cret\n", StandardCharsets.UTF_8);
        ProxyConfig config = read("""
                listeners:
                  - listen: 127.0.0.1:6380
                    route: orders
                  - listen: "[::1]:6381"
                    route: cache
                routes:
                  orders:
                    upstream: redis-1.internal:6379
                    user: app
                    password-file: orders.pw
                    databases: 4
                    connect-timeout: 250ms
                  cache:
                    upstream: 10.0.0.7:6379
                    password-env: ORDERS_PW
                limits:
                  max-clients: 500
                  idle-timeout: 5m
                  max-bulk-length: 1mb
                  max-multibulk-length: 1000
                  max-inline-length: 64kb
                  max-inflight-per-client: 128
                """);
        assertThat(config.listeners()).containsExactly(
                new ListenerConfig(HostAndPort.parse("127.0.0.1:6380"), "orders"),
                new ListenerConfig(new HostAndPort("::1", 6381), "cache"));
        RouteConfig orders = config.route("orders");
        assertThat(orders.upstream()).isEqualTo(new HostAndPort("redis-1.internal", 6379));
        assertThat(orders.user()).isEqualTo("app");
        assertThat(orders.password()).isEqualTo(Secret.of("s3cret"));
        assertThat(orders.databases()).isEqualTo(4);
        assertThat(orders.connectTimeout()).isEqualTo(Duration.ofMillis(250));
        RouteConfig cache = config.route("cache");
        assertThat(cache.password()).isEqualTo(Secret.of("from-env"));
        assertThat(cache.user()).isNull();
        assertThat(cache.databases()).isEqualTo(RouteConfig.DEFAULT_DATABASES);
        assertThat(cache.connectTimeout()).isEqualTo(RouteConfig.DEFAULT_CONNECT_TIMEOUT);
        assertThat(config.limits()).isEqualTo(new LimitsConfig(500, Duration.ofMinutes(5), 1024 * 1024, 1000, 64 * 1024, 128));
    }

    @Test
    void defaultsAreRedisDefaults() throws Exception {
        ProxyConfig config = read(route("upstream: 127.0.0.1:6379"));
        assertThat(config.listeners()).isEmpty();
        assertThat(config.limits()).isEqualTo(LimitsConfig.DEFAULTS);
        assertThat(config.limits().idleTimeout()).isZero();
        assertThat(config.limits().maxBulkLength()).isEqualTo(512L * 1024 * 1024);
        assertThat(config.limits().maxInlineLength()).isEqualTo(64 * 1024);
        assertThat(config.limits().maxMultibulkLength()).isEqualTo(Integer.MAX_VALUE);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "nope           | routes.orders.upstream: expected host:port, got 'nope'",
            "6379           | routes.orders.upstream: expected host:port, got '6379'",
            "host:          | routes.orders.upstream: expected host:port, got 'host:'",
            "host:http      | routes.orders.upstream: expected host:port with a numeric port, got 'host:http'",
            "host:70000     | routes.orders.upstream: port: 70000 in 'host:70000' (expected: 1-65535)",
            "::1:6379       | routes.orders.upstream: expected host:port (IPv6 addresses in brackets: [::1]:6379), got '::1:6379'",
    })
    void badUpstreamNamesItsPath(String upstream, String message) {
        assertError(route("upstream: \"" + upstream + "\""), message);
    }

    @Test
    void missingOrEmptyRoutes() {
        assertError("listeners: []", "routes: missing (expected at least one route with an upstream)");
        assertError("routes: {}", "routes: empty (expected at least one route with an upstream)");
        assertError("routes:\n  - upstream: 127.0.0.1:6379", "routes: expected a mapping, got array");
        assertError(route("user: app"), "routes.orders.upstream: missing (expected a value)");
        assertError("routes:\n  orders: 127.0.0.1:6379", "routes.orders: expected a mapping, got string");
    }

    @Test
    void unknownKeysNameTheirPathAndTheKnownOnes() {
        assertError("route: {}", "route: unknown key (expected one of: limits, listeners, routes, users)");
        assertError(route("upstream: 127.0.0.1:6379\npasword-file: x"), "routes.orders.pasword-file: unknown key "
                + "(expected one of: connect-timeout, databases, password, password-env, password-file, upstream, user)");
        assertError(route("upstream: 127.0.0.1:6379") + "listeners:\n  - listen: 127.0.0.1:6380\n    rout: orders",
                "listeners[0].rout: unknown key (expected one of: listen, route)");
        assertError(route("upstream: 127.0.0.1:6379") + "limits:\n  max-client: 5", "limits.max-client: unknown key "
                + "(expected one of: idle-timeout, max-bulk-length, max-clients, max-inflight-per-client, "
                + "max-inline-length, max-multibulk-length)");
    }

    @Test
    void listenersReferToDefinedRoutesOnce() {
        String routes = route("upstream: 127.0.0.1:6379");
        assertError(routes + "listeners:\n  - listen: 127.0.0.1:6380\n    route: billing",
                "listeners[0].route: route 'billing' is not defined (defined: orders)");
        assertError(routes + "listeners:\n  - listen: 127.0.0.1:6380",
                "listeners[0].route: route 'default' is not defined (defined: orders)");
        assertError(routes + "listeners:\n  - listen: 127.0.0.1:6380\n    route: orders\n  - listen: 127.0.0.1:6380\n    route: orders",
                "listeners[1].listen: 127.0.0.1:6380 is listed twice");
        assertError(routes + "listeners:\n  listen: 127.0.0.1:6380", "listeners: expected a list of {listen, route}, got OBJECT");
        assertError(routes + "listeners:\n  - route: orders", "listeners[0].listen: missing (expected a value)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "250ms | PT0.25S",
            "10s   | PT10S",
            "5m    | PT5M",
            "1h    | PT1H",
            "300   | PT5M",
            "0     | PT0S",
    })
    void durations(String text, Duration expected) throws Exception {
        assertThat(read(route("upstream: 127.0.0.1:6379") + "limits:\n  idle-timeout: " + text).limits().idleTimeout())
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ten  | limits.idle-timeout: expected a duration such as 250ms, 10s, 5m or 1h, got 'ten'",
            "1.5s | limits.idle-timeout: expected a duration such as 250ms, 10s, 5m or 1h, got '1.5s'",
            "-5s  | limits.idle-timeout: expected a duration of 0 or more (0: never), got '-5s'",
    })
    void badDurations(String text, String message) {
        assertError(route("upstream: 127.0.0.1:6379") + "limits:\n  idle-timeout: \"" + text + "\"", message);
    }

    @Test
    void connectTimeoutMustBePositive() {
        assertError(route("upstream: 127.0.0.1:6379\nconnect-timeout: 0"),
                "routes.orders.connect-timeout: expected a positive duration, got PT0S");
        assertError(route("upstream: 127.0.0.1:6379\nconnect-timeout: soon"),
                "routes.orders.connect-timeout: expected a duration such as 250ms, 10s, 5m or 1h, got 'soon'");
    }

    /** Sizes read as redis.conf reads them: k, m, g are powers of 1000; kb, mb, gb powers of 1024. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1024  | 1024",
            "100b  | 100",
            "64kb  | 65536",
            "64k   | 64000",
            "1mb   | 1048576",
            "1m    | 1000000",
            "1gb   | 1073741824",
            "2g    | 2000000000",
            "512MB | 536870912",
    })
    void sizes(String text, long expected) throws Exception {
        assertThat(read(route("upstream: 127.0.0.1:6379") + "limits:\n  max-bulk-length: " + text).limits().maxBulkLength())
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "max-bulk-length: lots    | limits.max-bulk-length: expected a size such as 1024, 64kb or 512mb, got 'lots'",
            "max-bulk-length: 0       | limits.max-bulk-length: expected a positive size, got '0'",
            "max-bulk-length: 3gb     | limits.max-bulk-length: 3221225472 (expected: <= 2147483647, the largest buffer)",
            "max-inline-length: 4gb   | limits.max-inline-length: 4294967296 (expected: <= 2147483647)",
            "max-clients: 0           | limits.max-clients: expected a positive whole number, got '0'",
            "max-clients: ten         | limits.max-clients: expected a positive whole number, got 'ten'",
            "max-clients: 1.5         | limits.max-clients: expected a positive whole number, got '1.5'",
            "max-multibulk-length: 4294967296 | limits.max-multibulk-length: expected a positive whole number, got '4294967296'",
    })
    void badLimits(String line, String message) {
        assertError(route("upstream: 127.0.0.1:6379") + "limits:\n  " + line, message);
    }

    @Test
    void passwords() throws IOException {
        assertError(route("upstream: 127.0.0.1:6379\npassword-env: NOT_SET"),
                "routes.orders.password-env: environment variable NOT_SET is not set");
        assertError(route("upstream: 127.0.0.1:6379\npassword-env: ORDERS_PW\npassword-file: x.pw"),
                "routes.orders: both password-file and password-env are set (expected one of them)");
        assertThatThrownBy(() -> read(route("upstream: 127.0.0.1:6379\npassword-file: missing.pw")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("routes.orders.password-file: cannot read password file ")
                .hasMessageContaining("missing.pw");
        Files.writeString(dir.resolve("empty.pw"), "\n");
        assertThatThrownBy(() -> read(route("upstream: 127.0.0.1:6379\npassword-file: empty.pw")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("routes.orders.password-file: password file ")
                .hasMessageEndingWith(" is empty");
    }

    @Test
    void inlinePasswords() throws Exception {
        assertThat(read(route("upstream: 127.0.0.1:6379\npassword: \"s3cret\"")).route("orders").password())
                .isEqualTo(Secret.of("s3cret"));
        assertThat(read(route("upstream: 127.0.0.1:6379\npassword: 1234")).route("orders").password())
                .isEqualTo(Secret.of("1234"));
        assertError(route("upstream: 127.0.0.1:6379\npassword: \"\""),
                "routes.orders.password: empty (expected the password; leave the key out when the upstream needs none)");
        assertError(route("upstream: 127.0.0.1:6379\npassword: s3cret\npassword-file: x.pw"),
                "routes.orders: both password and password-file are set (expected one of them)");
        assertError(route("upstream: 127.0.0.1:6379\npassword: s3cret\npassword-env: ORDERS_PW"),
                "routes.orders: both password and password-env are set (expected one of them)");
        assertError(route("upstream: 127.0.0.1:6379\npassword: s3cret\npassword-file: x.pw\npassword-env: ORDERS_PW"),
                "routes.orders: password, password-file and password-env are all set (expected one of them)");
        assertError(route("upstream: 127.0.0.1:6379\npassword: [s3cret]"),
                "routes.orders.password: expected a single value, got array");
    }

    @Test
    void notADocument() {
        assertThatThrownBy(() -> read("routes: [")).isInstanceOf(ConfigException.class).hasMessageStartingWith("not valid YAML: ");
        assertError("", "the document is empty (expected listeners and routes)");
        assertError("just text", "expected a mapping, got string");
    }

    @Test
    void errorsNameThePathSeparately() {
        assertThatThrownBy(() -> read(route("upstream: nope")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.path()).isEqualTo("routes.orders.upstream"));
    }

    @Test
    void readsAFileAndResolvesPasswordFilesNextToIt() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(sub.resolve("orders.pw"), "pw-next-to-config");
        Path file = sub.resolve("turnout.yaml");
        Files.writeString(file, route("upstream: 127.0.0.1:6379\npassword-file: orders.pw"));
        assertThat(reader.read(file).route("orders").password()).isEqualTo(Secret.of("pw-next-to-config"));
        assertThatThrownBy(() -> reader.read(dir.resolve("absent.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cannot read configuration file ");
    }

    @Test
    void usersWithHashedPasswordsRoundTripThroughTheWriter() throws Exception {
        String hash = "sha256:" + "ab".repeat(32);
        ProxyConfig config = read("routes:\n  default:\n    upstream: 127.0.0.1:6379\n"
                + "users:\n  - name: alice\n    password: " + hash + "\n    commands: \"+@all -@dangerous\"\n"
                + "    max-connections: 200\n    rate-limit: 50000\n  - name: admin\n    password: " + hash
                + "\n    namespace: \"\"\n");
        UserConfig alice = config.users().get("alice");
        assertThat(alice.namespace()).isEqualTo("alice:");
        assertThat(alice.passwordHash()).isEqualTo(hash);
        assertThat(alice.commands()).isEqualTo("+@all -@dangerous");
        assertThat(alice.maxConnections()).isEqualTo(200);
        assertThat(alice.rateLimit()).isEqualTo(50000);
        assertThat(config.users().get("admin").namespace()).isEmpty();
        assertThat(read(ConfigDocumentWriter.toYaml(config, false))).isEqualTo(config);
    }

    @Test
    void aUserPasswordMustBeAHash() {
        assertError("routes:\n  default:\n    upstream: 127.0.0.1:6379\nusers:\n  - name: alice\n    password: s3cret\n",
                "users[0].password: expected sha256:<64 hex digits> (store the hash, never the password: "
                        + "printf %s 'the password' | sha256sum)");
        assertError("routes:\n  default:\n    upstream: 127.0.0.1:6379\nusers:\n  - name: a\n    password: sha256:"
                + "00".repeat(32) + "\n  - name: a\n    password: sha256:" + "00".repeat(32) + "\n",
                "users[1].name: 'a' is defined twice");
    }

    @Test
    void aNamespaceWithABraceIsRefused() {
        assertError("routes:\n  default:\n    upstream: 127.0.0.1:6379\nusers:\n  - name: alice\n    password: sha256:"
                + "00".repeat(32) + "\n    namespace: \"{alice}:\"\n",
                "users[0].namespace: '{alice}:' has a brace: the prefix goes in front of every key, so a brace in it"
                        + " would change the hashtag, and so the cluster slot, of the client's keys; choose a prefix"
                        + " without { or }");
    }

    /** Users named by the even arguments, each with the namespace after it (null: the default, name and colon). */
    private static String namespaces(String... nameAndNamespace) {
        StringBuilder yaml = new StringBuilder("routes:\n  default:\n    upstream: 127.0.0.1:6379\nusers:\n");
        for (int i = 0; i < nameAndNamespace.length; i += 2) {
            yaml.append("  - name: \"").append(nameAndNamespace[i]).append("\"\n    password: sha256:")
                    .append("00".repeat(32)).append('\n');
            if (nameAndNamespace[i + 1] != null) {
                yaml.append("    namespace: \"").append(nameAndNamespace[i + 1]).append("\"\n");
            }
        }
        return yaml.toString();
    }

    @Test
    void aNamespaceThatBeginsWithAnotherIsRefused() {
        assertError(namespaces("alice", null, "alice:ops", null), "users[1].namespace: 'alice:ops:' (user alice:ops)"
                + " begins with 'alice:', the namespace of user alice, who could then reach its keys; give each tenant a"
                + " namespace that no other one begins with (e.g. 'alice:main:' for alice)");
        assertError(namespaces("app2", "app2", "app", "app"), "users[0].namespace: 'app2' (user app2) begins with"
                + " 'app', the namespace of user app, who could then reach its keys; give each tenant a namespace that"
                + " no other one begins with (e.g. 'appmain:' for app)");
    }

    @Test
    void usersMayShareANamespaceAndAnAdminHasNone() throws Exception {
        ProxyConfig config = read(namespaces("app-ro", "app:", "app-rw", "app:", "admin", "", "bob", null));
        assertThat(config.users().values()).extracting(UserConfig::namespace).containsExactlyInAnyOrder("app:", "app:", "",
                "bob:");
    }

    @Test
    void aNamespaceWithAGlobCharacterIsRefused() {
        for (String namespace : new String[] {"t*:", "t?:", "t[a]:", "t\\\\:"}) {
            assertThatThrownBy(() -> read(namespaces("carol", namespace)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("users[0].namespace: '" + namespace.replace("\\\\", "\\") + "' has a glob"
                            + " character (one of *?[]\\): SORT's BY and GET patterns");
        }
    }

    private static String users(String... commands) {
        StringBuilder yaml = new StringBuilder("routes:\n  default:\n    upstream: 127.0.0.1:6379\nusers:\n");
        for (int i = 0; i < commands.length; i++) {
            yaml.append("  - name: u").append(i).append("\n    password: sha256:").append("00".repeat(32)).append('\n');
            yaml.append("    commands: \"").append(commands[i]).append("\"\n");
        }
        return yaml.toString();
    }

    @Test
    void commandRulesThatRedisWouldRefuseAreRefusedWithThePathAndTheToken() {
        assertError(users("+@all", "-@all +get", "+@all -@dangerous -@reads"),
                "users[2].commands: '-@reads': Unknown command or category name in ACL (expected one of the categories:"
                        + " @all, @keyspace, @read, @write, @set, @sortedset, @list, @hash, @string, @bitmap,"
                        + " @hyperloglog, @geo, @stream, @pubsub, @admin, @fast, @slow, @blocking, @dangerous,"
                        + " @connection, @transaction, @scripting)");
        assertError(users("+@all -flushal"), "users[0].commands: '-flushal': Unknown command or category name in ACL"
                + " (expected a command or subcommand of Redis 7.0.15 such as +get or -client|kill; 'flushal' is not a"
                + " command)");
        assertError(users("+client -client|kil"), "users[0].commands: '-client|kil': Unknown command or category name"
                + " in ACL (expected a subcommand of client: caching, getname, getredir, help, id, info, kill, list,"
                + " no-evict, pause, reply, setname, tracking, trackinginfo, unblock, unpause)");
        assertError(users("on +@all"), "users[0].commands: 'on': Syntax error (expected +@all, -@all, allcommands,"
                + " nocommands, +@<category>, -@<category>, +<command>, -<command>, +<command>|<subcommand> or"
                + " -<command>|<subcommand>; passwords, keys and channels are not set here)");
    }

    @Test
    void commandRulesAreKeptAsWritten() throws Exception {
        ProxyConfig config = read(users("ALLCOMMANDS -@Dangerous +client|kill", "", "-@all +get"));
        assertThat(config.users().get("u0").commands()).isEqualTo("ALLCOMMANDS -@Dangerous +client|kill");
        assertThat(config.users().get("u1").commands()).isEmpty();
        assertThat(config.users().get("u2").commands()).isEqualTo("-@all +get");
    }

    @Test
    void commandRulesAreCheckedAgainstTheTableGiven() throws Exception {
        CommandTable onlyPing = CommandTable.load(new ByteArrayInputStream("""
                {"redis_version": "9.9.9", "commands": [
                  {"name": "ping", "arity": -1, "flags": ["fast"], "acl_categories": ["@fast"], "key_specs": [],
                   "tips": []}
                ]}""".getBytes(StandardCharsets.UTF_8)));
        ConfigDocumentReader withTable = new ConfigDocumentReader(name -> null, onlyPing);
        assertThat(withTable.read(users("-@all +ping"), dir).users()).containsKey("u0");
        assertThatThrownBy(() -> withTable.read(users("-@all +get"), dir)).isInstanceOf(ConfigException.class)
                .hasMessage("users[0].commands: '+get': Unknown command or category name in ACL (expected a command or"
                        + " subcommand of Redis 9.9.9 such as +get or -client|kill; 'get' is not a command)");
    }
}
