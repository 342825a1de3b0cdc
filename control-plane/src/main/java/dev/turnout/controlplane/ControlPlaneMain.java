package dev.turnout.controlplane;

import dev.turnout.controlplane.state.DesiredStateStore;
import dev.turnout.controlplane.state.SwitchHistory;
import dev.turnout.controlplane.state.StateFile;
import dev.turnout.controlplane.tenant.TenantPasswords;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.Secret;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code turnout-control-plane}: the control plane process. */
@Command(name = "turnout-control-plane", mixinStandardHelpOptions = true, versionProvider = ControlPlaneMain.Version.class,
        sortOptions = false,
        description = {"Turnout's control plane: holds the desired state (listeners, routes,",
                "upstreams, limits), pushes it to every data plane, and serves proxyctl.", "",
                "The desired state lives in --data-dir as " + StateFile.NAME + " (mode 600: it",
                "holds the upstream passwords); a restart loads it with the same version.",
                "Beside it, " + TenantPasswords.NAME + " (mode 600) keeps the passwords of the",
                "tenants' upstream ACL users (turnout-tenant-<user>), made once per user.", "",
                "Every call presents a bearer token: proxyctl the admin token, data planes",
                "the data-plane token (the health service needs none). Tokens are read once,",
                "at start, from files (less one trailing newline), never from flags.", "",
                "Logs go to standard error; TURNOUT_LOG_LEVEL (default INFO) sets Turnout's",
                "own level."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped normally", "1:failed at runtime (e.g. cannot listen)",
                "2:invalid arguments, a missing or empty token file, or an unusable --data-dir",
                "143:stopped by SIGTERM (130: SIGINT), after closing the data planes' streams"})
public final class ControlPlaneMain implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ControlPlaneMain.class);

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7700",
            description = "Serve gRPC here (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--data-dir", paramLabel = "DIR", required = true,
            description = "Directory of the desired state; created (mode 700) if missing. One control plane per directory.")
    Path dataDir;

    @Option(names = "--token-file", paramLabel = "FILE", required = true,
            description = "File holding the admin token proxyctl presents.")
    Path tokenFile;

    @Option(names = "--data-plane-token-file", paramLabel = "FILE",
            description = "File holding the token data planes present (default: the admin token file).")
    Path dataPlaneTokenFile;

    public static void main(String[] args) {
        System.exit(newCommandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args));
    }

    static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new ControlPlaneMain());
        cl.setOut(out);
        cl.setErr(err);
        // One line, not the whole usage: the error is what the operator needs to see, in a log or a terminal.
        cl.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("turnout-control-plane: " + e.getMessage() + " (see --help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("turnout-control-plane: " + e.getMessage());
            return e instanceof StartupException ? 2 : 1;
        });
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        HostAndPort address;
        try {
            address = HostAndPort.parse(listen);
        } catch (IllegalArgumentException e) {
            throw new StartupException("--listen: " + e.getMessage());
        }
        Secret adminToken;
        Secret dataPlaneToken;
        try {
            adminToken = TokenFiles.read("--token-file", tokenFile);
            dataPlaneToken = dataPlaneTokenFile == null ? adminToken
                    : TokenFiles.read("--data-plane-token-file", dataPlaneTokenFile);
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage());
        }
        DesiredStateStore store;
        SwitchHistory history;
        try {
            store = DesiredStateStore.open(dataDir);
            history = SwitchHistory.open(dataDir);
        } catch (IOException e) {
            throw new StartupException("--data-dir: " + e.getMessage());
        }
        try (store) {
            ControlPlaneServer server;
            try {
                server = newServer(address, store, history, adminToken, dataPlaneToken);
            } catch (IOException e) {
                throw new StartupException("--data-dir: " + e.getMessage());
            }
            try {
                server.start();
            } catch (IOException e) {
                throw new IOException("cannot listen on " + address + ": " + rootMessage(e), e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                log.info("Shutting down");
                try {
                    server.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "turnout-shutdown"));
            log.info("Turnout control plane listening on {}:{}, desired state version {} (data dir {})",
                    address.host().indexOf(':') >= 0 ? "[" + address.host() + "]" : address.host(),
                    server.port(), store.current().version(), store.dataDir());
            server.blockUntilShutdown();
        }
        return 0;
    }

    private static ControlPlaneServer newServer(HostAndPort address, DesiredStateStore store, SwitchHistory history,
                                                Secret adminToken, Secret dataPlaneToken) throws IOException {
        return new ControlPlaneServer(
                NettyServerBuilder.forAddress(new InetSocketAddress(address.host(), address.port()))
                        // Data planes ping to notice a dead stream; allow it, and ping them too.
                        .permitKeepAliveTime(10, TimeUnit.SECONDS)
                        .permitKeepAliveWithoutCalls(true)
                        .keepAliveTime(30, TimeUnit.SECONDS)
                        .keepAliveTimeout(10, TimeUnit.SECONDS),
                store, history, adminToken, dataPlaneToken, Clock.systemUTC());
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** A problem with the arguments or what they name: exit code 2. */
    static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;

        StartupException(String message) {
            super(message);
        }
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ControlPlaneMain.class.getPackage().getImplementationVersion();
            return new String[] {"turnout-control-plane " + (v == null ? "development build" : v)};
        }
    }
}
