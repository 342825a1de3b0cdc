package dev.turnout.cli;

import dev.turnout.v1.SwitchRequest;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code proxyctl switch --to HOST:PORT}: moves a route, and its clients, to another Redis without cutting them. */
@Command(name = "switch", sortOptions = false,
        description = {"Moves a route's clients to another Redis, without closing a connection.", "",
                "Checks the target first (reachable, authenticates, right role); a failed check changes nothing "
                        + "(exit 5). Then pauses every data plane, points the route at the target, and resumes. "
                        + "--wait-replication (planned switchover to a replica of the current upstream): fences the "
                        + "old primary (CLIENT PAUSE WRITE), waits until the target has its replication offset, "
                        + "promotes it (REPLICAOF NO ONE); if it lags past --replication-timeout, rolls back (exit 5) "
                        + "unless --force. --promote (unplanned failover, the primary is dead): promotes the target "
                        + "at once; writes not yet replicated may be lost, and the output says so. Every switch is "
                        + "recorded ('proxyctl history').", ""},
        footerHeading = "%nWith -o json:%n",
        footer = "  the shape of 'proxyctl pause', with \"switch\": {\"id\", \"route\", \"from\", \"to\", \"mode\", "
                + "\"outcome\", \"version\", \"checkMillis\", \"drainMillis\", \"replicationMillis\", \"applyMillis\", "
                + "\"heldMillis\", \"totalMillis\", \"fencedOffset\", \"targetOffset\", ...}")
final class SwitchCommand implements Runnable {

    @Option(names = "--to", required = true, paramLabel = "HOST:PORT", order = 1, description = "The new upstream.")
    String to;

    @Option(names = "--route", paramLabel = "NAME", order = 2, description = "The route to switch (default: default).")
    String route;

    @Option(names = "--wait-replication", order = 3,
            description = "Planned switchover to a replica: fence, wait for its offset, promote.")
    boolean waitReplication;

    @Option(names = "--replication-timeout", paramLabel = "DURATION", order = 4, converter = DurationConverter.class,
            description = "How long to wait for the replica to catch up (default: 5s).")
    Duration replicationTimeout = Duration.ofSeconds(5);

    @Option(names = "--force", order = 5, description = "With --wait-replication: switch even if the replica lags.")
    boolean force;

    @Option(names = "--promote", order = 6,
            description = "Unplanned failover: promote the target without waiting for replication.")
    boolean promote;

    @Option(names = "--pause-timeout", paramLabel = "DURATION", order = 7, converter = DurationConverter.class,
            description = "Bound on draining the data planes (default: 10s).")
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
        if (promote && waitReplication) {
            throw CliFailure.usage("--promote and --wait-replication exclude each other: --wait-replication for a "
                    + "planned switchover, --promote when the primary is dead");
        }
        if (force && !waitReplication) {
            throw CliFailure.usage("--force only applies with --wait-replication");
        }
        if (route != null && route.isBlank()) {
            throw CliFailure.usage("--route: expected a route name, got ''");
        }
        SwitchRequest.Builder request = SwitchRequest.newBuilder().setTo(to).setWaitReplication(waitReplication)
                .setReplicationTimeoutMillis(replicationTimeout.toMillis()).setForce(force).setPromote(promote)
                .setPauseTimeoutMillis(pauseTimeout.toMillis());
        if (route != null) {
            request.setRoute(route);
        }
        Duration bound = pauseTimeout.plus(replicationTimeout).plusSeconds(30);
        try (AdminClient client = invocation.connect()) {
            OperationOutput.print(invocation, client.operation(bound, s -> s.switch_(request.build())));
        }
    }
}
