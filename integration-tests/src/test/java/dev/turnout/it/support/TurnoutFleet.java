package dev.turnout.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.turnout.cli.ChannelFactory;
import dev.turnout.cli.ProxyctlCommand;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.testing.Await;
import dev.turnout.testing.FreePorts;
import dev.turnout.v1.DataPlaneInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A control plane and managed data planes as real processes, and proxyctl (in this JVM, through its own
 * command line, over a real gRPC channel) to drive them: the stack an operator runs.
 */
public final class TurnoutFleet implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final String ADMIN_TOKEN = "admin-token-7c2e";
    private static final String DP_TOKEN = "dp-token-51d0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final int controlPort = FreePorts.next();
    private final JavaProcess controlPlane;
    private final List<JavaProcess> dataPlanes = new ArrayList<>();
    private final List<HostAndPort> listeners = new ArrayList<>();
    private final AdminStub admin;

    /** What one proxyctl run printed, and its exit code. */
    public record Run(int exitCode, String out, String err) {
        public JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("proxyctl printed no JSON: " + out + " / " + err, e);
            }
        }
    }

    private TurnoutFleet(Path dir, int dataPlaneCount) {
        this.dir = dir;
        write("admin.token", ADMIN_TOKEN + "\n");
        write("dp.token", DP_TOKEN + "\n");
        controlPlane = JavaProcess.start(TurnoutJar.CONTROL_PLANE, dir.resolve("control-plane.log"), Map.of(),
                "--listen", "127.0.0.1:" + controlPort, "--data-dir", dir.resolve("state").toString(),
                "--token-file", dir.resolve("admin.token").toString(),
                "--data-plane-token-file", dir.resolve("dp.token").toString());
        admin = new AdminStub("127.0.0.1", controlPort, ADMIN_TOKEN);
        try {
            awaitStarted(dataPlaneCount);
        } catch (RuntimeException | AssertionError e) {
            // Starting failed half way: stop what did start, so that no process outlives the test.
            try {
                close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void awaitStarted(int dataPlaneCount) {
        Await.until(STARTUP, "the control plane to answer", () -> {
            controlPlane.assertAlive();
            return admin.statusIfUp().isPresent();
        });
        for (int i = 0; i < dataPlaneCount; i++) {
            HostAndPort listen = new HostAndPort("127.0.0.1", FreePorts.next());
            listeners.add(listen);
            dataPlanes.add(JavaProcess.start(TurnoutJar.DATA_PLANE, dir.resolve("dp" + (i + 1) + ".log"), Map.of(),
                    "--control-plane", "127.0.0.1:" + controlPort, "--token-file", dir.resolve("dp.token").toString(),
                    "--id", "dp" + (i + 1), "--listen", listen.toString()));
        }
        Await.until(STARTUP, "every data plane to register", () -> {
            dataPlanes.forEach(JavaProcess::assertAlive);
            for (int i = 1; i <= dataPlaneCount; i++) {
                if (!admin.dataPlane("dp" + i).map(DataPlaneInfo::getConnected).orElse(false)) {
                    return false;
                }
            }
            return true;
        });
    }

    public static TurnoutFleet start(Path dir, int dataPlanes) {
        return new TurnoutFleet(dir, dataPlanes);
    }


    /** Runs proxyctl with {@code args} against this control plane. */
    public Run proxyctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ProxyctlCommand.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true),
                new ByteArrayInputStream(new byte[0]),
                Map.of("TURNOUT_CONTROL_PLANE", "127.0.0.1:" + controlPort, "TURNOUT_TOKEN", ADMIN_TOKEN),
                ChannelFactory.plaintext()).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** proxyctl -o json {@code args}, which must exit {@code expectedExit}. */
    public JsonNode proxyctlJson(int expectedExit, String... args) {
        String[] withJson = new String[args.length + 2];
        withJson[0] = "-o";
        withJson[1] = "json";
        System.arraycopy(args, 0, withJson, 2, args.length);
        Run run = proxyctl(withJson);
        if (run.exitCode() != expectedExit) {
            throw new AssertionError("proxyctl " + String.join(" ", args) + " exited " + run.exitCode() + ", expected "
                    + expectedExit + "\nstdout: " + run.out() + "\nstderr: " + run.err());
        }
        return run.json();
    }

    /** Points the default route at {@code upstream} (password from a file) and waits until every data plane serves it. */
    public long route(HostAndPort upstream, String password) {
        write("upstream.pw", password + "\n");
        long version = proxyctlJson(0, "upstream", "set", upstream.toString(), "--password-file",
                dir.resolve("upstream.pw").toString()).get("version").asLong();
        Await.until(Duration.ofSeconds(10), "every data plane to apply version " + version,
                () -> admin.status().getDataPlanesList().stream().allMatch(d -> d.getAppliedVersion() >= version));
        return version;
    }

    public List<HostAndPort> listeners() {
        return List.copyOf(listeners);
    }

    public JavaProcess controlPlane() {
        return controlPlane;
    }

    public int controlPort() {
        return controlPort;
    }

    public List<JavaProcess> dataPlanes() {
        return List.copyOf(dataPlanes);
    }

    public String adminToken() {
        return ADMIN_TOKEN;
    }

    public String dataPlaneToken() {
        return DP_TOKEN;
    }

    public AdminStub admin() {
        return admin;
    }

    public Path dir() {
        return dir;
    }

    private void write(String name, String text) {
        try {
            Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        admin.close();
        dataPlanes.forEach(JavaProcess::close);
        controlPlane.close();
    }
}
