package dev.turnout.cli;

import dev.turnout.v1.ResumeRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code proxyctl resume}: lets held commands go. */
@Command(name = "resume", sortOptions = false,
        description = {"Resumes traffic on every data plane.", "",
                "Held commands go upstream, to whatever upstream the configuration names now. Resuming a fleet "
                        + "that is not paused changes nothing; a resume while a pause is still draining cancels that "
                        + "pause (which then exits 1). Each data plane's HELD MS is how long it held traffic.", ""},
        footerHeading = "%nWith -o json (whatever the outcome):%n",
        footer = {OperationOutput.RESULT_1, OperationOutput.RESULT_2, OperationOutput.RESULT_3,
                OperationOutput.PAUSE_1, OperationOutput.PAUSE_2})
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
            OperationOutput.print(invocation, client.resume(ResumeRequest.getDefaultInstance()));
        }
    }
}
