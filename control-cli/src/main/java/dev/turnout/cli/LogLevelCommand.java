package dev.turnout.cli;

import dev.turnout.v1.SetLogLevelRequest;
import dev.turnout.v1.SetLogLevelResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code proxyctl log-level LEVEL}: changes a log level on the control plane and every data plane, now. */
@Command(name = "log-level", sortOptions = false,
        description = {"Changes a log level on the control plane and every data plane.", "",
                "The change is made at run time, on the control plane and on every connected data plane, and "
                        + "lasts until they restart.", ""},
        footerHeading = "%nWith -o json:%n",
        footer = "  {\"dataPlanes\": N}   how many data planes the change was sent to")
final class LogLevelCommand implements Runnable {

    /** The levels the data planes accept. */
    enum Level { TRACE, DEBUG, INFO, WARN, ERROR }

    @Parameters(index = "0", paramLabel = "LEVEL", description = "TRACE, DEBUG, INFO, WARN or ERROR.")
    Level level;

    @Option(names = "--logger", paramLabel = "NAME", order = 1,
            description = "The logger, e.g. dev.turnout.dataplane.session (default: dev.turnout, all of Turnout's).")
    String logger;

    @Mixin
    HelpOption help;

    private final Invocation invocation;

    LogLevelCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public void run() {
        SetLogLevelResponse response;
        try (AdminClient client = invocation.connect()) {
            response = client.setLogLevel(SetLogLevelRequest.newBuilder()
                    .setLogger(logger == null ? "" : logger)
                    .setLevel(level.name())
                    .build());
        }
        if (invocation.json()) {
            invocation.printJson(response);
            return;
        }
        int n = response.getDataPlanes();
        invocation.print((logger == null ? "dev.turnout" : logger) + " logs at " + level
                + " on the control plane and " + n + " data plane" + (n == 1 ? "" : "s"));
    }
}
