package dev.turnout.dataplane.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.dataplane.command.CommandTable;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.LimitsConfig;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.dataplane.config.UserConfig;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each configuration gets new rules while each user keeps its rate-limiter bucket and connection count. */
class UserAccessRegistryTest {

    private static CommandTable table;

    private final AtomicLong clock = new AtomicLong();
    private final UserAccessRegistry registry = new UserAccessRegistry(clock::get);

    @BeforeAll
    static void loadTable() {
        table = CommandTable.loadDefault();
    }

    private static UserConfig user(String name, String commands, int maxConnections, int rateLimit) {
        return new UserConfig(name, UserConfig.sha256(name.getBytes(StandardCharsets.UTF_8)), name + ":", commands,
                maxConnections, rateLimit);
    }

    private static ProxyConfig config(long version, UserConfig... users) {
        Map<String, UserConfig> byName = new LinkedHashMap<>();
        for (UserConfig user : users) {
            byName.put(user.name(), user);
        }
        RouteConfig route = new RouteConfig("default", HostAndPort.parse("127.0.0.1:6379"), null, null,
                RouteConfig.DEFAULT_DATABASES, RouteConfig.DEFAULT_CONNECT_TIMEOUT);
        return new ProxyConfig(version, List.of(), Map.of("default", route), LimitsConfig.DEFAULTS, byName);
    }

    private UserAccess alice() {
        return registry.current().user("alice").orElseThrow();
    }

    @Test
    void beforeTheFirstConfigurationThereIsNobody() {
        assertThat(registry.current()).isSameAs(AccessSnapshot.EMPTY);
        assertThat(registry.current().user("alice")).isEmpty();
        assertThat(registry.current().configVersion()).isEqualTo(-1);
    }

    @Test
    void eachUserGetsItsRulesAndLimits() {
        AccessSnapshot snapshot = registry.update(config(3, user("alice", "+@all -@dangerous", 2, 100),
                user("bob", "-@all +get", 0, 0)), table);
        assertThat(registry.current()).isSameAs(snapshot);
        assertThat(snapshot.configVersion()).isEqualTo(3);
        assertThat(snapshot.users().keySet()).containsExactlyInAnyOrder("alice", "bob");
        UserAccess alice = snapshot.user("alice").orElseThrow();
        assertThat(alice.name()).isEqualTo("alice");
        assertThat(alice.commands()).hasToString("+@all -@dangerous");
        assertThat(alice.commands().allows(table.lookup("flushall"))).isFalse();
        assertThat(alice.rateLimiter().perSecond()).isEqualTo(100);
        assertThat(alice.connections().max()).isEqualTo(2);
        UserAccess bob = snapshot.user("bob").orElseThrow();
        assertThat(bob.commands().allows(table.lookup("set"))).isFalse();
        assertThat(bob.rateLimiter().perSecond()).isZero();
        assertThat(snapshot.user("carol")).isEmpty();
    }

    @Test
    void aUserKeptByNameKeepsItsConnectionsAndWhatItSpent() {
        registry.update(config(1, user("alice", "+@all", 3, 10)), table);
        UserAccess before = alice();
        assertThat(before.connections().tryAcquire()).isTrue();
        assertThat(before.connections().tryAcquire()).isTrue();
        for (int i = 0; i < 10; i++) {
            assertThat(before.rateLimiter().tryAcquire()).isTrue();
        }

        registry.update(config(2, user("alice", "-@all +get", 3, 10)), table);
        UserAccess same = alice();
        assertThat(same).isNotSameAs(before);
        assertThat(same.commands()).hasToString("-@all +get");
        assertThat(same.rateLimiter()).as("unchanged limit: the same limiter").isSameAs(before.rateLimiter());
        assertThat(same.connections()).isSameAs(before.connections());
        assertThat(same.rateLimiter().tryAcquire()).isFalse();

        registry.update(config(3, user("alice", "-@all +get", 2, 20)), table);
        UserAccess changed = alice();
        assertThat(changed.connections().current()).isEqualTo(2);
        assertThat(changed.connections().tryAcquire()).as("two open, two allowed now").isFalse();
        before.connections().release(); // a connection from the first configuration closes
        assertThat(changed.connections().current()).isEqualTo(1);
        assertThat(changed.connections().tryAcquire()).isTrue();
        assertThat(changed.rateLimiter().tryAcquire()).as("the second spent under 10/s still counts").isFalse();
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        int allowed = 0;
        while (changed.rateLimiter().tryAcquire()) {
            allowed++;
        }
        assertThat(allowed).as("half a second at the new 20/s").isEqualTo(10);
    }

    @Test
    void aRemovedUserDisappearsAndComesBackAfresh() {
        registry.update(config(1, user("alice", "+@all", 1, 1), user("bob", "+@all", 0, 0)), table);
        UserAccess before = alice();
        assertThat(before.connections().tryAcquire()).isTrue();
        assertThat(before.rateLimiter().tryAcquire()).isTrue();

        AccessSnapshot without = registry.update(config(2, user("bob", "+@all", 0, 0)), table);
        assertThat(without.user("alice")).isEmpty();
        before.connections().release(); // the session closes the removed user's connection

        registry.update(config(3, user("alice", "+@all", 1, 1), user("bob", "+@all", 0, 0)), table);
        UserAccess again = alice();
        assertThat(again.connections()).isNotSameAs(before.connections());
        assertThat(again.connections().tryAcquire()).isTrue();
        assertThat(again.rateLimiter().tryAcquire()).isTrue();
    }

    @Test
    void rulesThatDoNotCompileLeaveTheCurrentSnapshot() {
        AccessSnapshot good = registry.update(config(1, user("alice", "+@all", 0, 0)), table);
        assertThatThrownBy(() -> registry.update(config(2, user("alice", "+@all", 0, 0),
                user("bob", "+@all -@reads", 0, 0)), table))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("user 'bob', commands: '-@reads': Unknown command or category name in ACL");
        assertThat(registry.current()).isSameAs(good);
    }

    @Test
    void aSnapshotIsImmutable() {
        AccessSnapshot snapshot = registry.update(config(1, user("alice", "+@all", 0, 0)), table);
        assertThatThrownBy(() -> snapshot.users().remove("alice")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(snapshot).hasToString("AccessSnapshot[version 1, users [alice]]");
    }
}
