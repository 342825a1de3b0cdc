package dev.turnout.cli;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The options every command takes, before or after its name ({@code proxyctl -o json status} and
 * {@code proxyctl status -o json} are the same). Picocli shares these fields with every subcommand, so the
 * value lands here wherever it was typed; {@link Invocation} resolves the environment fallbacks.
 */
final class GlobalOptions {

    static final String DEFAULT_CONTROL_PLANE = "127.0.0.1:7700";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    @Option(names = "--control-plane", paramLabel = "HOST:PORT", scope = ScopeType.INHERIT, order = 100,
            description = "The control plane's admin address (default: $TURNOUT_CONTROL_PLANE, else "
                    + DEFAULT_CONTROL_PLANE + ").")
    String controlPlane;

    @Option(names = "--token-file", paramLabel = "FILE", scope = ScopeType.INHERIT, order = 101,
            description = "File holding the admin token (default: the token itself in $TURNOUT_TOKEN).")
    Path tokenFile;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", scope = ScopeType.INHERIT, order = 102,
            converter = OutputFormat.Converter.class, completionCandidates = OutputFormat.Names.class,
            description = "table (default): aligned columns for people; json: one JSON object on standard output.")
    OutputFormat output = OutputFormat.TABLE;

    @Option(names = "--timeout", paramLabel = "DURATION", scope = ScopeType.INHERIT, order = 103,
            converter = DurationConverter.class,
            description = "How long to wait for the control plane, e.g. 500ms, 30s, 2m (default: 10s). For pause: "
                    + "how long the drain may take (proxyctl waits 10s more); a switch waits past its own bounds.")
    Duration timeout = DEFAULT_TIMEOUT;
}
