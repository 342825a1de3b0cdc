package dev.turnout.cli;

import dev.turnout.v1.SwitchRequest;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code proxyctl switch --to HOST:PORT}: moves a route, and its clients, to another Redis without cutting them. */
@Command(name = "switch", sortOptions = false,
        description = {"Moves a route's clients to another Redis, without closing a connection.", "",
                "Checks the target first (reachable, authenticates, expected role): a target that fails the check "
                        + "changes nothing (exit 5). Then pauses every data plane (as 'proxyctl pause', bounded by "
                        + "--pause-timeout), points the route at the target, and resumes; held commands run on the "
                        + "target.", "",
                "--wait-replication, a planned switchover to a replica of the current upstream: fences the old "
                        + "primary (CLIENT PAUSE WRITE), waits until the target has its replication offset, then "
                        + "promotes the target (REPLICAOF NO ONE). A target still lagging after "
                        + "--replication-timeout rolls everything back (exit 5), unless --force.", "",
                "--promote, an unplanned failover when the primary is gone: promotes the target at once; writes "
                        + "it had not yet received may be lost, and a warning says so.", "",
                "Every switch, whatever its outcome, is recorded: 'proxyctl history'.", ""},
        footerHeading = "%nWith -o json (whatever the outcome):%n",
        footer = {OperationOutput.RESULT_1_SWITCH, OperationOutput.RESULT_2, OperationOutput.RESULT_3,
                OperationOutput.PAUSE_1, OperationOutput.PAUSE_2, "  and SWITCH is", OperationOutput.SWITCH_1,
                OperationOutput.SWITCH_2, OperationOutput.SWITCH_3, OperationOutput.SWITCH_4, OperationOutput.SWITCH_5})
final class SwitchCommand implements Runnable {

    /** How much longer than its pause and replication bounds the call may take: target check, apply, resume. */
    static final Duration DEADLINE_MARGIN = Duration.ofSeconds(30);
    static final Duration DEFAULT_REPLICATION_TIMEOUT = Duration.ofSeconds(5);

    @Option(names = "--to", required = true, paramLabel = "HOST:PORT", order = 1, description = "The new upstream.")
    String to;

    @Option(names = "--route", paramLabel = "NAME", order = 2, description = "The route to switch (default: default).")
    String route;

    @Option(names = "--wait-replication", order = 3,
            description = "Planned switchover to a replica of the current upstream: fence the old primary, wait "
                    + "for the target to catch up, promote it.")
    boolean waitReplication;

    @Option(names = "--replication-timeout", paramLabel = "DURATION", order = 4, converter = DurationConverter.class,
            description = "With --wait-replication: how long the target may take to catch up (default: 5s).")
    Duration replicationTimeout;

    @Option(names = "--force", order = 5,
            description = "With --wait-replication: switch even if the target has not caught up in time.")
    boolean force;

    @Option(names = "--promote", order = 6,
            description = "Unplanned failover: promote the target without waiting for replication.")
    boolean promote;

    @Option(names = "--pause-timeout", paramLabel = "DURATION", order = 7, converter = DurationConverter.class,
            description = "Bound on draining the data planes, as pause's --timeout (default: 10s).")
    Duration pauseTimeout = Duration.ofSeconds(10);

    @Mixin
    HelpOption help;

    private final Invocation invocation;

    SwitchCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public void run() {
        try {
            HostPort.parse(to);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("--to: " + e.getMessage());
        }
        if (route != null && route.isBlank()) {
            throw CliFailure.usage("--route: expected a route name, got ''");
        }
        if (promote && waitReplication) {
            throw CliFailure.usage("--promote and --wait-replication exclude each other: --wait-replication for a "
                    + "planned switchover to a replica, --promote when the primary is gone");
        }
        if (force && !waitReplication) {
            throw CliFailure.usage("--force needs --wait-replication: it switches even if the replica lags");
        }
        if (replicationTimeout != null && !waitReplication) {
            throw CliFailure.usage("--replication-timeout needs --wait-replication: nothing else waits for replication");
        }
        Duration replication = replicationTimeout == null ? DEFAULT_REPLICATION_TIMEOUT : replicationTimeout;
        SwitchRequest.Builder request = SwitchRequest.newBuilder()
                .setTo(to)
                .setWaitReplication(waitReplication)
                .setReplicationTimeoutMillis(waitReplication ? replication.toMillis() : 0)
                .setForce(force)
                .setPromote(promote)
                .setPauseTimeoutMillis(pauseTimeout.toMillis());
        if (route != null) {
            request.setRoute(route);
        }
        Duration deadline = pauseTimeout.plus(replication).plus(DEADLINE_MARGIN);
        if (invocation.options().timeout.compareTo(deadline) > 0) {
            deadline = invocation.options().timeout;
        }
        try (AdminClient client = invocation.connect()) {
            OperationOutput.print(invocation, client.switchover(request.build(), deadline));
        }
    }
}
