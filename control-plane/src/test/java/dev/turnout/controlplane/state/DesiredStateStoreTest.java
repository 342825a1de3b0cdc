package dev.turnout.controlplane.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.dataplane.config.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
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
}
