package dev.turnout.controlplane.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.dataplane.config.ConfigDocumentWriter;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.dataplane.config.Secret;
import dev.turnout.dataplane.config.UserConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DesiredStateStoreTest {

    private static final String PASSWORD = "hunter2-Secret-0b7e";

    private static final String ORDERS = """
            listeners:
              - listen: 127.0.0.1:6390
                route: orders
            routes:
              orders:
                upstream: 127.0.0.1:6379
                user: app
                password: %s
                databases: 4
              cache:
                upstream: 127.0.0.1:6400
            limits:
              max-clients: 500
            """.formatted(PASSWORD);

    @TempDir
    Path dataDir;

    @Test
    void anEmptyDataDirectoryIsVersionZeroWithNothingInIt() throws Exception {
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            ProxyConfig state = store.current();
            assertThat(state.version()).isZero();
            assertThat(state.listeners()).isEmpty();
            assertThat(state.routes()).isEmpty();
        }
        assertThat(dataDir.resolve(StateFile.NAME)).doesNotExist();
    }

    @Test
    void theDataDirectoryIsCreatedOwnerOnly() throws Exception {
        Path dir = dataDir.resolve("a/b");
        try (DesiredStateStore store = DesiredStateStore.open(dir)) {
            assertThat(dir).isDirectory();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        }
    }

    @Test
    void anAcceptedChangeIsPersistedAndReloadedWithItsVersionAndSecrets() throws Exception {
        ProxyConfig applied;
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            assertThat(store.apply(ORDERS, 0).version()).isEqualTo(1);
            applied = store.apply(ORDERS, 1);
            assertThat(applied.version()).isEqualTo(2);
            assertThat(store.current()).isEqualTo(applied);
        }
        Path file = dataDir.resolve(StateFile.NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(dataDir.resolve(StateFile.NAME + ".tmp")).doesNotExist();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text).contains("version: 2", "format: 1");

        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            ProxyConfig reloaded = store.current();
            assertThat(reloaded).isEqualTo(applied);
            assertThat(reloaded.version()).isEqualTo(2);
            RouteConfig orders = reloaded.route("orders");
            assertThat(orders.password().reveal()).isEqualTo(PASSWORD);
            assertThat(orders.user()).isEqualTo("app");
            assertThat(orders.databases()).isEqualTo(4);
            assertThat(reloaded.limits().maxClients()).isEqualTo(500);
            assertThat(store.apply(ORDERS, 2).version()).isEqualTo(3);
        }
    }

    @Test
    void aRewriteReplacesTheFileAtomicallyAndLeavesNoTemporaryFile() throws Exception {
        Path file = dataDir.resolve(StateFile.NAME);
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            store.apply(ORDERS, 0);
            Object before = Files.getAttribute(file, "unix:ino");
            store.apply(ORDERS.replace("127.0.0.1:6400", "127.0.0.1:6401"), 1);
            // A new inode: the file was renamed over, not rewritten in place.
            assertThat(Files.getAttribute(file, "unix:ino")).isNotEqualTo(before);
        }
        try (var files = Files.list(dataDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(StateFile.NAME, "lock");
        }
    }

    @Test
    void aLeftoverTemporaryFileIsIgnoredAndRemoved() throws Exception {
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            store.apply(ORDERS, 0);
        }
        Files.writeString(dataDir.resolve(StateFile.NAME + ".tmp"), "half a fi");
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            assertThat(store.current().version()).isEqualTo(1);
            assertThat(dataDir.resolve(StateFile.NAME + ".tmp")).doesNotExist();
        }
    }

    @Test
    void aStaleIfVersionIsRefusedAndChangesNothing() throws Exception {
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            store.apply(ORDERS, 0);
            assertThatThrownBy(() -> store.apply(ORDERS, 5))
                    .isInstanceOf(StaleVersionException.class)
                    .hasMessage("desired state is at version 1, not 5; get it again and retry");
            assertThatThrownBy(() -> store.setUpstream("orders", "127.0.0.1:1", null, null, 2))
                    .isInstanceOf(StaleVersionException.class);
            assertThat(store.current().version()).isEqualTo(1);
            assertThat(store.apply(ORDERS, 1).version()).isEqualTo(2);
        }
    }

    @Test
    void anInvalidDocumentIsRefusedWithThePathAndChangesNothing() throws Exception {
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            store.apply(ORDERS, 0);
            assertThatThrownBy(() -> store.apply(ORDERS.replace("route: orders", "route: nowhere"), 0))
                    .isInstanceOf(InvalidChangeException.class)
                    .hasMessageStartingWith("listeners[0].route: route 'nowhere' is not defined");
            assertThatThrownBy(() -> store.apply("", 0))
                    .isInstanceOf(InvalidChangeException.class);
            assertThat(store.current().version()).isEqualTo(1);
            assertThat(store.current().route("orders").upstream().toString()).isEqualTo("127.0.0.1:6379");
        }
    }

    @Test
    void passwordFilesAndVariablesAreNotReadByTheControlPlane() throws Exception {
        Path secretFile = dataDir.resolve("other.pw");
        Files.writeString(secretFile, "not-for-you\n");
        try (DesiredStateStore store = DesiredStateStore.open(dataDir.resolve("state"))) {
            assertThatThrownBy(() -> store.apply(ORDERS.replace("password: " + PASSWORD, "password-file: " + secretFile), 0))
                    .isInstanceOf(InvalidChangeException.class)
                    .hasMessageStartingWith("routes.orders.password-file: not read by the control plane");
            assertThatThrownBy(() -> store.apply(ORDERS.replace("password: " + PASSWORD, "password-env: HOME"), 0))
                    .isInstanceOf(InvalidChangeException.class)
                    .hasMessageStartingWith("routes.orders.password-env: not read by the control plane");
        }
    }

    @Test
    void theMaskedPasswordKeepsTheRoutesCurrentPassword() throws Exception {
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            store.apply(ORDERS, 0);
            ProxyConfig next = store.apply(ORDERS.replace(PASSWORD, "\"******\"").replace("6379", "6380"), 1);
            assertThat(next.route("orders").password().reveal()).isEqualTo(PASSWORD);
            assertThat(next.route("orders").upstream().port()).isEqualTo(6380);

            // A new password replaces it; "******" on a route that has none is an error.
            assertThat(store.apply(ORDERS.replace(PASSWORD, "changed"), 2).route("orders").password().reveal())
                    .isEqualTo("changed");
            String maskedCache = ORDERS.replace("upstream: 127.0.0.1:6400", "upstream: 127.0.0.1:6400\n    password: \"******\"");
            assertThatThrownBy(() -> store.apply(maskedCache, 3))
                    .isInstanceOf(InvalidChangeException.class)
                    .hasMessageStartingWith("routes.cache.password: \"******\" keeps the route's current password");
        }
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            assertThat(store.current().route("orders").password()).isEqualTo(Secret.of("changed"));
        }
    }

    @Test
    void setUpstreamCreatesOrChangesOneRouteAndKeepsTheRest() throws Exception {
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            ProxyConfig first = store.setUpstream("", "127.0.0.1:7001", "", "", 0);
            assertThat(first.version()).isEqualTo(1);
            assertThat(first.routes()).containsOnlyKeys("default");
            assertThat(first.route("default").password()).isNull();
            assertThat(first.route("default").user()).isNull();
            assertThat(first.listeners()).isEmpty();

            store.apply(ORDERS, 1);
            ProxyConfig switched = store.setUpstream("orders", "127.0.0.1:7002", null, "******", 2);
            RouteConfig orders = switched.route("orders");
            assertThat(orders.upstream().toString()).isEqualTo("127.0.0.1:7002");
            assertThat(orders.user()).isEqualTo("app");
            assertThat(orders.password().reveal()).isEqualTo(PASSWORD);
            assertThat(orders.databases()).isEqualTo(4);
            assertThat(switched.listeners()).hasSize(1);
            assertThat(switched.routes()).containsOnlyKeys("orders", "cache");
            assertThat(switched.limits().maxClients()).isEqualTo(500);

            ProxyConfig credentials = store.setUpstream("orders", "127.0.0.1:7002", "ops", "new-pass", 3);
            assertThat(credentials.route("orders").user()).isEqualTo("ops");
            assertThat(credentials.route("orders").password().reveal()).isEqualTo("new-pass");
            assertThat(credentials.version()).isEqualTo(4);
        }
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            assertThat(store.current().version()).isEqualTo(4);
            assertThat(store.current().route("orders").password().reveal()).isEqualTo("new-pass");
        }
    }

    @Test
    void setUpstreamValidatesTheAddress() throws Exception {
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            assertThatThrownBy(() -> store.setUpstream("orders", "localhost", null, null, 0))
                    .isInstanceOf(InvalidChangeException.class)
                    .hasMessageStartingWith("routes.orders.upstream: expected host:port");
            assertThatThrownBy(() -> store.setUpstream(null, "localhost:0", null, null, 0))
                    .isInstanceOf(InvalidChangeException.class)
                    .hasMessageStartingWith("routes.default.upstream: ");
            assertThat(store.current().version()).isZero();
        }
    }

    @Test
    void aDataDirectoryServesOneControlPlaneAtATime() throws Exception {
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            assertThatThrownBy(() -> DesiredStateStore.open(dataDir))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("in use by another control plane");
        }
        DesiredStateStore.open(dataDir).close();
    }

    @Test
    void aDamagedStateFileIsReportedWithoutQuotingIt() throws Exception {
        Files.writeString(dataDir.resolve(StateFile.NAME), """
                format: 1
                version: 3
                config:
                  routes:
                    orders: {upstream: 127.0.0.1:6379,
                      password: %s
                """.formatted(PASSWORD));
        assertThatThrownBy(() -> DesiredStateStore.open(dataDir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(StateFile.NAME)
                .hasMessageContaining("not valid YAML")
                .hasMessageNotContaining(PASSWORD);

        Files.writeString(dataDir.resolve(StateFile.NAME), "format: 1\nversion: 3\nconfig:\n  routes:\n    orders:\n      upstream: x\n");
        assertThatThrownBy(() -> DesiredStateStore.open(dataDir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("config: routes.orders.upstream: expected host:port");

        Files.writeString(dataDir.resolve(StateFile.NAME), "format: 2\nversion: 3\nconfig: {}\n");
        assertThatThrownBy(() -> DesiredStateStore.open(dataDir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format: expected 1");
    }

    @Test
    void theStateFileIsTheDocumentWithAVersion() throws Exception {
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            store.apply(ORDERS, 0);
        }
        List<String> lines = Files.readAllLines(dataDir.resolve(StateFile.NAME));
        assertThat(lines).anyMatch(l -> l.startsWith("#"));
        assertThat(lines).contains("version: 1", "config:");
        assertThat(String.join("\n", lines)).contains(PASSWORD); // unmasked: it is the state
    }

    private static final String ALICE_HASH = hash("alice's password");

    static String hash(String password) {
        return UserConfig.HASH_PREFIX + HexFormat.of().formatHex(UserConfig.sha256(password.getBytes(StandardCharsets.UTF_8)));
    }

    private static UserChange newUser(String name, String hash) {
        return new UserChange(name, hash, null, null, null, null);
    }

    @Test
    void putUserAddsAUserWithTheReadersDefaultsAndKeepsTheRest() throws Exception {
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            store.apply(ORDERS, 0);
            ProxyConfig next = store.putUser(newUser("alice", ALICE_HASH), UserChange.Presence.MUST_BE_NEW, 1);
            assertThat(next.version()).isEqualTo(2);
            UserConfig alice = next.users().get("alice");
            assertThat(alice.passwordHash()).isEqualTo(ALICE_HASH);
            assertThat(alice.namespace()).isEqualTo("alice:");
            assertThat(alice.commands()).isEqualTo("+@all");
            assertThat(alice.maxConnections()).isZero();
            assertThat(alice.rateLimit()).isZero();
            assertThat(next.routes()).isEqualTo(store.current().routes()).containsOnlyKeys("orders", "cache");
            assertThat(next.route("orders").password().reveal()).isEqualTo(PASSWORD);
            assertThat(next.listeners()).hasSize(1);
            assertThat(next.limits().maxClients()).isEqualTo(500);

            ProxyConfig admin = store.putUser(new UserChange("ops", hash("ops password"), "", "+@all -@dangerous", 5, 1000),
                    UserChange.Presence.NEW_OR_EXISTING, 0);
            assertThat(admin.users()).containsOnlyKeys("alice", "ops");
            assertThat(admin.users().get("ops")).isEqualTo(new UserConfig("ops",
                    UserConfig.parseHash(hash("ops password")), "", "+@all -@dangerous", 5, 1000));
        }
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            assertThat(store.current().version()).isEqualTo(3);
            assertThat(store.current().users().get("alice").passwordHash()).isEqualTo(ALICE_HASH);
            assertThat(store.current().users().get("ops").namespace()).isEmpty();
        }
    }

    @Test
    void changingAUserKeepsWhatTheChangeLeavesUnset() throws Exception {
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            store.apply(ORDERS, 0);
            store.putUser(new UserChange("alice", ALICE_HASH, "tenant-a:", "+get +set", 10, 200),
                    UserChange.Presence.MUST_BE_NEW, 0);

            UserConfig limitsOff = store.putUser(new UserChange("alice", null, null, null, 0, null),
                    UserChange.Presence.MUST_EXIST, 0).users().get("alice");
            assertThat(limitsOff).isEqualTo(new UserConfig("alice", UserConfig.parseHash(ALICE_HASH), "tenant-a:",
                    "+get +set", 0, 200));

            UserConfig admin = store.putUser(new UserChange("alice", null, "", null, null, null),
                    UserChange.Presence.NEW_OR_EXISTING, 0).users().get("alice");
            assertThat(admin.namespace()).isEmpty();
            assertThat(admin.commands()).isEqualTo("+get +set");
            assertThat(admin.passwordHash()).isEqualTo(ALICE_HASH);
            assertThat(store.current().version()).isEqualTo(4);
        }
    }

    @Test
    void putUserRefusesAnExistingNameToAddAndAnUnknownOneToChange() throws Exception {
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            store.apply(ORDERS, 0);
            store.putUser(newUser("alice", ALICE_HASH), UserChange.Presence.MUST_BE_NEW, 0);
            assertThatThrownBy(() -> store.putUser(newUser("alice", hash("other")), UserChange.Presence.MUST_BE_NEW, 0))
                    .isInstanceOf(UserExistsException.class)
                    .hasMessage("user 'alice' already exists in the desired state (version 2); change its password"
                            + " instead, or remove it first");
            assertThatThrownBy(() -> store.putUser(newUser("bob", ALICE_HASH), UserChange.Presence.MUST_EXIST, 0))
                    .isInstanceOf(UnknownUserException.class)
                    .hasMessage("user 'bob' does not exist in the desired state (version 2); check the name in the"
                            + " list of users, or add the user first");
            assertThatThrownBy(() -> store.putUser(newUser("bob", ALICE_HASH), UserChange.Presence.MUST_BE_NEW, 1))
                    .isInstanceOf(StaleVersionException.class);
            assertThat(store.current().version()).isEqualTo(2);
            assertThat(store.current().users().get("alice").passwordHash()).isEqualTo(ALICE_HASH);
        }
    }

    @Test
    void aUserIsValidatedByTheReaderAndNamedInTheError() throws Exception {
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            assertThatThrownBy(() -> store.putUser(newUser("alice", ALICE_HASH), UserChange.Presence.MUST_BE_NEW, 0))
                    .isInstanceOf(InvalidChangeException.class)
                    .hasMessageStartingWith("routes: none yet, and a desired state needs a route before it can have users");
            store.apply(ORDERS, 0);
            assertThatThrownBy(() -> store.putUser(newUser("a b", ALICE_HASH), UserChange.Presence.MUST_BE_NEW, 0))
                    .isInstanceOf(InvalidChangeException.class)
                    .hasMessage("users[a b].name: expected a user name without spaces, got 'a b'");
            assertThatThrownBy(() -> store.putUser(newUser("alice", "alice's password"), UserChange.Presence.MUST_BE_NEW, 0))
                    .isInstanceOf(InvalidChangeException.class)
                    .hasMessageStartingWith("users[alice].password: expected sha256:<64 hex digits>")
                    .hasMessageNotContaining("alice's password");
            assertThatThrownBy(() -> store.putUser(newUser("alice", null), UserChange.Presence.MUST_BE_NEW, 0))
                    .isInstanceOf(InvalidChangeException.class)
                    .hasMessage("users[alice].password: missing (expected a value)");
            assertThatThrownBy(() -> store.putUser(new UserChange("alice", ALICE_HASH, null, null, -1, null),
                    UserChange.Presence.MUST_BE_NEW, 0))
                    .isInstanceOf(InvalidChangeException.class)
                    .hasMessage("users[alice].max-connections: expected a positive whole number, got '-1'");
            assertThatThrownBy(() -> store.putUser(newUser("", ALICE_HASH), UserChange.Presence.MUST_BE_NEW, 0))
                    .isInstanceOf(InvalidChangeException.class)
                    .hasMessage("name: missing (expected the user's name)");
            assertThat(store.current().version()).isEqualTo(1);
            assertThat(store.current().users()).isEmpty();
        }
    }

    @Test
    void setUserPasswordChangesTheHashAlone() throws Exception {
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            store.apply(ORDERS, 0);
            store.putUser(new UserChange("alice", ALICE_HASH, "", "+@read", 3, 0), UserChange.Presence.MUST_BE_NEW, 0);
            String newHash = hash("new password");
            UserConfig alice = store.setUserPassword("alice", newHash, 2).users().get("alice");
            assertThat(alice).isEqualTo(new UserConfig("alice", UserConfig.parseHash(newHash), "", "+@read", 3, 0));

            assertThatThrownBy(() -> store.setUserPassword("bob", newHash, 0)).isInstanceOf(UnknownUserException.class);
            assertThatThrownBy(() -> store.setUserPassword("alice", "", 0))
                    .isInstanceOf(InvalidChangeException.class)
                    .hasMessage("users[alice].password: missing (expected a value)");
            assertThatThrownBy(() -> store.setUserPassword("alice", "sha256:xyz", 0))
                    .isInstanceOf(InvalidChangeException.class)
                    .hasMessageStartingWith("users[alice].password: expected sha256:<64 hex digits>");
            assertThat(store.current().version()).isEqualTo(3);
        }
    }

    @Test
    void removeUserRemovesOneUserAndKeepsTheRest() throws Exception {
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            store.apply(ORDERS, 0);
            store.putUser(newUser("alice", ALICE_HASH), UserChange.Presence.MUST_BE_NEW, 0);
            store.putUser(newUser("bob", hash("bob")), UserChange.Presence.MUST_BE_NEW, 0);
            assertThatThrownBy(() -> store.removeUser("alice", 2)).isInstanceOf(StaleVersionException.class);

            ProxyConfig next = store.removeUser("alice", 3);
            assertThat(next.version()).isEqualTo(4);
            assertThat(next.users()).containsOnlyKeys("bob");
            assertThat(next.route("orders").password().reveal()).isEqualTo(PASSWORD);
            assertThatThrownBy(() -> store.removeUser("alice", 0))
                    .isInstanceOf(UnknownUserException.class)
                    .hasMessageStartingWith("user 'alice' does not exist in the desired state (version 4)");
            assertThat(store.removeUser("bob", 0).users()).isEmpty();
        }
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            assertThat(store.current().version()).isEqualTo(5);
            assertThat(store.current().users()).isEmpty();
        }
    }

    @Test
    void aMaskedUserPasswordKeepsThatUsersHashSoConfigGetAppliesBack() throws Exception {
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            store.apply(ORDERS, 0);
            store.putUser(new UserChange("alice", ALICE_HASH, "", "+@all -@dangerous", 7, 0), UserChange.Presence.MUST_BE_NEW, 0);
            store.putUser(newUser("bob", hash("bob")), UserChange.Presence.MUST_BE_NEW, 0);
            String shown = ConfigDocumentWriter.toYaml(store.current(), true);
            assertThat(shown).doesNotContain(ALICE_HASH).doesNotContain(hash("bob"));

            ProxyConfig applied = store.apply(shown.replace("127.0.0.1:6400", "127.0.0.1:6401"), 3);
            assertThat(applied.users()).isEqualTo(Map.of("alice", new UserConfig("alice", UserConfig.parseHash(ALICE_HASH), "",
                    "+@all -@dangerous", 7, 0), "bob", new UserConfig("bob", UserConfig.parseHash(hash("bob")), "bob:", "+@all", 0, 0)));
            assertThat(applied.route("cache").upstream().port()).isEqualTo(6401);
            assertThat(applied.route("orders").password().reveal()).isEqualTo(PASSWORD);

            // A masked hash names a user of the current state; a renamed or new user needs its own hash.
            assertThatThrownBy(() -> store.apply(shown.replace("name: \"bob\"", "name: \"carol\""), 0))
                    .isInstanceOf(InvalidChangeException.class)
                    .hasMessageMatching("users\\[\\d\\]\\.password: \"\\*{6}\" keeps the password hash of the user of that"
                            + " name, but the desired state has no user 'carol' \\(expected sha256:<64 hex digits>\\)");
            assertThat(store.current().version()).isEqualTo(4);
        }
    }
}
