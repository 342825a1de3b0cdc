package dev.turnout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Runs proxyctl in process against a {@link FakeAdminService} on gRPC's in-process transport, whatever
 * address the command dials (the addresses dialled are recorded). Captures standard output and error, and
 * the {@code authorization} header of every call.
 */
final class ProxyctlRunner implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final FakeAdminService admin = new FakeAdminService();
    final Map<String, String> env = new HashMap<>();
    /** The authorization header of each call, "(none)" when absent. */
    final List<String> authorizations;
    final List<HostPort> dialled = new CopyOnWriteArrayList<>();
    String stdin = "";

    private final String name = InProcessServerBuilder.generateName();
    private final Server server;

    ProxyctlRunner() {
        AuthorizationRecorder recorder = new AuthorizationRecorder();
        authorizations = recorder.values;
        try {
            server = InProcessServerBuilder.forName(name).directExecutor()
                    .addService(ServerInterceptors.intercept(admin, recorder))
                    .build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Result(int exitCode, String out, String err) {
        /** Standard output parsed as JSON. */
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out, e);
            }
        }
    }

    Result run(String... args) {
        return run(address -> {
            dialled.add(address);
            return InProcessChannelBuilder.forName(name).directExecutor().build();
        }, args);
    }

    Result run(ChannelFactory channels, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ProxyctlCommand.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env, channels).execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
