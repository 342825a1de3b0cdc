package dev.turnout.cli;

import dev.turnout.v1.PauseRequest;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code proxyctl pause}: holds every client's commands on every data plane, once all in flight have finished. */
@Command(name = "pause", sortOptions = false,
        description = {"Pauses traffic on every data plane; returns once all have drained.", "",
                "Returns once every command already sent upstream, on every data plane, has had its reply. Commands "
                        + "sent meanwhile are held, never sent upstream, until 'proxyctl resume'; each waits at most "
                        + "--hold-limit, then gets -TRYAGAIN. Client connections stay open.", "",
                "Here --timeout bounds the drain (default: 10s): if the data planes have not all drained by then, "
                        + "everything is resumed, the busy connections are named, and the exit code is 4. A resume "
                        + "while this pause drains cancels it (exit 1). Pausing a paused fleet changes nothing. A data "
                        + "plane that hears nothing from the control plane for --lease resumes on its own.", ""},
        footerHeading = "%nWith -o json (whatever the outcome):%n",
        footer = {OperationOutput.RESULT_1, OperationOutput.RESULT_2, OperationOutput.RESULT_3,
                OperationOutput.PAUSE_1, OperationOutput.PAUSE_2})
final class PauseCommand implements Runnable {

    /** How much longer than the drain bound the call may take: the control plane rolls back within it. */
    static final Duration DEADLINE_MARGIN = Duration.ofSeconds(10);

    @Option(names = "--hold-limit", paramLabel = "DURATION", order = 1, converter = DurationConverter.class,
            description = "Longest a held command waits before -TRYAGAIN (default: 10s).")
    Duration holdLimit = Duration.ofSeconds(10);

    @Option(names = "--lease", paramLabel = "DURATION", order = 2, converter = DurationConverter.class,
            description = "A paused data plane that hears nothing from the control plane this long resumes on its "
                    + "own (default: 30s).")
    Duration lease = Duration.ofSeconds(30);

    @Mixin
    HelpOption help;

    private final Invocation invocation;

    PauseCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public void run() {
        Duration drainTimeout = invocation.options().timeout;
        PauseRequest request = PauseRequest.newBuilder()
                .setTimeoutMillis(drainTimeout.toMillis())
                .setHoldLimitMillis(holdLimit.toMillis())
                .setLeaseMillis(lease.toMillis())
                .build();
        try (AdminClient client = invocation.connect()) {
            OperationOutput.print(invocation, client.pause(request, drainTimeout.plus(DEADLINE_MARGIN)));
        }
    }
}
