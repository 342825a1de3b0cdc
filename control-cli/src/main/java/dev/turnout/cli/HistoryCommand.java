package dev.turnout.cli;

import dev.turnout.v1.ListHistoryRequest;
import dev.turnout.v1.ListHistoryResponse;
import dev.turnout.v1.SwitchRecord;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code proxyctl history}: the switches the control plane ran, newest first. */
@Command(name = "history", sortOptions = false,
        description = {"Lists past switches, newest first, whatever their outcome.", ""},
        footerHeading = "%nWith -o json:%n",
        footer = "  {\"switches\": [{\"id\", \"route\", \"from\", \"to\", \"mode\", \"outcome\", \"message\", \"version\", "
                + "\"startedMillis\", \"checkMillis\", \"drainMillis\", \"replicationMillis\", \"applyMillis\", "
                + "\"heldMillis\", \"totalMillis\", \"fencedOffset\", \"targetOffset\", \"warnings\"}]}")
final class HistoryCommand implements Runnable {

    @Option(names = "--limit", paramLabel = "N", order = 1, description = "How many (default: 20).")
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
            throw CliFailure.usage("--limit: expected a number >= 1, got " + limit);
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
            invocation.print("no switches yet");
            return;
        }
        Table table = new Table("STARTED", "ROUTE", "FROM", "TO", "MODE", "OUTCOME", "HELD MS", "TOTAL MS", "VERSION");
        for (SwitchRecord r : history.getSwitchesList()) {
            table.row(Instant.ofEpochMilli(r.getStartedMillis()).toString(), r.getRoute(), r.getFrom(), r.getTo(),
                    r.getMode(), r.getOutcome().name(), Long.toString(r.getHeldMillis()),
                    Long.toString(r.getTotalMillis()), r.getVersion() == 0 ? "-" : Long.toString(r.getVersion()));
        }
        invocation.print(table.render());
    }
}
