package dev.turnout.cli;

import dev.turnout.v1.AdminServiceGrpc;
import dev.turnout.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import dev.turnout.v1.ApplyConfigRequest;
import dev.turnout.v1.ApplyConfigResponse;
import dev.turnout.v1.ConfigDocument;
import dev.turnout.v1.FleetStatus;
import dev.turnout.v1.GetConfigRequest;
import dev.turnout.v1.GetStatusRequest;
import dev.turnout.v1.ListDataPlanesRequest;
import dev.turnout.v1.ListDataPlanesResponse;
import dev.turnout.v1.ListHistoryRequest;
import dev.turnout.v1.ListHistoryResponse;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.SetLogLevelRequest;
import dev.turnout.v1.SetLogLevelResponse;
import dev.turnout.v1.SetUpstreamRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The AdminService as proxyctl uses it: one channel, the token as {@code authorization: Bearer} metadata on
 * every call, the {@code --timeout} as every call's deadline, and failures turned into {@link CliFailure}s.
 */
final class AdminClient implements AutoCloseable {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final HostPort address;
    private final ManagedChannel channel;
    private final AdminServiceBlockingStub stub;
    private final boolean tokenSent;
    private final Duration timeout;

    AdminClient(HostPort address, ManagedChannel channel, Optional<String> token, Duration timeout) {
        this.address = address;
        this.channel = channel;
        this.timeout = timeout;
        this.tokenSent = token.isPresent();
        AdminServiceBlockingStub s = AdminServiceGrpc.newBlockingStub(channel);
        if (token.isPresent()) {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + token.get());
            s = s.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        this.stub = s;
    }

    FleetStatus status() {
        return call(false, 0, s -> s.getStatus(GetStatusRequest.getDefaultInstance()));
    }

    ListDataPlanesResponse dataPlanes() {
        return call(false, 0, s -> s.listDataPlanes(ListDataPlanesRequest.getDefaultInstance()));
    }

    ConfigDocument config() {
        return call(false, 0, s -> s.getConfig(GetConfigRequest.getDefaultInstance()));
    }

    ApplyConfigResponse apply(ApplyConfigRequest request) {
        return call(true, request.getIfVersion(), s -> s.applyConfig(request));
    }

    ApplyConfigResponse setUpstream(SetUpstreamRequest request) {
        return call(true, request.getIfVersion(), s -> s.setUpstream(request));
    }

    SetLogLevelResponse setLogLevel(SetLogLevelRequest request) {
        return call(false, 0, s -> s.setLogLevel(request));
    }

    /** Pause, resume, switch: the deadline is at least {@code bound} (the operation's own), so the control plane decides. */
    OperationResult operation(Duration bound, Function<AdminServiceBlockingStub, OperationResult> rpc) {
        Duration deadline = bound.compareTo(timeout) > 0 ? bound : timeout;
        return call(true, 0, deadline, rpc);
    }

    ListHistoryResponse history(ListHistoryRequest request) {
        return call(false, 0, s -> s.listHistory(request));
    }

    private <T> T call(boolean change, long ifVersion, Function<AdminServiceBlockingStub, T> rpc) {
        return call(change, ifVersion, timeout, rpc);
    }

    private <T> T call(boolean change, long ifVersion, Duration deadline, Function<AdminServiceBlockingStub, T> rpc) {
        try {
            return rpc.apply(stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS));
        } catch (StatusRuntimeException e) {
            throw ControlPlaneFailures.translate(e.getStatus(),
                    new ControlPlaneFailures.CallContext(address, tokenSent, timeout, change, ifVersion));
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
