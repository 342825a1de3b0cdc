package dev.turnout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.turnout.v1.DataPlaneInfo;
import dev.turnout.v1.FleetStatus;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.Outcome;
import dev.turnout.v1.Phase;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar as operators run it: a real process, the real (Netty) transport, so a broken shade (lost
 * service files, missing classes) or a stack trace on stderr fails here. The jar is built in the package
 * phase; failsafe passes its path as {@code proxyctl.jar}.
 */
class ProxyctlJarIT {

    private static final String TOKEN = "it-admin-token-abcdef";

    private static Path jar;

    @BeforeAll
    static void findJar() {
        jar = Path.of(System.getProperty("proxyctl.jar", "target/proxyctl.jar"));
        assumeTrue(Files.isRegularFile(jar), "no " + jar + "; build it with mvn -pl control-cli package");
    }

    record Exit(int code, String out, String err) {
    }

    @Test
    void version() throws Exception {
        Exit exit = run(Map.of(), "--version");

        assertThat(exit.code()).isZero();
        assertThat(exit.out()).matches("proxyctl \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(API dev\\.turnout\\.v1, Java \\d+\\)\n");
        assertThat(exit.err()).isEmpty();
    }

    @Test
    void statusAgainstAClosedPortExitsThreeWithOneLine() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        Exit exit = run(Map.of(), "--control-plane", "127.0.0.1:" + port, "status");

        assertThat(exit.code()).isEqualTo(3);
        assertThat(exit.out()).isEmpty();
        assertThat(exit.err()).isEqualTo("proxyctl: cannot reach the control plane at 127.0.0.1:" + port
                + " (connection refused); is turnout-control-plane running? set --control-plane or TURNOUT_CONTROL_PLANE\n");
    }

    @Test
    void statusOverTheNetworkWithTheTokenFromTheEnvironment() throws Exception {
        FakeAdminService admin = new FakeAdminService();
        admin.status = FleetStatus.newBuilder().setDesiredVersion(4)
                .addDataPlanes(DataPlaneInfo.newBuilder().setId("dp-1").setConnected(true).setAppliedVersion(4))
                .build();
        AuthorizationRecorder authorizations = new AuthorizationRecorder();
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(admin, authorizations))
                .build().start();
        try {
            Exit exit = run(Map.of("TURNOUT_CONTROL_PLANE", "127.0.0.1:" + server.getPort(), "TURNOUT_TOKEN", TOKEN),
                    "-o", "json", "status");

            assertThat(exit.err()).isEmpty();
            assertThat(exit.code()).isZero();
            JsonNode json = new ObjectMapper().readTree(exit.out());
            assertThat(json.get("desiredVersion").asLong()).isEqualTo(4);
            assertThat(json.get("dataPlanes").get(0).get("id").asText()).isEqualTo("dp-1");
            assertThat(authorizations.values).containsExactly("Bearer " + TOKEN);
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void statusWatchPrintsOneJsonLinePerStatusAndEndsWithTheStream() throws Exception {
        FakeAdminService admin = new FakeAdminService();
        admin.watched = List.of(FleetStatus.newBuilder().setDesiredVersion(4).setPhase(Phase.SERVING).build(),
                FleetStatus.newBuilder().setDesiredVersion(4).setPhase(Phase.PAUSED).setOperation("pause").build());
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(admin)
                .build().start();
        try {
            Exit exit = run(Map.of("TURNOUT_CONTROL_PLANE", "127.0.0.1:" + server.getPort()),
                    "-o", "json", "status", "--watch");

            assertThat(exit.err()).isEmpty();
            assertThat(exit.code()).isZero();
            List<String> lines = exit.out().lines().toList();
            assertThat(lines).hasSize(2);
            assertThat(new ObjectMapper().readTree(lines.get(1)).get("phase").asText()).isEqualTo("PAUSED");
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void statusWatchRunsUntilCtrlC() throws Exception {
        FakeAdminService admin = new FakeAdminService();
        admin.watched = List.of(FleetStatus.newBuilder().setDesiredVersion(4).setPhase(Phase.SERVING).build());
        admin.watchForever = true;
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(admin)
                .build().start();
        Process process = start(Map.of("TURNOUT_CONTROL_PLANE", "127.0.0.1:" + server.getPort()),
                "-o", "json", "status", "--watch");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            // The first status arrives, flushed, while the stream stays open.
            assertThat(new ObjectMapper().readTree(out.readLine()).get("phase").asText()).isEqualTo("SERVING");
            assertThat(process.isAlive()).isTrue();

            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();

            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("proxyctl ends on SIGINT").isTrue();
            assertThat(process.exitValue()).isEqualTo(130);
            assertThat(admin.watchCancelled.await(10, TimeUnit.SECONDS)).as("the watch is cancelled").isTrue();
        } finally {
            process.destroyForcibly();
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSwitchOutcomeIsTheProcessExitCode() throws Exception {
        FakeAdminService admin = new FakeAdminService();
        admin.switched = OperationResult.newBuilder().setOutcome(Outcome.PRECONDITION_FAILED)
                .setMessage("target check failed: 10.0.1.2:6379 is a replica; use --wait-replication").build();
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(admin)
                .build().start();
        try {
            Exit exit = run(Map.of("TURNOUT_CONTROL_PLANE", "127.0.0.1:" + server.getPort()),
                    "switch", "--to", "10.0.1.2:6379");

            assertThat(exit.code()).isEqualTo(5);
            assertThat(exit.out()).isEmpty();
            assertThat(exit.err()).isEqualTo("proxyctl: PRECONDITION_FAILED: target check failed: 10.0.1.2:6379 is a"
                    + " replica; use --wait-replication\n");
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static Exit run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Process process = start(env, args);
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("proxyctl " + String.join(" ", args) + " did not exit within 60s");
        }
        return new Exit(process.exitValue(), out.join(), err.join());
    }

    private static Process start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("TURNOUT_") || name.startsWith("JAVA_TOOL"));
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    private static String read(java.io.InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
