package dev.turnout.dataplane;

import dev.turnout.dataplane.command.CommandTable;
import dev.turnout.dataplane.config.ConfigException;
import dev.turnout.dataplane.config.ConfigHolder;
import dev.turnout.dataplane.config.ConfigValues;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.server.ProxyServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code turnout-data-plane}: the proxy process. */
@Command(name = "turnout-data-plane", mixinStandardHelpOptions = true, versionProvider = DataPlaneMain.Version.class,
        description = {"Turnout's data plane: a Redis proxy. Clients connect to --listen without the Redis password;",
                "the proxy authenticates to --upstream on their behalf.", "",
                "The upstream password comes from --upstream-password-file or the environment variable",
                "TURNOUT_UPSTREAM_PASSWORD, never from a flag. SIGHUP re-reads --config and the password file."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped normally", "1:failed at runtime", "2:invalid arguments or configuration"})
public final class DataPlaneMain implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(DataPlaneMain.class);

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration (listeners, routes, limits).")
    Path config;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Accept clients here, for the route 'default'.")
    String listen;

    @Option(names = "--upstream", paramLabel = "HOST:PORT", description = "The Redis server of the route 'default'.")
    String upstream;

    @Option(names = "--upstream-user", paramLabel = "USER", description = "ACL user the proxy authenticates as (default: the default user).")
    String upstreamUser;

    @Option(names = "--upstream-password-file", paramLabel = "FILE", description = "File holding the upstream password.")
    Path upstreamPasswordFile;

    @Option(names = "--threads", paramLabel = "N", description = "Event loops (default: available processors).")
    Integer threads;

    @Option(names = "--max-clients", paramLabel = "N", description = "Refuse clients past this many (default 10000).")
    Integer maxClients;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", description = "Close clients idle this long, e.g. 300s (default: never).")
    String idleTimeout;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile ProxyServer server;

    public static void main(String[] args) {
        System.exit(newCommandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args));
    }

    static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new DataPlaneMain());
        cl.setOut(out);
        cl.setErr(err);
        // One line, not the whole usage: the error is what the operator needs to see, in a log or a terminal.
        cl.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("turnout-data-plane: " + e.getMessage() + " (see --help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("turnout-data-plane: " + e.getMessage());
            return e instanceof ConfigException || e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        StandaloneConfig source = new StandaloneConfig(config,
                listen == null ? null : parse("--listen", listen),
                upstream == null ? null : parse("--upstream", upstream),
                upstreamUser, upstreamPasswordFile, maxClients,
                idleTimeout == null ? null : parseDuration(idleTimeout), System::getenv);
        ConfigHolder holder = new ConfigHolder(source.load());
        int loops = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (loops < 1) {
            throw new IllegalArgumentException("--threads: " + loops + " (expected: >= 1)");
        }
        server = new ProxyServer(holder, CommandTable.loadDefault(), loops);
        server.start();
        Signal.handle(new Signal("HUP"), signal -> reload(source, holder));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Shutting down");
            server.close();
            stopped.countDown();
        }, "turnout-shutdown"));
        stopped.await();
        return 0;
    }

    private static void reload(StandaloneConfig source, ConfigHolder holder) {
        try {
            ProxyConfig next = source.load();
            holder.set(next.withVersion(holder.get().version() + 1));
            log.info("Configuration reloaded (SIGHUP): version {}", holder.get().version());
        } catch (ConfigException | RuntimeException e) {
            log.error("Configuration reload (SIGHUP) failed, still serving the previous configuration: {}", e.getMessage());
        }
    }

    private static HostAndPort parse(String flag, String value) {
        try {
            return HostAndPort.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
    }

    private static Duration parseDuration(String value) {
        try {
            return ConfigValues.duration(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--idle-timeout: " + e.getMessage());
        }
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = DataPlaneMain.class.getPackage().getImplementationVersion();
            return new String[] {"turnout-data-plane " + (v == null ? "development build" : v)};
        }
    }
}
