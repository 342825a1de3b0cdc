package dev.turnout.cli;

import dev.turnout.v1.DataPlaneInfo;
import dev.turnout.v1.FleetStatus;
import dev.turnout.v1.Phase;
import dev.turnout.v1.ReplicaOffset;
import dev.turnout.v1.RouteStatus;
import dev.turnout.v1.UpstreamReplication;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code proxyctl status}: the fleet at a glance, once or (with {@code --watch}) on every change. */
@Command(name = "status", sortOptions = false,
        description = {"The fleet at a glance: phase, versions, clients, traffic, upstreams and their replicas.", "",
                "Prints the version of the desired state, the fleet's phase (SERVING, DRAINING, PAUSED, SWITCHING) "
                        + "and the operation in progress; for every data plane, whether it is connected, its phase, "
                        + "the version it serves, its clients, commands in flight upstream and held by a pause, how "
                        + "long its last pause held traffic and how that pause ended, its upstreams "
                        + "(route=HOST:PORT) and listeners, and why it rejected the last configuration it was sent, "
                        + "if it did; then each route's upstream with its role and replication offset, and each "
                        + "replica's offset and lag in bytes.", "",
                "--watch prints the status again whenever it changes, until Ctrl-C.", ""},
        footerHeading = "%nWith -o json:%n",
        footer = {"  {\"desiredVersion\": N, \"dataPlanes\": [DATAPLANE...], \"phase\": S,",
                "   \"operation\": S, \"upstreams\": [UPSTREAM...]}, where UPSTREAM is",
                "    {\"route\": S, \"upstream\": S, \"role\": S, \"masterReplOffset\": N,",
                "     \"replicas\": [{\"address\": S, \"state\": S, \"offset\": N, \"lagBytes\": N}...]}",
                "  and DATAPLANE is",
                DataPlanesCommand.JSON_1, DataPlanesCommand.JSON_2, DataPlanesCommand.JSON_3, DataPlanesCommand.JSON_4,
                DataPlanesCommand.JSON_5, DataPlanesCommand.JSON_6, DataPlanesCommand.JSON_7,
                "  With --watch: one such object per line (JSON Lines) for each status sent."})
final class StatusCommand implements Runnable {

    @Option(names = "--watch", order = 1,
            description = "Print the status again on every change (at most every 200 ms), until Ctrl-C.")
    boolean watch;

    @Mixin
    HelpOption help;

    private final Invocation invocation;

    StatusCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public void run() {
        if (watch) {
            watch();
            return;
        }
        FleetStatus status;
        try (AdminClient client = invocation.connect()) {
            status = client.status();
        }
        if (invocation.json()) {
            invocation.printJson(status);
            return;
        }
        invocation.print(text(status));
    }

    /** Each status the stream sends: a JSON line, or the text followed by a blank line. Ends when the stream does. */
    private void watch() {
        boolean json = invocation.json();
        try (AdminClient client = invocation.connect()) {
            client.watchStatus(status -> {
                if (json) {
                    invocation.printJsonLine(status);
                } else {
                    invocation.print(text(status) + "\n");
                }
            });
        }
    }

    static String text(FleetStatus status) {
        StringBuilder text = new StringBuilder("desired version " + status.getDesiredVersion());
        if (status.getPhase() != Phase.PHASE_UNSPECIFIED) {
            text.append(", fleet ").append(status.getPhase());
        }
        if (!status.getOperation().isEmpty()) {
            text.append(": ").append(status.getOperation());
        }
        text.append('\n');
        if (status.getDataPlanesCount() == 0) {
            text.append("no data planes have registered; start one with"
                    + " bin/turnout-data-plane --control-plane HOST:PORT\n");
        } else {
            Table table = new Table("DATA PLANE", "CONNECTED", "PHASE", "VERSION", "CLIENTS", "IN FLIGHT", "HELD",
                    "LAST PAUSE", "UPSTREAMS", "LISTENERS", "REJECTED");
            for (DataPlaneInfo dp : status.getDataPlanesList()) {
                table.row(dp.getId(), dp.getConnected() ? "yes" : "no", phase(dp.getPhase()),
                        version(dp.getAppliedVersion()), Integer.toString(dp.getConnectedClients()),
                        Long.toString(dp.getInflightCommands()), Long.toString(dp.getHeldCommands()), lastPause(dp),
                        upstreams(dp), String.join(",", dp.getListenersList()), rejection(dp));
            }
            text.append(table.render());
        }
        if (status.getUpstreamsCount() > 0) {
            text.append(replication(status));
            text.append(tenantAcls(status));
        }
        return text.toString();
    }

