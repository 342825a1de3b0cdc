package dev.turnout.controlplane.api;

import dev.turnout.controlplane.operation.FleetPause;
import dev.turnout.controlplane.operation.PauseSettings;
import dev.turnout.controlplane.operation.Switchover;
import dev.turnout.controlplane.registry.DataPlaneRegistry;
import dev.turnout.controlplane.state.DesiredStateStore;
import dev.turnout.controlplane.state.InvalidChangeException;
import dev.turnout.controlplane.state.StaleVersionException;
import dev.turnout.controlplane.state.SwitchHistory;
import dev.turnout.controlplane.state.UnknownUserException;
import dev.turnout.controlplane.state.UserExistsException;
import dev.turnout.dataplane.agent.ConfigSnapshots;
import dev.turnout.dataplane.config.ConfigDocumentWriter;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.v1.AdminServiceGrpc;
import dev.turnout.v1.ApplyConfigRequest;
import dev.turnout.v1.ApplyConfigResponse;
import dev.turnout.v1.ConfigDocument;
import dev.turnout.v1.ControlMessage;
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
import dev.turnout.v1.SetLogLevel;
import dev.turnout.v1.SetLogLevelRequest;
import dev.turnout.v1.SetLogLevelResponse;
import dev.turnout.v1.SetUpstreamRequest;
import dev.turnout.v1.SetUserPasswordRequest;
import dev.turnout.v1.SwitchRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code AdminService}: what proxyctl calls. Changes go to the {@link DesiredStateStore} and, once persisted,
 * to every connected data plane through the {@link DataPlaneRegistry}; pause and resume go to the
 * {@link FleetPause}, switches to the {@link Switchover}.
 *
 * <p>Errors: INVALID_ARGUMENT with the path and what was expected; FAILED_PRECONDITION for a stale
 * {@code if_version}; NOT_FOUND for a change to a user that does not exist, ALREADY_EXISTS for adding one that
 * does; INTERNAL if the state cannot be written (nothing changed then). How a pause, resume or switch went is not
 * an error: it is the {@code OperationResult}'s outcome. Responses never carry a password or a user's password
 * hash: GetConfig masks them as {@value ConfigDocumentWriter#MASK}, ListUsers and status hold none.
 *
 * <p>No call blocks a gRPC thread on an operation or on Redis: they answer when a future completes.
 */
public final class AdminService extends AdminServiceGrpc.AdminServiceImplBase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminService.class);

    private final DesiredStateStore store;
    private final DataPlaneRegistry registry;
    private final FleetPause fleet;
    private final Switchover switchover;
    private final SwitchHistory history;
    private final FleetStatuses statuses;
    private final StatusWatches watches;

    /**
     * @param scheduler  for WatchStatus's looks
     * @param probes     for status's INFO replication calls (blocking, each bounded)
     * @param tenantAcls a route's one line about its tenants' upstream ACL users (see TenantProvisioner#routeNote)
     */
    public AdminService(DesiredStateStore store, DataPlaneRegistry registry, FleetPause fleet, Switchover switchover,
                        SwitchHistory history, ScheduledExecutorService scheduler, Executor probes,
                        UnaryOperator<String> tenantAcls) {
        this.store = store;
        this.registry = registry;
        this.fleet = fleet;
        this.switchover = switchover;
        this.history = history;
        this.statuses = new FleetStatuses(store, registry, fleet, probes, tenantAcls);
        this.watches = new StatusWatches(statuses, scheduler);
    }

    @Override
    public void getStatus(GetStatusRequest request, StreamObserver<FleetStatus> response) {
        answer(response, statuses.status());
    }

    @Override
    public void watchStatus(GetStatusRequest request, StreamObserver<FleetStatus> response) {
        watches.watch((ServerCallStreamObserver<FleetStatus>) response);
    }

    @Override
    public void pause(PauseRequest request, StreamObserver<OperationResult> response) {
        PauseSettings settings;
        try {
            settings = PauseSettings.ofMillis(request.getTimeoutMillis(), request.getHoldLimitMillis(),
                    request.getLeaseMillis());
        } catch (IllegalArgumentException e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        log.info("Pause requested by {}", BearerTokenCheck.callerAddress());
        answer(response, fleet.pause(settings));
    }

    @Override
    public void resume(ResumeRequest request, StreamObserver<OperationResult> response) {
        log.info("Resume requested by {}", BearerTokenCheck.callerAddress());
        answer(response, fleet.resume());
    }

    @Override
    public void switch_(SwitchRequest request, StreamObserver<OperationResult> response) {
        CompletableFuture<OperationResult> result;
        try {
            result = switchover.start(request);
        } catch (IllegalArgumentException e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        log.info("Switch of route '{}' to {} requested by {}", request.getRoute().isEmpty()
                ? DesiredStateStore.DEFAULT_ROUTE : request.getRoute(), request.getTo(), BearerTokenCheck.callerAddress());
        answer(response, result);
    }

    @Override
    public void listHistory(ListHistoryRequest request, StreamObserver<ListHistoryResponse> response) {
        if (request.getLimit() < 0) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("limit: " + request.getLimit()
                    + " (expected: >= 0, 0 for 20)").asRuntimeException());
            return;
        }
        response.onNext(ListHistoryResponse.newBuilder().addAllSwitches(history.newestFirst(request.getLimit())).build());
        response.onCompleted();
    }

    /** How many WatchStatus streams are open, for tests. */
    int watches() {
        return watches.size();
    }

    /** Ends the WatchStatus streams: the control plane is stopping. */
    @Override
    public void close() {
        watches.closeAll();
    }

    /** Answers a unary call when {@code result} completes; the caller may have gone by then. */
    private static <T> void answer(StreamObserver<T> response, CompletableFuture<T> result) {
        result.whenComplete((value, error) -> {
            try {
                if (error != null) {
                    log.error("A call failed unexpectedly", error);
                    response.onError(Status.INTERNAL.withDescription(String.valueOf(error.getMessage()))
                            .asRuntimeException());
                } else {
                    response.onNext(value);
                    response.onCompleted();
                }
            } catch (RuntimeException e) {
                log.debug("Could not answer a call (cancelled by the caller?): {}", e.toString());
            }
        });
    }

    @Override
    public void listDataPlanes(ListDataPlanesRequest request, StreamObserver<ListDataPlanesResponse> response) {
        response.onNext(ListDataPlanesResponse.newBuilder().addAllDataPlanes(statuses.dataPlanes()).build());
        response.onCompleted();
    }

    @Override
    public void getConfig(GetConfigRequest request, StreamObserver<ConfigDocument> response) {
        ProxyConfig state = store.current();
        response.onNext(ConfigDocument.newBuilder()
                .setVersion(state.version())
                .setYaml(ConfigDocumentWriter.toYaml(state, true))
                .build());
        response.onCompleted();
    }

    @Override
    public void applyConfig(ApplyConfigRequest request, StreamObserver<ApplyConfigResponse> response) {
        change("ApplyConfig", response, () -> store.apply(request.getYaml(), request.getIfVersion()));
    }

    @Override
    public void setUpstream(SetUpstreamRequest request, StreamObserver<ApplyConfigResponse> response) {
        change("SetUpstream", response, () -> store.setUpstream(request.getRoute(), request.getUpstream(),
                request.getUser(), request.getPassword(), request.getIfVersion()));
    }

    @Override
    public void putUser(PutUserRequest request, StreamObserver<ApplyConfigResponse> response) {
        change("PutUser '" + request.getName() + "'", response, () -> store.putUser(UserRequests.change(request),
                UserRequests.presence(request.getMode()), request.getIfVersion()));
    }

    @Override
    public void setUserPassword(SetUserPasswordRequest request, StreamObserver<ApplyConfigResponse> response) {
        change("SetUserPassword '" + request.getName() + "'", response, () -> store.setUserPassword(request.getName(),
                request.getPasswordHash(), request.getIfVersion()));
    }

    @Override
    public void removeUser(RemoveUserRequest request, StreamObserver<ApplyConfigResponse> response) {
        change("RemoveUser '" + request.getName() + "'", response,
                () -> store.removeUser(request.getName(), request.getIfVersion()));
    }

    @Override
    public void listUsers(ListUsersRequest request, StreamObserver<ListUsersResponse> response) {
        response.onNext(UserRequests.list(store.current()));
        response.onCompleted();
    }

    @Override
    public void setLogLevel(SetLogLevelRequest request, StreamObserver<SetLogLevelResponse> response) {
        String level = LogLevels.normalise(request.getLevel());
        if (level == null) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("level: '" + request.getLevel()
                    + "' (expected one of " + String.join(", ", LogLevels.LEVELS) + ")").asRuntimeException());
            return;
        }
        String logger = request.getLogger().strip();
        LogLevels.set(logger, level);
        int sent = registry.broadcast(ControlMessage.newBuilder()
                .setSetLogLevel(SetLogLevel.newBuilder().setLogger(logger).setLevel(level))
                .build());
        log.info("Log level of {} set to {} here and on {} data plane(s), by {}",
                logger.isEmpty() ? LogLevels.TURNOUT_ROOT : logger, level, sent, BearerTokenCheck.callerAddress());
        response.onNext(SetLogLevelResponse.newBuilder().setDataPlanes(sent).build());
        response.onCompleted();
    }

    private void change(String what, StreamObserver<ApplyConfigResponse> response, Change change) {
        ProxyConfig next;
        try {
            next = change.run();
        } catch (InvalidChangeException e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (StaleVersionException e) {
            response.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (UnknownUserException e) {
            response.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (UserExistsException e) {
            response.onError(Status.ALREADY_EXISTS.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (IOException e) {
            log.error("{}: cannot persist the desired state in {}; nothing changed", what, store.dataDir(), e);
            response.onError(Status.INTERNAL.withDescription("cannot persist the desired state (" + e.getMessage()
                    + "); nothing changed").asRuntimeException());
            return;
        }
        int sent = registry.publish(ConfigSnapshots.toProto(next));
        log.info("Desired state version {} accepted ({} by {}): routes {}, {} listener(s), {} user(s); sent to {}"
                        + " data plane(s)", next.version(), what, BearerTokenCheck.callerAddress(),
                new TreeSet<>(next.routes().keySet()), next.listeners().size(), next.users().size(), sent);
        response.onNext(ApplyConfigResponse.newBuilder().setVersion(next.version()).build());
        response.onCompleted();
    }

    @FunctionalInterface
    private interface Change {
        ProxyConfig run() throws InvalidChangeException, StaleVersionException, UnknownUserException,
                UserExistsException, IOException;
    }
}
