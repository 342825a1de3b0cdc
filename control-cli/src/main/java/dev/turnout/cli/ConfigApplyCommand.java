package dev.turnout.cli;

import dev.turnout.v1.ApplyConfigRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code proxyctl config apply -f FILE}: replaces the whole desired state. */
@Command(name = "apply", sortOptions = false,
        description = {"Replaces the whole desired state with a YAML file.", "",
                "The control plane validates FILE, stores it as a new version and pushes it to every data plane. "
                        + "An invalid file changes nothing (exit 1), and the error names the offending path, "
                        + "e.g. routes.orders.upstream.", "",
                "A route's 'password-file: PATH' is read here, on this machine (PATH relative to FILE's directory, "
                        + "one trailing newline dropped), and sent as 'password:'. The path does not leave this "
                        + "machine, and the password is never printed.", ""},
        footerHeading = "%nWith -o json:%n",
        footer = DesiredStateChange.JSON_HELP)
final class ConfigApplyCommand implements Runnable {

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", required = true, order = 1,
            description = "The fleet's configuration (YAML); - reads standard input.")
    String file;

    @Option(names = "--if-version", paramLabel = "N", order = 2,
            description = "Apply only if the current version is N (else exit 5): no lost updates. "
                    + "0: only if the control plane was never configured.")
    Long ifVersion;

    @Mixin
    HelpOption help;

    private final Invocation invocation;

    ConfigApplyCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public void run() {
        IfVersion condition = IfVersion.of(ifVersion);
        String yaml = FleetFile.read(file, invocation.stdin(), invocation.secrets());
        ApplyConfigRequest request = ApplyConfigRequest.newBuilder()
                .setYaml(yaml)
                .setIfVersion(condition.onTheWire())
                .build();
        DesiredStateChange.run(invocation, condition, client -> client.apply(request),
                "applied " + (file.equals("-") ? "standard input" : file));
    }
}
