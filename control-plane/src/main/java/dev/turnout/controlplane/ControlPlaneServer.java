package dev.turnout.controlplane;

import dev.turnout.controlplane.api.AdminService;
import dev.turnout.controlplane.api.BearerTokenCheck;
import dev.turnout.controlplane.api.DataPlaneService;
import dev.turnout.controlplane.operation.FleetPause;
import dev.turnout.controlplane.operation.Switchover;
import dev.turnout.controlplane.registry.DataPlaneRegistry;
import dev.turnout.controlplane.state.DesiredStateStore;
import dev.turnout.controlplane.state.SwitchHistory;
import dev.turnout.controlplane.tenant.TenantPasswords;
import dev.turnout.controlplane.tenant.TenantProvisioner;
import dev.turnout.dataplane.agent.ConfigSnapshots;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.Secret;
import dev.turnout.v1.AdminServiceGrpc;
import dev.turnout.v1.DataPlaneServiceGrpc;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The control plane's gRPC server: DataPlaneService and AdminService, each behind its own bearer token,
 * and the standard health service (no token), SERVING once started.
 *
 * <p>As in grpc-java's RouteGuideServer, it takes a {@link ServerBuilder} so that tests pass an in-process
 * one. The desired state and the switch history must be loaded before: they are the caller's, opened and
 * closed by it. Pauses and switches ({@link FleetPause}, {@link Switchover}) run on the server's own threads:
 * one timer for their bounds, and a cached pool for the waiting on Redis and on data planes. The tenants' upstream ACL
 * users ({@link TenantProvisioner}) are readied before each desired state goes out, on a switch's target, and
 * repaired every {@link TenantProvisioner#REPAIR_INTERVAL}.
 */
public final class ControlPlaneServer {

    /** How long {@link #stop()} lets calls in flight finish before cancelling them. */
    static final long GRACE_SECONDS = 5;

    private final Server server;
    private final HealthStatusManager health = new HealthStatusManager();
    private final DataPlaneRegistry registry;
    private final FleetPause fleet;
    private final AdminService admin;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("turnout-operation-timer"));
    private final ExecutorService operations = Executors.newCachedThreadPool(daemon("turnout-operation"));

    /**
     * Also readies the tenants' upstream ACL users of the current desired state (talking to the upstreams, each
     * bounded by {@link TenantProvisioner#TIMEOUT}), before any data plane can connect.
     *
     * @throws IOException the tenants' passwords in the data directory cannot be read
     */
    public ControlPlaneServer(ServerBuilder<?> builder, DesiredStateStore store, SwitchHistory history,
                              Secret adminToken, Secret dataPlaneToken, Clock clock) throws IOException {
        ProxyConfig state = store.current();
        TenantProvisioner tenants = new TenantProvisioner(TenantPasswords.open(store.dataDir()), TenantProvisioner.TIMEOUT);
        this.registry = new DataPlaneRegistry(clock, state.version() == 0 ? null : ConfigSnapshots.toProto(state), tenants);
        this.fleet = new FleetPause(registry, timer, operations);
        Switchover switchover = new Switchover(store, registry, fleet, history, operations, clock, tenants);
        long repair = TenantProvisioner.REPAIR_INTERVAL.toMillis();
        timer.scheduleWithFixedDelay(() -> runQuietly(tenants::repair), repair, repair, TimeUnit.MILLISECONDS);
        this.admin = new AdminService(store, registry, fleet, switchover, history, timer, operations,
                tenants::routeNote);
        this.server = builder
                .addService(ServerInterceptors.intercept(new DataPlaneService(registry),
                        new BearerTokenCheck(dataPlaneToken, "data-plane")))
                .addService(ServerInterceptors.intercept(admin, new BearerTokenCheck(adminToken, "admin")))
                .addService(health.getHealthService())
                .build();
    }

    /** Binds and serves; health turns SERVING. */
    public ControlPlaneServer start() throws IOException {
        server.start();
        for (String service : List.of(HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
                DataPlaneServiceGrpc.SERVICE_NAME, AdminServiceGrpc.SERVICE_NAME)) {
            health.setStatus(service, ServingStatus.SERVING);
        }
        return this;
    }

    /** The port it listens on (-1 for an in-process server). */
    public int port() {
        return server.getPort();
    }

    /** The data planes, for tests. */
    DataPlaneRegistry registry() {
        return registry;
    }

    /**
     * Health turns NOT_SERVING, status watches end, a paused fleet is resumed (nobody could resume it once this
     * control plane is gone), data-plane streams are closed with UNAVAILABLE (data planes keep serving and
     * reconnect), calls in flight get {@value #GRACE_SECONDS} s to finish, and a switch still running is
     * interrupted (it rolls back).
     */
    public void stop() throws InterruptedException {
        health.enterTerminalState();
        admin.close();
        fleet.close();
        registry.closeAll(Status.UNAVAILABLE.withDescription("the control plane is shutting down"));
        server.shutdown();
        try {
            if (!server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            operations.shutdownNow();
            timer.shutdownNow();
        }
    }

    /** On the operations pool (it blocks, bounded), never the timer; nothing once stopping. */
    private void runQuietly(Runnable task) {
        try {
            operations.execute(task);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    public void blockUntilShutdown() throws InterruptedException {
        server.awaitTermination();
    }
}
