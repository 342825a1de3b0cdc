/**
 * {@code proxyctl}: the command-line tool that drives a Turnout control plane's AdminService over gRPC.
 *
 * <p>Start with {@link dev.turnout.cli.ProxyctlCommand#newCommandLine}, which wires streams, environment,
 * the channel factory, exit codes ({@link dev.turnout.cli.ExitCode}) and error handling; then one
 * {@code *Command} class per subcommand, {@link dev.turnout.cli.AdminClient} (token, deadline) and
 * {@link dev.turnout.cli.ControlPlaneFailures} (a gRPC status as an exit code and one line on stderr).
 * Pause, resume and switch print their result through {@link dev.turnout.cli.OperationOutput}, whose outcome
 * {@link dev.turnout.cli.ExitCode#of} turns into the exit code; the commands that make a new version of the
 * desired state end through {@code DesiredStateChange}, and the user commands send a {@code PasswordHash}, never
 * the password. {@link dev.turnout.cli.Proxyctl} is the {@code main}.
 */
package dev.turnout.cli;
