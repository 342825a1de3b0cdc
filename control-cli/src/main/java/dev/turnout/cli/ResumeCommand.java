package dev.turnout.cli;

import dev.turnout.v1.ResumeRequest;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code proxyctl resume}: lets held commands go. */
@Command(name = "resume", sortOptions = false,
        description = {"Resumes traffic on every data plane.", "",
                "Held commands go upstream, to whatever upstream the configuration names now. Resuming a fleet "
                        + "that is not paused does nothing; a resume while a pause is still draining cancels that "
                        + "pause (which then exits 1).", ""},
        footerHeading = "%nWith -o json:%n",
        footer = "  the same shape as 'proxyctl pause'; dataPlanes[].heldMillis is how long each held traffic")
final class ResumeCommand implements Runnable {

    @Mixin
    HelpOption help;

    private final Invocation invocation;

    ResumeCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public void run() {
        try (AdminClient client = invocation.connect()) {
            OperationOutput.print(invocation, client.operation(Duration.ofSeconds(10),
                    s -> s.resume(ResumeRequest.getDefaultInstance())));
        }
    }
}
