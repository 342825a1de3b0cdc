package dev.turnout.cli;

import dev.turnout.v1.ListHistoryRequest;
import dev.turnout.v1.ListHistoryResponse;
import dev.turnout.v1.SwitchRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code proxyctl history}: the switches the control plane ran, newest first. */
@Command(name = "history", sortOptions = false,
        description = {"Lists past switches, newest first, whatever their outcome.", "",
                "For each: when it started (UTC), the route, from and to, the mode, the outcome, how long traffic "
                        + "was held and the whole switch took, and the version of the desired state it made.", ""},
        footerHeading = "%nWith -o json:%n",
        footer = {"  {\"switches\": [SWITCH...]}, newest first, where SWITCH is", OperationOutput.SWITCH_1,
                OperationOutput.SWITCH_2, OperationOutput.SWITCH_3, OperationOutput.SWITCH_4, OperationOutput.SWITCH_5})
final class HistoryCommand implements Runnable {

    @Option(names = "--limit", paramLabel = "N", order = 1, description = "How many switches, at most (default: 20).")
    int limit = 20;

    @Mixin
    HelpOption help;

    private final Invocation invocation;

    HistoryCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public void run() {
        if (limit < 1) {
            throw CliFailure.usage("--limit: expected a number of at least 1, got " + limit);
        }
        ListHistoryResponse history;
        try (AdminClient client = invocation.connect()) {
            history = client.history(ListHistoryRequest.newBuilder().setLimit(limit).build());
        }
        if (invocation.json()) {
            invocation.printJson(history);
            return;
        }
        if (history.getSwitchesCount() == 0) {
            invocation.print("no switches recorded yet");
            return;
        }
        Table table = new Table("STARTED", "ROUTE", "FROM", "TO", "MODE", "OUTCOME", "HELD MS", "TOTAL MS", "VERSION");
        for (SwitchRecord r : history.getSwitchesList()) {
            table.row(DataPlanesCommand.time(r.getStartedMillis()), r.getRoute().isEmpty() ? "default" : r.getRoute(),
                    r.getFrom(), r.getTo(), r.getMode(), r.getOutcome().name(), Long.toString(r.getHeldMillis()),
                    Long.toString(r.getTotalMillis()), r.getVersion() == 0 ? "-" : Long.toString(r.getVersion()));
        }
        invocation.print(table.render());
    }
}
