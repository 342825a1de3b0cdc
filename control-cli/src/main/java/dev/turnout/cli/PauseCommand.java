package dev.turnout.cli;

import dev.turnout.v1.PauseRequest;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code proxyctl pause}: holds every client's commands on every data plane, once all in flight have finished. */
@Command(name = "pause", sortOptions = false,
        description = {"Pauses traffic on every data plane.", "",
                "Returns once every command already sent upstream, on every data plane, has had its reply; commands "
                        + "sent meanwhile are held (never sent upstream) until 'proxyctl resume', each for at most "
                        + "--hold-limit, then answered -TRYAGAIN. Client connections stay open. If the data planes have "
                        + "not all drained within --timeout, everything is resumed and the busy connections are named "
                        + "(exit 4); the global --timeout sets that bound. Pausing a paused fleet does nothing. A data plane that loses the control plane "
                        + "for --lease resumes on its own.", ""},
        footerHeading = "%nWith -o json:%n",
        footer = "  {\"outcome\": \"DONE\", \"message\": ..., \"dataPlanes\": [{\"id\", \"phase\", \"drainedCommands\", "
                + "\"heldCommands\", \"drainMillis\", \"busy\": [...], \"heldMillis\"}], \"switch\": {...}, \"warnings\": [...]}")
final class PauseCommand implements Runnable {

    @Option(names = "--hold-limit", paramLabel = "DURATION", order = 2, converter = DurationConverter.class,
            description = "Longest a held command waits before -TRYAGAIN (default: 10s).")
    Duration holdLimit = Duration.ofSeconds(10);

    @Option(names = "--lease", paramLabel = "DURATION", order = 3, converter = DurationConverter.class,
            description = "A data plane that hears nothing from the control plane this long resumes (default: 30s).")
    Duration lease = Duration.ofSeconds(30);

    @Mixin
    HelpOption help;

    private final Invocation invocation;

    PauseCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public void run() {
        // The global --timeout bounds the drain here; the call's deadline leaves the control plane time to roll back.
        Duration timeout = invocation.options().timeout;
        PauseRequest request = PauseRequest.newBuilder().setTimeoutMillis(timeout.toMillis())
                .setHoldLimitMillis(holdLimit.toMillis()).setLeaseMillis(lease.toMillis()).build();
        try (AdminClient client = invocation.connect()) {
            OperationOutput.print(invocation, client.operation(timeout.plusSeconds(10), s -> s.pause(request)));
        }
    }
}
