package dev.turnout.controlplane.api;

import dev.turnout.controlplane.operation.FleetPause;
import dev.turnout.controlplane.operation.FleetState;
import dev.turnout.controlplane.registry.DataPlaneRegistry;
import dev.turnout.controlplane.state.DesiredStateStore;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.v1.DataPlaneInfo;
import dev.turnout.v1.FleetStatus;
import dev.turnout.v1.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * The fleet's status as GetStatus and WatchStatus show it: the desired version, each data plane (PAUSED shows as
 * SWITCHING while a switch holds the fleet), the fleet's phase and operation, and each route's upstream as
 * {@code INFO replication} shows it now, with the state of its tenants' upstream ACL users.
 */
final class FleetStatuses {

    private final DesiredStateStore store;
    private final DataPlaneRegistry registry;
    private final FleetPause fleet;
    private final Executor probes;
    private final UnaryOperator<String> tenantAcls;

    /**
     * @param probes     runs the INFO replication calls (blocking, each bounded)
     * @param tenantAcls a route's one line about its tenants' upstream ACL users ("" for none)
     */
    FleetStatuses(DesiredStateStore store, DataPlaneRegistry registry, FleetPause fleet, Executor probes,
                  UnaryOperator<String> tenantAcls) {
        this.store = store;
        this.registry = registry;
        this.fleet = fleet;
        this.probes = probes;
        this.tenantAcls = tenantAcls;
    }

    /** Every data plane known; a paused one shows as SWITCHING while a switch holds the fleet. */
    List<DataPlaneInfo> dataPlanes() {
        return dataPlanes(fleet.state());
    }

    /** The whole status, upstreams included; completes within about a second whatever the upstreams do. */
    CompletableFuture<FleetStatus> status() {
        ProxyConfig state = store.current();
        return UpstreamReplications.ask(state, probes).thenApply(upstreams -> {
            FleetState fleetState = fleet.state();
            return FleetStatus.newBuilder()
                    .setDesiredVersion(state.version())
                    .addAllDataPlanes(dataPlanes(fleetState))
                    .setPhase(fleetState.phase())
                    .setOperation(fleetState.operation())
                    .addAllUpstreams(upstreams.stream()
                            .map(u -> u.toBuilder().setTenantAcl(tenantAcls.apply(u.getRoute())).build()).toList())
                    .build();
        });
    }

    private List<DataPlaneInfo> dataPlanes(FleetState state) {
        List<DataPlaneInfo> planes = new ArrayList<>(registry.list());
        if (state.phase() == Phase.SWITCHING) {
            planes.replaceAll(p -> p.getConnected() && p.getPhase() == Phase.PAUSED
                    ? p.toBuilder().setPhase(Phase.SWITCHING).build() : p);
        }
        return planes;
    }
}
