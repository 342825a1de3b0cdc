package dev.turnout.cli;

import dev.turnout.cli.ControlPlaneFailures.CallKind;
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
import dev.turnout.v1.ListUsersRequest;
import dev.turnout.v1.ListUsersResponse;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.PauseRequest;
import dev.turnout.v1.PutUserRequest;
import dev.turnout.v1.RemoveUserRequest;
import dev.turnout.v1.ResumeRequest;
import dev.turnout.v1.SetLogLevelRequest;
import dev.turnout.v1.SetLogLevelResponse;
import dev.turnout.v1.SetUpstreamRequest;
import dev.turnout.v1.SetUserPasswordRequest;
import dev.turnout.v1.SwitchRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The AdminService as proxyctl uses it: one channel, the token as {@code authorization: Bearer} metadata on
 * every call, the {@code --timeout} as every call's deadline (pause and switch get one longer than their own
 * bounds; the status watch none), and failures turned into {@link CliFailure}s.
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
        return call(CallKind.READ, 0, s -> s.getStatus(GetStatusRequest.getDefaultInstance()));
    }

    /**
     * Hands each status the WatchStatus stream sends to {@code each}, until the control plane ends the stream
     * (or the process is stopped). The stream has no deadline: it is meant to run until Ctrl-C.
     */
    void watchStatus(Consumer<FleetStatus> each) {
        try {
            Iterator<FleetStatus> statuses = stub.watchStatus(GetStatusRequest.getDefaultInstance());
            while (statuses.hasNext()) {
                each.accept(statuses.next());
            }
        } catch (StatusRuntimeException e) {
            throw failure(e, CallKind.READ, timeout, 0);
        }
    }

    ListDataPlanesResponse dataPlanes() {
        return call(CallKind.READ, 0, s -> s.listDataPlanes(ListDataPlanesRequest.getDefaultInstance()));
    }

    ConfigDocument config() {
        return call(CallKind.READ, 0, s -> s.getConfig(GetConfigRequest.getDefaultInstance()));
    }

    ApplyConfigResponse apply(ApplyConfigRequest request) {
        return call(CallKind.CHANGE, request.getIfVersion(), s -> s.applyConfig(request));
    }

    ApplyConfigResponse setUpstream(SetUpstreamRequest request) {
        return call(CallKind.CHANGE, request.getIfVersion(), s -> s.setUpstream(request));
    }

    ApplyConfigResponse putUser(PutUserRequest request) {
        return call(CallKind.CHANGE, request.getIfVersion(), s -> s.putUser(request));
    }

    ListUsersResponse users() {
        return call(CallKind.READ, 0, s -> s.listUsers(ListUsersRequest.getDefaultInstance()));
    }

    ApplyConfigResponse removeUser(RemoveUserRequest request) {
        return call(CallKind.CHANGE, request.getIfVersion(), s -> s.removeUser(request));
    }

    ApplyConfigResponse setUserPassword(SetUserPasswordRequest request) {
        return call(CallKind.CHANGE, request.getIfVersion(), s -> s.setUserPassword(request));
    }

    SetLogLevelResponse setLogLevel(SetLogLevelRequest request) {
        return call(CallKind.READ, 0, s -> s.setLogLevel(request));
    }

    /**
     * A pause with {@code deadline} rather than --timeout: the deadline must outlast the pause's own bound, so that
     * the control plane, not the deadline, decides the outcome (and rolls back).
     */
    OperationResult pause(PauseRequest request, Duration deadline) {
        return operation(deadline, s -> s.pause(request));
    }

    OperationResult resume(ResumeRequest request) {
        return operation(timeout, s -> s.resume(request));
    }

    /** A switch with {@code deadline}, which must outlast its pause and replication bounds (see {@link #pause}). */
    OperationResult switchover(SwitchRequest request, Duration deadline) {
        return operation(deadline, s -> s.switch_(request));
    }

    ListHistoryResponse history(ListHistoryRequest request) {
        return call(CallKind.READ, 0, s -> s.listHistory(request));
    }

    private OperationResult operation(Duration deadline, Function<AdminServiceBlockingStub, OperationResult> rpc) {
        try {
            return rpc.apply(stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS));
        } catch (StatusRuntimeException e) {
            throw failure(e, CallKind.OPERATION, deadline, 0);
        }
    }

    private <T> T call(CallKind kind, long ifVersion, Function<AdminServiceBlockingStub, T> rpc) {
        try {
            return rpc.apply(stub.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (StatusRuntimeException e) {
            throw failure(e, kind, timeout, ifVersion);
        }
    }

    private CliFailure failure(StatusRuntimeException e, CallKind kind, Duration deadline, long ifVersion) {
        return ControlPlaneFailures.translate(e.getStatus(),
                new ControlPlaneFailures.CallContext(address, tokenSent, deadline, kind, ifVersion));
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
