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
import dev.turnout.v1.ListHistoryRequest;
import dev.turnout.v1.ListHistoryResponse;
import dev.turnout.v1.ListUsersRequest;
import dev.turnout.v1.ListUsersResponse;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.Outcome;
import dev.turnout.v1.PauseRequest;
import dev.turnout.v1.PutUserRequest;
import dev.turnout.v1.RemoveUserRequest;
import dev.turnout.v1.ResumeRequest;
import dev.turnout.v1.SetUpstreamRequest;
import dev.turnout.v1.SetUserPasswordRequest;
import dev.turnout.v1.SwitchRequest;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An AdminService that answers what the test set and records what it was sent, and each call's deadline as the
 * server saw it. {@link #failWith} makes every call fail with a status; {@link #hang} makes every call go
 * unanswered (for deadlines). WatchStatus sends {@link #watched}, then completes (or fails with {@link #watchEnd}).
 */
final class FakeAdminService extends AdminServiceGrpc.AdminServiceImplBase {

    volatile FleetStatus status = FleetStatus.getDefaultInstance();
    volatile ListDataPlanesResponse dataPlanes = ListDataPlanesResponse.getDefaultInstance();
    volatile ConfigDocument config = ConfigDocument.getDefaultInstance();
    volatile ApplyConfigResponse applied = ApplyConfigResponse.newBuilder().setVersion(8).build();
    volatile SetLogLevelResponse logLevel = SetLogLevelResponse.newBuilder().setDataPlanes(2).build();
    volatile OperationResult paused = OperationResult.newBuilder().setOutcome(Outcome.DONE).setMessage("paused").build();
    volatile OperationResult resumed = OperationResult.newBuilder().setOutcome(Outcome.DONE).setMessage("resumed").build();
    volatile OperationResult switched = OperationResult.newBuilder().setOutcome(Outcome.DONE).setMessage("switched").build();
    volatile ListHistoryResponse history = ListHistoryResponse.getDefaultInstance();
    volatile ListUsersResponse users = ListUsersResponse.getDefaultInstance();
    volatile List<FleetStatus> watched = List.of();
    /** How WatchStatus ends after sending {@link #watched}: null to complete. */
    volatile Status watchEnd;
    /** WatchStatus keeps the stream open after sending {@link #watched}, as the control plane does. */
    volatile boolean watchForever;
    /** Set when a caller cancels a watch (its process ended, or Ctrl-C). */
    final CountDownLatch watchCancelled = new CountDownLatch(1);
    volatile Status failure;
    volatile boolean hang;

    final List<Object> requests = new CopyOnWriteArrayList<>();
    /** The time left to each call's deadline when it arrived, in milliseconds; -1 for a call without a deadline. */
    final List<Long> deadlines = new CopyOnWriteArrayList<>();

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
    public void putUser(PutUserRequest request, StreamObserver<ApplyConfigResponse> response) {
        answer(request, applied, response);
    }

    @Override
    public void listUsers(ListUsersRequest request, StreamObserver<ListUsersResponse> response) {
        answer(request, users, response);
    }

    @Override
    public void removeUser(RemoveUserRequest request, StreamObserver<ApplyConfigResponse> response) {
        answer(request, applied, response);
    }

    @Override
    public void setUserPassword(SetUserPasswordRequest request, StreamObserver<ApplyConfigResponse> response) {
        answer(request, applied, response);
    }

    @Override
    public void setLogLevel(SetLogLevelRequest request, StreamObserver<SetLogLevelResponse> response) {
        answer(request, logLevel, response);
    }

    @Override
    public void pause(PauseRequest request, StreamObserver<OperationResult> response) {
        answer(request, paused, response);
    }

    @Override
    public void resume(ResumeRequest request, StreamObserver<OperationResult> response) {
        answer(request, resumed, response);
    }

    @Override
    public void switch_(SwitchRequest request, StreamObserver<OperationResult> response) {
        answer(request, switched, response);
    }

    @Override
    public void listHistory(ListHistoryRequest request, StreamObserver<ListHistoryResponse> response) {
        answer(request, history, response);
    }

    @Override
    public void watchStatus(GetStatusRequest request, StreamObserver<FleetStatus> response) {
        record(request);
        if (hang) {
            return;
        }
        if (failure != null) {
            response.onError(failure.asRuntimeException());
            return;
        }
        if (response instanceof ServerCallStreamObserver<FleetStatus> call) {
            call.setOnCancelHandler(watchCancelled::countDown);
        }
        watched.forEach(response::onNext);
        if (watchForever) {
            return;
        }
        if (watchEnd != null) {
            response.onError(watchEnd.asRuntimeException());
        } else {
            response.onCompleted();
        }
    }

    private void record(Object request) {
        requests.add(request);
        Deadline deadline = Context.current().getDeadline();
        deadlines.add(deadline == null ? -1 : deadline.timeRemaining(TimeUnit.MILLISECONDS));
    }

    private <T> void answer(Object request, T reply, StreamObserver<T> response) {
        record(request);
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
