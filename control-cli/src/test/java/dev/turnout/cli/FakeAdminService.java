package dev.turnout.cli;

import dev.turnout.v1.AdminServiceGrpc;
import dev.turnout.v1.ApplyConfigRequest;
import dev.turnout.v1.ApplyConfigResponse;
import dev.turnout.v1.ConfigDocument;
import dev.turnout.v1.FleetStatus;
import dev.turnout.v1.GetConfigRequest;
import dev.turnout.v1.GetStatusRequest;
import dev.turnout.v1.ListDataPlanesRequest;
import dev.turnout.v1.ListDataPlanesResponse;
import dev.turnout.v1.SetLogLevelRequest;
import dev.turnout.v1.SetLogLevelResponse;
import dev.turnout.v1.SetUpstreamRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An AdminService that answers what the test set and records what it was sent. {@link #failWith} makes every
 * call fail with a status; {@link #hang} makes every call go unanswered (for deadlines).
 */
final class FakeAdminService extends AdminServiceGrpc.AdminServiceImplBase {

    volatile FleetStatus status = FleetStatus.getDefaultInstance();
    volatile ListDataPlanesResponse dataPlanes = ListDataPlanesResponse.getDefaultInstance();
    volatile ConfigDocument config = ConfigDocument.getDefaultInstance();
    volatile ApplyConfigResponse applied = ApplyConfigResponse.newBuilder().setVersion(8).build();
    volatile SetLogLevelResponse logLevel = SetLogLevelResponse.newBuilder().setDataPlanes(2).build();
    volatile Status failure;
    volatile boolean hang;

    final List<Object> requests = new CopyOnWriteArrayList<>();

    void failWith(Status status) {
        this.failure = status;
    }

    /** The one request the fake received, of the given type. */
    <T> T onlyRequest(Class<T> type) {
        if (requests.size() != 1) {
            throw new AssertionError("expected one request, got " + requests);
        }
        return type.cast(requests.get(0));
    }

    @Override
    public void getStatus(GetStatusRequest request, StreamObserver<FleetStatus> response) {
        answer(request, status, response);
    }

    @Override
    public void listDataPlanes(ListDataPlanesRequest request, StreamObserver<ListDataPlanesResponse> response) {
        answer(request, dataPlanes, response);
    }

    @Override
    public void getConfig(GetConfigRequest request, StreamObserver<ConfigDocument> response) {
        answer(request, config, response);
    }

    @Override
    public void applyConfig(ApplyConfigRequest request, StreamObserver<ApplyConfigResponse> response) {
        answer(request, applied, response);
    }

    @Override
    public void setUpstream(SetUpstreamRequest request, StreamObserver<ApplyConfigResponse> response) {
        answer(request, applied, response);
    }

    @Override
    public void setLogLevel(SetLogLevelRequest request, StreamObserver<SetLogLevelResponse> response) {
        answer(request, logLevel, response);
    }

    private <T> void answer(Object request, T reply, StreamObserver<T> response) {
        requests.add(request);
        if (hang) {
            return;
        }
        if (failure != null) {
            response.onError(failure.asRuntimeException());
            return;
        }
        response.onNext(reply);
        response.onCompleted();
    }
}
