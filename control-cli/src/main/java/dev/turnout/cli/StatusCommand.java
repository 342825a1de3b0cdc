package dev.turnout.cli;

import dev.turnout.v1.DataPlaneInfo;
import dev.turnout.v1.FleetStatus;
import dev.turnout.v1.Phase;
import dev.turnout.v1.RouteStatus;
import dev.turnout.v1.UpstreamReplication;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code proxyctl status}: the fleet at a glance. */
@Command(name = "status", sortOptions = false,
        description = {"The fleet at a glance: versions, clients, upstreams, rejections.", "",
                "Prints the version of the desired state and, for every data plane, whether it is connected, "
                        + "the version it serves, its clients, upstreams (route=HOST:PORT) and listeners, and why it "
                        + "rejected the last configuration it was sent, if it did.", ""},
        footerHeading = "%nWith -o json:%n",
        footer = {"  {\"desiredVersion\": N, \"dataPlanes\": [DATAPLANE...]}, where DATAPLANE is",
                DataPlanesCommand.JSON_1, DataPlanesCommand.JSON_2, DataPlanesCommand.JSON_3, DataPlanesCommand.JSON_4,
                DataPlanesCommand.JSON_5})
final class StatusCommand implements Runnable {

    @Mixin
    HelpOption help;

    private final Invocation invocation;

    StatusCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public void run() {
        FleetStatus status;
        try (AdminClient client = invocation.connect()) {
            status = client.status();
        }
        if (invocation.json()) {
            invocation.printJson(status);
            return;
        }
        StringBuilder text = new StringBuilder("desired version " + status.getDesiredVersion()
                + (status.getPhase() == Phase.PHASE_UNSPECIFIED ? "" : ", fleet " + status.getPhase())
                + (status.getOperation().isEmpty() ? "" : " (" + status.getOperation() + ")") + "\n");
        if (status.getDataPlanesCount() == 0) {
            text.append("no data planes have registered; start one with"
                    + " bin/turnout-data-plane --control-plane HOST:PORT\n");
        } else {
            Table table = new Table("DATA PLANE", "CONNECTED", "PHASE", "VERSION", "CLIENTS", "IN FLIGHT", "HELD",
                    "LAST PAUSE", "UPSTREAMS", "LISTENERS", "REJECTED");
            for (DataPlaneInfo dp : status.getDataPlanesList()) {
                table.row(dp.getId(), dp.getConnected() ? "yes" : "no", phase(dp.getPhase()),
                        version(dp.getAppliedVersion()), Integer.toString(dp.getConnectedClients()),
                        Long.toString(dp.getInflightCommands()), Long.toString(dp.getHeldCommands()),
                        dp.getLastPauseEnd().isEmpty() ? "-" : dp.getLastPauseHeldMillis() + " ms (" + dp.getLastPauseEnd() + ")",
                        upstreams(dp), String.join(",", dp.getListenersList()), rejection(dp));
            }
            text.append(table.render());
        }
        if (status.getUpstreamsCount() > 0) {
            Table upstreams = new Table("ROUTE", "UPSTREAM", "ROLE", "OFFSET", "REPLICAS (address state offset lag)");
            for (UpstreamReplication u : status.getUpstreamsList()) {
                upstreams.row(u.getRoute(), u.getUpstream(), u.getRole(), Long.toString(u.getMasterReplOffset()),
                        u.getReplicasList().stream().map(r -> r.getAddress() + " " + r.getState() + " " + r.getOffset()
                                + " " + r.getLagBytes()).collect(Collectors.joining("; ")));
            }
            text.append(upstreams.render());
        }
        invocation.print(text.toString());
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