    /** One row per route with tenants: the state of their upstream ACL users; nothing when no route has any. */
    private static String tenantAcls(FleetStatus status) {
        Table table = new Table("ROUTE", "TENANT ACL USERS");
        boolean any = false;
        for (UpstreamReplication u : status.getUpstreamsList()) {
            if (!u.getTenantAcl().isEmpty()) {
                table.row(u.getRoute().isEmpty() ? "default" : u.getRoute(), ControlPlaneFailures.oneLine(u.getTenantAcl()));
                any = true;
            }
        }
        return any ? table.render() : "";
    }

    /** One row per replica (one for an upstream without any): the upstream's offset, the replica's, and the lag. */
    private static String replication(FleetStatus status) {
        Table table = new Table("ROUTE", "UPSTREAM", "ROLE", "OFFSET", "REPLICA", "STATE", "REPLICA OFFSET", "LAG BYTES");
        for (UpstreamReplication u : status.getUpstreamsList()) {
            String route = u.getRoute().isEmpty() ? "default" : u.getRoute();
            String offset = u.getRole().equals("master") || u.getMasterReplOffset() != 0
                    ? Long.toString(u.getMasterReplOffset()) : "";
            if (u.getReplicasCount() == 0) {
                table.row(route, u.getUpstream(), ControlPlaneFailures.oneLine(u.getRole()), offset, "", "", "", "");
            }
            for (ReplicaOffset r : u.getReplicasList()) {
                table.row(route, u.getUpstream(), ControlPlaneFailures.oneLine(u.getRole()), offset, r.getAddress(),
                        r.getState(), Long.toString(r.getOffset()), Long.toString(r.getLagBytes()));
            }
        }
        return table.render();
    }

    /** "230 ms (resumed)"; "-" before the first pause. */
    static String lastPause(DataPlaneInfo dp) {
        if (dp.getLastPauseEnd().isEmpty() && dp.getLastPauseHeldMillis() == 0) {
            return "";
        }
        String end = ControlPlaneFailures.oneLine(dp.getLastPauseEnd());
        return dp.getLastPauseHeldMillis() + " ms" + (end == null ? "" : " (" + end + ")");
    }

    /** "-" for a data plane too old to report it. */
    static String phase(Phase phase) {
        return phase == Phase.PHASE_UNSPECIFIED ? "-" : phase.name();
    }

    static String version(long version) {
        return version == 0 ? "none" : Long.toString(version);
    }

    /** "orders=10.0.0.5:6379,default=10.0.0.6:6379" */
    static String upstreams(DataPlaneInfo dp) {
        return dp.getRoutesList().stream().map(StatusCommand::upstream).collect(Collectors.joining(","));
    }

    private static String upstream(RouteStatus route) {
        return (route.getRoute().isEmpty() ? "default" : route.getRoute()) + "=" + route.getUpstream();
    }

    /** "version 8: routes.orders.upstream: expected host:port" */
    static String rejection(DataPlaneInfo dp) {
        if (dp.getRejectedVersion() == 0 && dp.getRejection().isEmpty()) {
            return "";
        }
        String reason = ControlPlaneFailures.oneLine(dp.getRejection());
        return "version " + dp.getRejectedVersion() + ": " + (reason == null ? "no reason given" : reason);
    }
}
