package dev.turnout.controlplane.operation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.controlplane.registry.DataPlaneRegistry;
import dev.turnout.controlplane.state.DesiredStateStore;
import dev.turnout.controlplane.state.SwitchHistory;
import dev.turnout.controlplane.tenant.TenantPasswords;
import dev.turnout.controlplane.tenant.TenantProvisioner;
import dev.turnout.dataplane.agent.ConfigSnapshots;
import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.testing.RedisServerProcess;
import dev.turnout.v1.ConfigSnapshot;
import dev.turnout.v1.ControlMessage;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.Outcome;
import dev.turnout.v1.SwitchRequest;
import dev.turnout.v1.User;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A switch readies the tenants' upstream ACL users on its target before traffic moves there, since Redis does not
 * replicate them; a target that cannot hold them fails the check and nothing changes, unless the route's tenants
 * use the route's credentials anyway.
 */
class TenantSwitchTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String PASSWORD = "s3cret";

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService operations = Executors.newCachedThreadPool();
    private DesiredStateStore store;
    private DataPlaneRegistry registry;
    private FleetPause fleet;
    private Switchover switchover;
    private ScriptedDataPlane dataPlane;

    @AfterEach
    void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
        operations.shutdownNow();
        timer.shutdownNow();
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    @Test
    void theTargetGetsTheTenantsAclUsersBeforeTheRouteMovesThere() throws Exception {
        RedisServerProcess primary = redis(RedisServerProcess.builder().password(PASSWORD));
        RedisServerProcess target = redis(RedisServerProcess.builder().password(PASSWORD));
        start(primary);
        assertThat(aliceIn(registrySnapshot()).getUpstreamRoutesList()).containsExactly("default");

        OperationResult result = run(target);

        assertThat(result.getOutcome()).as(result.getMessage()).isEqualTo(Outcome.DONE);
        assertThat(dataPlane.kinds()).containsExactly("pause", "config 2", "resume");
        User alice = aliceIn(dataPlane.received(ControlMessage::hasConfig).get(0).getConfig());
        assertThat(alice.getUpstreamRoutesList()).containsExactly("default");
        try (Jedis tenant = new Jedis(target.host(), target.port())) {
            tenant.auth(alice.getUpstreamUser(), alice.getUpstreamPassword());
            assertThat(tenant.set("alice:k", "v")).isEqualTo("OK");
        }
    }

    @Test
    void aTargetThatCannotHoldThemFailsTheCheckAndNothingChanges() throws Exception {
        RedisServerProcess primary = redis(RedisServerProcess.builder().password(PASSWORD));
        RedisServerProcess target = redis(RedisServerProcess.builder()
                .aclUser("default on >" + PASSWORD + " ~* &* +@all -@admin"));
        start(primary);

        OperationResult result = run(target);

        assertThat(result.getOutcome()).isEqualTo(Outcome.PRECONDITION_FAILED);
        String to = target.host() + ":" + target.port();
        assertThat(result.getMessage()).startsWith("target check failed: " + to + ": cannot create the tenants' upstream"
                + " ACL users there (" + to + ": ACL USERS refused (NOPERM")
                .contains("on route 'default' user(s) alice use theirs: give the route's upstream user +acl on " + to)
                .endsWith("; nothing changed");
        assertThat(store.current().version()).isEqualTo(1);
        assertThat(dataPlane.kinds()).isEmpty();
    }

    @Test
    void aRouteWhoseTenantsUseTheRoutesCredentialsSwitchesAnyway() throws Exception {
        RedisServerProcess primary = redis(RedisServerProcess.builder()
                .aclUser("default on >" + PASSWORD + " ~* &* +@all -@admin"));
        RedisServerProcess target = redis(RedisServerProcess.builder()
                .aclUser("default on >" + PASSWORD + " ~* &* +@all -@admin"));
        start(primary);
        assertThat(aliceIn(registrySnapshot()).getUpstreamUser()).isEmpty();

        OperationResult result = run(target);

        assertThat(result.getOutcome()).as(result.getMessage()).isEqualTo(Outcome.DONE);
        assertThat(aliceIn(dataPlane.received(ControlMessage::hasConfig).get(0).getConfig()).getUpstreamUser()).isEmpty();
    }

    private void start(RedisServerProcess primary) throws Exception {
        store = DesiredStateStore.open(dataDir);
        closing.add(store);
        String hash = "sha256:" + java.util.HexFormat.of().formatHex(UserConfig.sha256("pw".getBytes(StandardCharsets.UTF_8)));
        store.apply("routes:\n  default:\n    upstream: \"" + primary.host() + ":" + primary.port() + "\"\n"
                + "    password: \"" + PASSWORD + "\"\nusers:\n  - name: alice\n    password: \"" + hash + "\"\n"
                + "    namespace: \"alice:\"\n", 0);
        TenantProvisioner tenants = new TenantProvisioner(TenantPasswords.open(dataDir), Duration.ofSeconds(2));
        registry = new DataPlaneRegistry(Clock.systemUTC(), ConfigSnapshots.toProto(store.current()), tenants);
        fleet = new FleetPause(registry, timer, operations);
        switchover = new Switchover(store, registry, fleet, SwitchHistory.open(dataDir), operations, Clock.systemUTC(),
                tenants);
        dataPlane = ScriptedDataPlane.connect(registry, "dp", 1);
        closing.add(dataPlane);
    }

    /** The snapshot the registry holds for version 1: what a data plane that says Hello is sent. */
    private ConfigSnapshot registrySnapshot() {
        ScriptedDataPlane fresh = ScriptedDataPlane.connect(registry, "fresh", 0);
        closing.add(fresh);
        return fresh.received(ControlMessage::hasConfig).get(0).getConfig();
    }

    private OperationResult run(RedisServerProcess target) throws Exception {
        return switchover.start(SwitchRequest.newBuilder().setTo(target.host() + ":" + target.port()).build())
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private RedisServerProcess redis(RedisServerProcess.Builder builder) {
        RedisServerProcess redis = builder.start();
        closing.add(redis);
        return redis;
    }

    private static User aliceIn(ConfigSnapshot snapshot) {
        return snapshot.getUsersList().stream().filter(u -> u.getName().equals("alice")).findFirst().orElseThrow();
    }
}
