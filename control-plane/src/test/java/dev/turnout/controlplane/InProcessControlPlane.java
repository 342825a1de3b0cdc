package dev.turnout.controlplane;

import dev.turnout.controlplane.state.DesiredStateStore;
import dev.turnout.dataplane.config.Secret;
import dev.turnout.v1.AdminServiceGrpc;
import dev.turnout.v1.DataPlaneServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A control plane over the in-process transport, with its data directory, and stubs that present a given
 * token (or none). Close it at the end of the test.
 */
final class InProcessControlPlane implements AutoCloseable {

    static final String ADMIN_TOKEN = "admin-token-4d1c0b9e";
    static final String DATA_PLANE_TOKEN = "data-plane-token-71a6f2";

    final Path dataDir;
    final DesiredStateStore store;
    final ControlPlaneServer server;
    final ManagedChannel channel;

    private InProcessControlPlane(Path dataDir) throws IOException {
        this.dataDir = dataDir;
        this.store = DesiredStateStore.open(dataDir);
        String name = InProcessServerBuilder.generateName();
        this.server = new ControlPlaneServer(InProcessServerBuilder.forName(name), store,
                dev.turnout.controlplane.state.SwitchHistory.open(dataDir), Secret.of(ADMIN_TOKEN), Secret.of(DATA_PLANE_TOKEN), Clock.systemUTC()).start();
        this.channel = InProcessChannelBuilder.forName(name).build();
    }

    static InProcessControlPlane start(Path dataDir) throws IOException {
        return new InProcessControlPlane(dataDir);
    }

    /** AdminService with the admin token. */
    AdminServiceGrpc.AdminServiceBlockingStub admin() {
        return admin(ADMIN_TOKEN);
    }

    /** AdminService presenting {@code token}, or no authorization header if null. */
    AdminServiceGrpc.AdminServiceBlockingStub admin(String token) {
        return AdminServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(token)));
    }

    /** DataPlaneService presenting {@code token}, or no authorization header if null. */
    DataPlaneServiceGrpc.DataPlaneServiceStub dataPlaneStub(String token) {
        return DataPlaneServiceGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(token)));
    }

    /** A data plane with the right token that has sent its Hello. */
    FakeDataPlane connect(String id, long appliedVersion) {
        FakeDataPlane dataPlane = new FakeDataPlane(dataPlaneStub(DATA_PLANE_TOKEN));
        dataPlane.hello(id, appliedVersion);
        return dataPlane;
    }

    private static Metadata headers(String token) {
        Metadata headers = new Metadata();
        if (token != null) {
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        }
        return headers;
    }

    @Override
    public void close() throws Exception {
        try {
            channel.shutdownNow();
            server.stop();
        } finally {
            store.close();
        }
    }
}
