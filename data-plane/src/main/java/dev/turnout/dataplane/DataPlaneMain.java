package dev.turnout.dataplane;

import dev.turnout.dataplane.agent.ControlPlaneAgent;
import dev.turnout.dataplane.command.CommandTable;
import dev.turnout.dataplane.config.ConfigException;
import dev.turnout.dataplane.config.ConfigHolder;
import dev.turnout.dataplane.config.ConfigValues;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.LimitsConfig;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.Secret;
import dev.turnout.dataplane.server.ProxyServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
        description = {"Turnout's data plane: a Redis proxy. Clients connect to --listen without the",
                "Redis password; the proxy authenticates upstream on their behalf.", "",
                "Standalone (--config and/or --upstream): the upstream password comes from",
                "--upstream-password-file or the environment variable TURNOUT_UPSTREAM_PASSWORD,",
                "never from a flag. SIGHUP re-reads --config and the password file.", "",
                "Managed (--control-plane HOST:PORT --token-file FILE): the data plane starts",
                "with no configuration, registers with the control plane and serves the",
                "snapshots it sends, plus --listen on the snapshot's route 'default'. It keeps",
                "serving the last good snapshot while the control plane is away, and reconnects",
                "with backoff. --config, --upstream and the limit flags do not apply; SIGHUP",
                "does nothing."},
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

    @Option(names = "--control-plane", paramLabel = "HOST:PORT",
            description = "Run managed: take the configuration from this control plane.")
    String controlPlane;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "File holding the data-plane token for --control-plane (required with it).")
    Path tokenFile;

    @Option(names = "--id", paramLabel = "ID",
            description = "This data plane's name in the fleet (default: <hostname>-<port of --listen, or 'managed'>).")
    String id;

    @Option(names = "--threads", paramLabel = "N", description = "Event loops (default: available processors).")
    Integer threads;

    @Option(names = "--max-clients", paramLabel = "N", description = "Refuse clients past this many (default 10000).")
    Integer maxClients;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", description = "Close clients idle this long, e.g. 300s (default: never).")
    String idleTimeout;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile ProxyServer server;
    private volatile ControlPlaneAgent agent;

    public static void main(String[] args) {
        System.exit(newCommandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args));
    }

    /** The command line with its exit codes and one-line errors wired; {@code execute(args)} runs the data plane. */
    public static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
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
        if (controlPlane != null) {
            return runManaged();
        }
        if (tokenFile != null || id != null) {
            throw new IllegalArgumentException((tokenFile != null ? "--token-file" : "--id")
                    + ": only with --control-plane HOST:PORT (a standalone data plane has no control plane)");
        }
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
        return awaitShutdown();
    }

    /**
     * Managed: an empty configuration until the control plane sends a snapshot; the agent applies each one
     * on its own thread and keeps the last good one while the control plane is away.
     */
    private Integer runManaged() throws Exception {
        notWithControlPlane("--config", config);
        notWithControlPlane("--upstream", upstream);
        notWithControlPlane("--upstream-user", upstreamUser);
        notWithControlPlane("--upstream-password-file", upstreamPasswordFile);
        notWithControlPlane("--max-clients", maxClients);
        notWithControlPlane("--idle-timeout", idleTimeout);
        HostAndPort target = parse("--control-plane", controlPlane);
        if (tokenFile == null) {
            throw new IllegalArgumentException("--token-file: missing (--control-plane needs --token-file FILE holding "
                    + "the data-plane token)");
        }
        HostAndPort listenAt = listen == null ? null : parse("--listen", listen);
        if (id != null && id.isBlank()) {
            throw new IllegalArgumentException("--id: empty (expected a name unique in the fleet)");
        }
        int loops = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (loops < 1) {
            throw new IllegalArgumentException("--threads: " + loops + " (expected: >= 1)");
        }
        Secret token = readToken(tokenFile);
        String name = id != null ? id : defaultId(listenAt);
        ConfigHolder holder = new ConfigHolder(new ProxyConfig(0, List.of(), Map.of(), LimitsConfig.DEFAULTS));
        server = new ProxyServer(holder, CommandTable.loadDefault(), loops);
        server.start();
        agent = ControlPlaneAgent.builder(name, holder, ControlPlaneAgent.plaintextChannel(target), token)
                .softwareVersion(softwareVersion())
                .extraListeners(listenAt == null ? List.of() : List.of(listenAt))
                .server(server)
                .build();
        agent.start();
        log.info("Managed data plane '{}': waiting for its configuration from the control plane {}", name, target);
        Signal.handle(new Signal("HUP"), signal -> log.info("SIGHUP ignored: the control plane {} owns the "
                + "configuration (serving version {})", target, holder.get().version()));
        return awaitShutdown();
    }

    /** The whole file less surrounding whitespace; read once, at start. */
    private static Secret readToken(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ConfigException("--token-file", "cannot read " + file + " (" + e.getClass().getSimpleName()
                    + "); expected a readable file holding the data-plane token");
        }
        if (text.isEmpty()) {
            throw new ConfigException("--token-file", file + " is empty (expected the data-plane token)");
        }
        if (!text.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new ConfigException("--token-file", file + ": expected a token of printable ASCII without spaces");
        }
        return Secret.of(text);
    }

    private static void notWithControlPlane(String flag, Object value) {
        if (value != null) {
            throw new IllegalArgumentException(flag + ": cannot be used with --control-plane "
                    + "(the control plane owns the configuration)");
        }
    }

    private int awaitShutdown() throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Shutting down");
            if (agent != null) {
                agent.close();
            }
            server.close();
            stopped.countDown();
        }, "turnout-shutdown"));
        stopped.await();
        return 0;
    }

    /** {@code <hostname>-<port of --listen>}, or {@code <hostname>-managed} without --listen. */
    static String defaultId(HostAndPort listenAt) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException | SecurityException e) {
            String env = System.getenv("HOSTNAME");
            host = env == null || env.isBlank() ? "localhost" : env;
        }
        return host + "-" + (listenAt == null ? "managed" : Integer.toString(listenAt.port()));
    }

    private static void reload(StandaloneConfig source, ConfigHolder holder) {
        ProxyConfig previous = holder.get();
        try {
            ProxyConfig next = source.load();
            holder.set(next.withVersion(previous.version() + 1));
            log.info("Configuration reloaded (SIGHUP): version {}", holder.get().version());
        } catch (ConfigException | RuntimeException e) {
            if (holder.get() != previous) {
                // A listener could not be bound: the server kept its listeners; put the configuration back too.
                holder.set(previous);
            }
            log.error("Configuration reload (SIGHUP) failed, still serving the previous configuration: {}", e.getMessage());
        }
    }

    static String softwareVersion() {
        String v = DataPlaneMain.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
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
            return new String[] {"turnout-data-plane " + softwareVersion()};
        }
    }
}
