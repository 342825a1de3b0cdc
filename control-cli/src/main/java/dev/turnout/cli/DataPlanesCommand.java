package dev.turnout.cli;

import dev.turnout.v1.DataPlaneInfo;
import dev.turnout.v1.ListDataPlanesResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code proxyctl dataplanes}: every data plane the control plane knows, connected or not. */
@Command(name = "dataplanes", sortOptions = false,
        description = {"Every data plane the control plane knows, connected or not.", "",
                "Prints each data plane's stream address, software version, the configuration version it "
                        + "serves, and when it connected and was last seen (UTC).", ""},
        footerHeading = "%nWith -o json:%n",
        footer = {"  {\"dataPlanes\": [DATAPLANE...]}, where DATAPLANE is", DataPlanesCommand.JSON_1,
                DataPlanesCommand.JSON_2, DataPlanesCommand.JSON_3, DataPlanesCommand.JSON_4, DataPlanesCommand.JSON_5,
                DataPlanesCommand.JSON_6, DataPlanesCommand.JSON_7})
final class DataPlanesCommand implements Runnable {

    // One data plane in JSON, for the help of status and dataplanes.
    static final String JSON_1 = "    {\"id\": S, \"connected\": B, \"address\": S, \"softwareVersion\": S,";
    static final String JSON_2 = "     \"appliedVersion\": N, \"rejectedVersion\": N, \"rejection\": S,";
    static final String JSON_3 = "     \"connectedClients\": N, \"routes\": [{\"route\": S, \"upstream\": S}...],";
    static final String JSON_4 = "     \"listeners\": [S...], \"connectedSinceMillis\": N, \"lastSeenMillis\": N,";
    static final String JSON_5 = "     \"phase\": S, \"inflightCommands\": N, \"heldCommands\": N,";
    static final String JSON_6 = "     \"lastPauseHeldMillis\": N, \"lastPauseEnd\": S}";
    static final String JSON_7 = "  Every field is always there (0, false, \"\" or [] when unset).";

    @Mixin
    HelpOption help;

    private final Invocation invocation;

    DataPlanesCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public void run() {
        ListDataPlanesResponse response;
        try (AdminClient client = invocation.connect()) {
            response = client.dataPlanes();
        }
        if (invocation.json()) {
            invocation.printJson(response);
            return;
        }
        if (response.getDataPlanesCount() == 0) {
            invocation.print("no data planes have registered; start one with"
                    + " bin/turnout-data-plane --control-plane HOST:PORT");
            return;
        }
        Table table = new Table("DATA PLANE", "CONNECTED", "ADDRESS", "SOFTWARE", "VERSION", "REJECTED",
                "CONNECTED SINCE", "LAST SEEN");
        for (DataPlaneInfo dp : response.getDataPlanesList()) {
            table.row(dp.getId(), dp.getConnected() ? "yes" : "no", dp.getAddress(), dp.getSoftwareVersion(),
                    StatusCommand.version(dp.getAppliedVersion()), StatusCommand.rejection(dp),
                    time(dp.getConnectedSinceMillis()), time(dp.getLastSeenMillis()));
        }
        invocation.print(table.render());
    }

    /** ISO-8601 in UTC, to the second; "" (printed "-") for never. */
    static String time(long epochMillis) {
        return epochMillis <= 0 ? "" : Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
