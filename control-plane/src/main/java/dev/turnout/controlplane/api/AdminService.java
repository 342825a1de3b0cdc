package dev.turnout.controlplane.api;

import dev.turnout.controlplane.registry.DataPlaneRegistry;
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
import dev.turnout.v1.ListDataPlanesRequest;
import dev.turnout.v1.ListDataPlanesResponse;
import dev.turnout.v1.SetLogLevel;
import dev.turnout.v1.SetLogLevelRequest;
import dev.turnout.v1.SetLogLevelResponse;
import dev.turnout.v1.SetUpstreamRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
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

    private final DesiredStateStore store;
    private final DataPlaneRegistry registry;

    public AdminService(DesiredStateStore store, DataPlaneRegistry registry) {
        this.store = store;
        this.registry = registry;
    }

    @Override
    public void getStatus(GetStatusRequest request, StreamObserver<FleetStatus> response) {
        response.onNext(FleetStatus.newBuilder()
                .setDesiredVersion(store.current().version())
                .addAllDataPlanes(registry.list())
                .build());
        response.onCompleted();
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
