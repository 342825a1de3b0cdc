package dev.turnout.cli;

import dev.turnout.v1.SetUpstreamRequest;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code proxyctl upstream set HOST:PORT}: points one route at an upstream Redis. */
@Command(name = "set", sortOptions = false,
        description = {"Points a route at another upstream Redis.", "",
                "Points the route (default: the route 'default') at the Redis at HOST:PORT, with the given "
                        + "credentials, as a new version of the desired state, which is pushed to every data plane. "
                        + "Creates the route if it does not exist.", ""},
        footerHeading = "%nWith -o json:%n",
        footer = DesiredStateChange.JSON_HELP)
final class UpstreamSetCommand implements Runnable {

    @Parameters(index = "0", paramLabel = "HOST:PORT", description = "The upstream Redis.")
    String upstream;

    @Option(names = "--route", paramLabel = "NAME", order = 1, description = "The route to change (default: default).")
    String route;

    @Option(names = "--user", paramLabel = "USER", order = 2, description = "ACL user the proxy authenticates as.")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE", order = 3,
            description = "File holding the upstream password (one trailing newline dropped); - reads standard input.")
    String passwordFile;

    @Option(names = "--if-version", paramLabel = "N", order = 4,
            description = "Change it only if the current version is N (else exit 5).")
    Long ifVersion;

    @Mixin
    HelpOption help;

    private final Invocation invocation;

    UpstreamSetCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public void run() {
        try {
            HostPort.parse(upstream);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("HOST:PORT: " + e.getMessage());
        }
        if (route != null && route.isBlank()) {
            throw CliFailure.usage("--route: expected a route name, got ''");
        }
        IfVersion condition = IfVersion.of(ifVersion);
        SetUpstreamRequest.Builder request = SetUpstreamRequest.newBuilder()
                .setUpstream(upstream)
                .setIfVersion(condition.onTheWire());
        if (route != null) {
            request.setRoute(route);
        }
        if (user != null) {
            request.setUser(user);
        }
        if (passwordFile != null) {
            request.setPassword(SecretFiles.read("--password-file", passwordFile, Path.of(""), invocation.stdin(),
                    invocation.secrets()));
        }
        DesiredStateChange.run(invocation, condition, client -> client.setUpstream(request.build()),
                "route " + (route == null ? "default" : route) + " now goes to " + upstream);
    }
}
