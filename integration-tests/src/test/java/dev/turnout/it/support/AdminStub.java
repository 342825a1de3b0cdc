package dev.turnout.it.support;

import dev.turnout.v1.AdminServiceGrpc;
import dev.turnout.v1.DataPlaneInfo;
import dev.turnout.v1.FleetStatus;
import dev.turnout.v1.GetStatusRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A direct AdminService client for tests that must poll faster than a proxyctl process starts. */
public final class AdminStub implements AutoCloseable {

    private final ManagedChannel channel;
    private final AdminServiceGrpc.AdminServiceBlockingStub stub;

    public AdminStub(String host, int port, String token) {
        this.channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        this.stub = AdminServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    public FleetStatus status() {
        return stub.withDeadlineAfter(2, TimeUnit.SECONDS).getStatus(GetStatusRequest.getDefaultInstance());
    }

    /** The status, or empty while the control plane does not answer. */
    public Optional<FleetStatus> statusIfUp() {
        try {
            return Optional.of(status());
        } catch (io.grpc.StatusRuntimeException e) {
            return Optional.empty();
        }
    }

    public Optional<DataPlaneInfo> dataPlane(String id) {
        return statusIfUp().flatMap(s -> s.getDataPlanesList().stream().filter(d -> d.getId().equals(id)).findFirst());
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
