package dev.turnout.controlplane.api;

import dev.turnout.controlplane.operation.FleetPause;
import dev.turnout.controlplane.operation.Switchover;
import dev.turnout.controlplane.registry.DataPlaneRegistry;
import dev.turnout.controlplane.state.SwitchHistory;
import dev.turnout.controlplane.state.DesiredStateStore;
import dev.turnout.controlplane.state.InvalidChangeException;
import dev.turnout.controlplane.state.StaleVersionException;
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
import dev.turnout.v1.ListHistoryRequest;
import dev.turnout.v1.ListHistoryResponse;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.PauseRequest;
import dev.turnout.v1.ResumeRequest;
import dev.turnout.v1.SwitchRequest;
import dev.turnout.v1.ListDataPlanesRequest;
import dev.turnout.v1.ListDataPlanesResponse;
import dev.turnout.v1.SetLogLevel;
import dev.turnout.v1.SetLogLevelRequest;
import dev.turnout.v1.SetLogLevelResponse;
import dev.turnout.v1.SetUpstreamRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code AdminService}: what proxyctl calls. Changes go to the {@link DesiredStateStore} and, once persisted,
 * to every connected data plane through the {@link DataPlaneRegistry}.
 *
 * <p>Errors: INVALID_ARGUMENT with the path and what was expected; FAILED_PRECONDITION for a stale
 * {@code if_version}; INTERNAL if the state cannot be written (nothing changed then). Responses never carry a
 * password: GetConfig masks them as {@value ConfigDocumentWriter#MASK}, and status holds none.
 */
public final class AdminService extends AdminServiceGrpc.AdminServiceImplBase {

    private static final Logger log = LoggerFactory.getLogger(AdminService.class);

    /** How often WatchStatus looks for a change. */
    static final long WATCH_INTERVAL_MILLIS = 200;

    private final DesiredStateStore store;
    private final DataPlaneRegistry registry;
    private final FleetPause fleet;
    private final Switchover switchover;
    private final SwitchHistory history;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService blocking;

    /**
     * @param scheduler for WatchStatus ticks
     * @param blocking  for the bounded blocking calls of status (INFO replication of each upstream)
     */
    public AdminService(DesiredStateStore store, DataPlaneRegistry registry, FleetPause fleet, Switchover switchover,
                        SwitchHistory history, ScheduledExecutorService scheduler, ExecutorService blocking) {
        this.store = store;
        this.registry = registry;
        this.fleet = fleet;
        this.switchover = switchover;
        this.history = history;
        this.scheduler = scheduler;
        this.blocking = blocking;
    }

    @Override
    public void getStatus(GetStatusRequest request, StreamObserver<FleetStatus> response) {
        response.onNext(status().addAllUpstreams(UpstreamReplications.of(store.current(), blocking)).build());
        response.onCompleted();
    }

    private FleetStatus.Builder status() {
        dev.turnout.v1.Phase phase = fleet.phase();
        java.util.List<dev.turnout.v1.DataPlaneInfo> planes = new java.util.ArrayList<>(registry.list());
        if (phase == dev.turnout.v1.Phase.SWITCHING) {
            planes.replaceAll(p -> p.getConnected() && p.getPhase() == dev.turnout.v1.Phase.PAUSED
                    ? p.toBuilder().setPhase(dev.turnout.v1.Phase.SWITCHING).build() : p);
        }
        return FleetStatus.newBuilder()
                .setDesiredVersion(store.current().version())
                .addAllDataPlanes(planes)
                .setPhase(phase)
                .setOperation(fleet.holder());
    }

    @Override
    public void watchStatus(GetStatusRequest request, StreamObserver<FleetStatus> response) {
        ServerCallStreamObserver<FleetStatus> out = (ServerCallStreamObserver<FleetStatus>) response;
        AtomicReference<FleetStatus> last = new AtomicReference<>();
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        Runnable tick = () -> {
            if (out.isCancelled()) {
                ScheduledFuture<?> t = task.get();
                if (t != null) {
                    t.cancel(false);
                }
                return;
            }
            FleetStatus now = status().build();
            if (!now.equals(last.get())) {
                last.set(now);
                synchronized (out) {
                    out.onNext(now);
                }
            }
        };
        out.setOnCancelHandler(() -> {
            ScheduledFuture<?> t = task.get();
            if (t != null) {
                t.cancel(false);
            }
        });
        task.set(scheduler.scheduleWithFixedDelay(tick, 0, WATCH_INTERVAL_MILLIS, TimeUnit.MILLISECONDS));
    }

    @Override
    public void pause(PauseRequest request, StreamObserver<OperationResult> response) {
        log.info("Pause requested by {}", BearerTokenCheck.callerAddress());
        response.onNext(fleet.pause(orDefault(request.getTimeoutMillis(), FleetPause.DEFAULT_TIMEOUT),
                orDefault(request.getHoldLimitMillis(), FleetPause.DEFAULT_HOLD_LIMIT),
                orDefault(request.getLeaseMillis(), FleetPause.DEFAULT_LEASE), "pause"));
        response.onCompleted();
    }

    @Override
    public void resume(ResumeRequest request, StreamObserver<OperationResult> response) {
        log.info("Resume requested by {}", BearerTokenCheck.callerAddress());
        response.onNext(fleet.resume());
        response.onCompleted();
    }

    @Override
    public void switch_(SwitchRequest request, StreamObserver<OperationResult> response) {
        log.info("Switch of route '{}' to {} requested by {}", request.getRoute().isEmpty() ? "default" : request.getRoute(),
                request.getTo(), BearerTokenCheck.callerAddress());
        response.onNext(switchover.run(request));
        response.onCompleted();
    }

    @Override
    public void listHistory(ListHistoryRequest request, StreamObserver<ListHistoryResponse> response) {
        response.onNext(ListHistoryResponse.newBuilder().addAllSwitches(history.newestFirst(request.getLimit())).build());
        response.onCompleted();
    }

    private static Duration orDefault(long millis, Duration fallback) {
        return millis > 0 ? Duration.ofMillis(millis) : fallback;
    }

    @Override
    public void listDataPlanes(ListDataPlanesRequest request, StreamObserver<ListDataPlanesResponse> response) {
        response.onNext(ListDataPlanesResponse.newBuilder().addAllDataPlanes(registry.list()).build());
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
        } catch (IOException e) {
            log.error("{}: cannot persist the desired state in {}; nothing changed", what, store.dataDir(), e);
            response.onError(Status.INTERNAL.withDescription("cannot persist the desired state (" + e.getMessage()
                    + "); nothing changed").asRuntimeException());
            return;
        }
        int sent = registry.publish(ConfigSnapshots.toProto(next));
        log.info("Desired state version {} accepted ({} by {}): routes {}, {} listener(s); sent to {} data plane(s)",
                next.version(), what, BearerTokenCheck.callerAddress(), new TreeSet<>(next.routes().keySet()),
                next.listeners().size(), sent);
        response.onNext(ApplyConfigResponse.newBuilder().setVersion(next.version()).build());
        response.onCompleted();
    }

    @FunctionalInterface
    private interface Change {
        ProxyConfig run() throws InvalidChangeException, StaleVersionException, IOException;
    }
}
