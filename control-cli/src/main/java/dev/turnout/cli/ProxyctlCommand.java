package dev.turnout.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code proxyctl}: the top command, and {@link #newCommandLine}, the one place that wires output streams,
 * environment, the gRPC channel factory, exit codes and error handling for every subcommand.
 */
@Command(name = "proxyctl", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Drives a Turnout control plane: shows the fleet of data planes, applies configuration, "
                + "points routes at other upstreams, manages client users, pauses traffic and switches upstreams without closing a client "
                + "connection. Tables for people by default; -o json for scripts.", ""},
        subcommands = {StatusCommand.class, DataPlanesCommand.class, ConfigCommand.class, UpstreamCommand.class,
                UserCommand.class, PauseCommand.class, ResumeCommand.class, SwitchCommand.class, HistoryCommand.class,
                LogLevelCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nEnvironment:%n",
        footer = {"  TURNOUT_CONTROL_PLANE  HOST:PORT of the control plane, if no --control-plane",
                "  TURNOUT_TOKEN          the admin token itself, if no --token-file",
                "",
                "The token travels as gRPC metadata 'authorization: Bearer <token>'. Tokens and passwords are "
                        + "never printed. An error is one line on standard error; its exit code says which kind it is.",
                "",
                "With -o json, every command prints one JSON object (its shape is in the command's --help): "
                        + "lowerCamel field names, every field present, numbers as JSON numbers.",
                "",
                "Bash completion:  source <(proxyctl completion)"})
public final class ProxyctlCommand implements Runnable {

    @Mixin
    final GlobalOptions options;

    @Spec
    CommandSpec spec;

    ProxyctlCommand(Invocation invocation) {
        this.options = invocation.options();
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing a command: "
                + String.join(", ", commandNames(spec.commandLine())));
    }

    /**
     * A ready-to-run proxyctl: {@code newCommandLine(...).execute(args)} returns the exit code ({@link ExitCode}).
     *
     * @param out      standard output: tables, JSON, help
     * @param err      standard error: one line per error
     * @param stdin    for {@code --password-file -} and {@code -f -}
     * @param env      the environment ({@code TURNOUT_CONTROL_PLANE}, {@code TURNOUT_TOKEN})
     * @param channels opens the channel to the control plane
     */
    public static CommandLine newCommandLine(PrintWriter out, PrintWriter err, InputStream stdin,
            Map<String, String> env, ChannelFactory channels) {
        Invocation invocation = new Invocation(out, err, stdin, env, channels);
        CommandLine cl = new CommandLine(ProxyctlCommand.class, new Factory(invocation));
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((e, args) -> {
            invocation.printError(usageLine(e));
            return ExitCode.USAGE.code();
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliFailure failure) {
                invocation.printError(failure.getMessage());
                return failure.exitCode().code();
            }
            invocation.printError("unexpected " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + ControlPlaneFailures.oneLine(e.getMessage()))
                    + "; this is a bug in proxyctl, please report it");
            return ExitCode.FAILED.code();
        });
        documentExitCodes(cl);
        return cl;
    }

    /** "Unknown option: '--bogus'; did you mean --token-file? (see 'proxyctl config apply --help')" */
    private static String usageLine(ParameterException e) {
        StringBuilder line = new StringBuilder(ControlPlaneFailures.oneLine(e.getMessage()));
        if (e instanceof UnmatchedArgumentException unmatched) {
            List<String> args = unmatched.getUnmatched();
            if (!unmatched.isUnknownOption() && !args.isEmpty() && !e.getCommandLine().getSubcommands().isEmpty()) {
                line = new StringBuilder("unknown command '" + args.get(0) + "'");
            }
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                List<String> firstFew = suggestions.subList(0, Math.min(3, suggestions.size()));
                line.append("; did you mean ").append(String.join(" or ", firstFew)).append('?');
            }
        }
        return line.append(" (see '").append(e.getCommandLine().getCommandSpec().qualifiedName()).append(" --help')")
                .toString();
    }

    private static void documentExitCodes(CommandLine cl) {
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCode.helpList());
        cl.getSubcommands().values().forEach(ProxyctlCommand::documentExitCodes);
    }

    static List<String> commandNames(CommandLine cl) {
        return cl.getSubcommands().keySet().stream().filter(name -> !name.equals("help")).toList();
    }

    /** Creates commands that take the {@link Invocation}; everything else the picocli way. */
    private static final class Factory implements CommandLine.IFactory {

        private final Invocation invocation;
        private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

        Factory(Invocation invocation) {
            this.invocation = invocation;
        }

        @Override
        public <K> K create(Class<K> type) throws Exception {
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == Invocation.class) {
                    c.setAccessible(true);
                    return type.cast(c.newInstance(invocation));
                }
            }
            return fallback.create(type);
        }
    }
}
