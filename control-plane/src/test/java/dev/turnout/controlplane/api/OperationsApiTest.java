package dev.turnout.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.controlplane.operation.FleetPause;
import dev.turnout.controlplane.operation.Switchover;
import dev.turnout.controlplane.registry.DataPlaneRegistry;
import dev.turnout.controlplane.state.DesiredStateStore;
import dev.turnout.controlplane.state.SwitchHistory;
import dev.turnout.dataplane.agent.ConfigSnapshots;
import dev.turnout.testing.Await;
import dev.turnout.testing.FreePorts;
import dev.turnout.testing.RedisServerProcess;
import dev.turnout.v1.AdminServiceGrpc;
import dev.turnout.v1.DataPlaneInfo;
import dev.turnout.v1.DataPlaneServiceGrpc;
import dev.turnout.v1.FleetStatus;
import dev.turnout.v1.GetStatusRequest;
import dev.turnout.v1.ListDataPlanesRequest;
import dev.turnout.v1.ListHistoryRequest;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.Outcome;
import dev.turnout.v1.PauseRequest;
import dev.turnout.v1.Phase;
import dev.turnout.v1.ReplicaOffset;
import dev.turnout.v1.ResumeRequest;
import dev.turnout.v1.SwitchRequest;
import dev.turnout.v1.UpstreamReplication;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pause, Resume, Switch, ListHistory, GetStatus and WatchStatus over gRPC, with data planes on real streams. */
class OperationsApiTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String PASSWORD = "pw";

    @TempDir
    Path dataDir;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService operations = Executors.newCachedThreadPool();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private DesiredStateStore store;
    private DataPlaneRegistry registry;
    private FleetPause fleet;
    private AdminService admin;
    private Server server;
    private ManagedChannel channel;
    private AdminServiceGrpc.AdminServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        store = DesiredStateStore.open(dataDir);
        closing.add(store);
        SwitchHistory history = SwitchHistory.open(dataDir);
        registry = new DataPlaneRegistry(Clock.systemUTC(), null);
        fleet = new FleetPause(registry, timer, operations);
        Switchover switchover = new Switchover(store, registry, fleet, history, operations, Clock.systemUTC());
        admin = new AdminService(store, registry, fleet, switchover, history, timer, operations, route -> "");
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(admin).addService(new DataPlaneService(registry))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        stub = AdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        admin.close();
        fleet.close();
        channel.shutdownNow();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        operations.shutdownNow();
        timer.shutdownNow();
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    @Test
    void pauseAndResumeShowInStatusAndInEachDataPlane() throws Exception {
        connect("dp-1");
        connect("dp-2");
        Await.until(WAIT, "two data planes", () -> registry.connectedIds().size() == 2);

        OperationResult paused = stub.pause(PauseRequest.getDefaultInstance());

        assertThat(paused.getOutcome()).isEqualTo(Outcome.DONE);
        assertThat(paused.getDataPlanesList()).hasSize(2).allSatisfy(d -> {
            assertThat(d.getDrainedCommands()).isEqualTo(2);
            assertThat(d.getHeldCommands()).isEqualTo(4);
            assertThat(d.getDrainMillis()).isEqualTo(7);
        });
        FleetStatus status = stub.getStatus(GetStatusRequest.getDefaultInstance());
        assertThat(status.getPhase()).isEqualTo(Phase.PAUSED);
        assertThat(status.getOperation()).isEqualTo("pause");
        assertThat(status.getDataPlanesList()).extracting(DataPlaneInfo::getPhase).containsOnly(Phase.PAUSED);
        assertThat(status.getDataPlanesList()).extracting(DataPlaneInfo::getHeldCommands).containsOnly(4L);

        OperationResult resumed = stub.resume(ResumeRequest.getDefaultInstance());

        assertThat(resumed.getOutcome()).isEqualTo(Outcome.DONE);
        assertThat(resumed.getDataPlanesList()).extracting(d -> d.getHeldMillis()).containsOnly(55L);
        List<DataPlaneInfo> planes = stub.listDataPlanes(ListDataPlanesRequest.getDefaultInstance()).getDataPlanesList();
        assertThat(planes).allSatisfy(p -> {
            assertThat(p.getPhase()).isEqualTo(Phase.SERVING);
            assertThat(p.getLastPauseHeldMillis()).isEqualTo(55);
            assertThat(p.getLastPauseEnd()).isEqualTo("resumed");
        });
        assertThat(stub.getStatus(GetStatusRequest.getDefaultInstance()).getPhase()).isEqualTo(Phase.SERVING);
    }

    @Test
    void watchStatusSendsTheStatusThenEachChangeUntilCancelled() throws Exception {
        BlockingQueue<FleetStatus> seen = new LinkedBlockingQueue<>();
        CompletableFuture<Status> ended = new CompletableFuture<>();
        io.grpc.Context.CancellableContext context = io.grpc.Context.current().withCancellation();
        context.run(() -> AdminServiceGrpc.newStub(channel).watchStatus(GetStatusRequest.getDefaultInstance(),
                observer(seen, ended)));

        FleetStatus first = seen.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(first).isNotNull();
        assertThat(first.getPhase()).isEqualTo(Phase.SERVING);
        assertThat(first.getDataPlanesList()).isEmpty();

        connect("dp-1");
        FleetStatus next = Await.until(WAIT, "a status with dp-1", () -> seen.poll(), s -> s != null
                && s.getDataPlanesCount() == 1);
        assertThat(next.getDataPlanes(0).getId()).isEqualTo("dp-1");
        stub.pause(PauseRequest.getDefaultInstance());
        Await.until(WAIT, "a status with the fleet paused", () -> seen.poll(), s -> s != null
                && s.getPhase() == Phase.PAUSED && s.getOperation().equals("pause"));

        context.cancel(null);
        Await.until(WAIT, "the watch to end on the server", () -> admin.watches() == 0);
    }

    @Test
    void watchesEndWhenTheControlPlaneStops() throws Exception {
        BlockingQueue<FleetStatus> seen = new LinkedBlockingQueue<>();
        CompletableFuture<Status> ended = new CompletableFuture<>();
        AdminServiceGrpc.newStub(channel).watchStatus(GetStatusRequest.getDefaultInstance(), observer(seen, ended));
        assertThat(seen.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();

        admin.close();

        assertThat(ended.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(admin.watches()).isZero();
    }

    @Test
    void statusShowsEachUpstreamsReplicationOrWhyItCannot() throws Exception {
        RedisServerProcess primary = RedisServerProcess.builder().password(PASSWORD)
                .args("--repl-diskless-sync-delay", "0").start();
        closing.add(primary);
        RedisServerProcess replica = RedisServerProcess.builder().password(PASSWORD)
                .args("--replicaof", "127.0.0.1", Integer.toString(primary.port()), "--masterauth", PASSWORD).start();
        closing.add(replica);
        int nobody = FreePorts.next();
        store.setUpstream("default", "127.0.0.1:" + primary.port(), null, PASSWORD, 0);
        store.setUpstream("orders", "127.0.0.1:" + nobody, null, null, 0);

        List<UpstreamReplication> upstreams = Await.until(WAIT, "the replica to be listed online",
                () -> stub.getStatus(GetStatusRequest.getDefaultInstance()).getUpstreamsList(),
                u -> u.size() == 2 && u.get(0).getReplicasCount() == 1
                        && u.get(0).getReplicas(0).getState().equals("online"));

        UpstreamReplication main = upstreams.get(0);
        assertThat(main.getRoute()).isEqualTo("default");
        assertThat(main.getUpstream()).isEqualTo("127.0.0.1:" + primary.port());
        assertThat(main.getRole()).isEqualTo("master");
        ReplicaOffset r = main.getReplicas(0);
        assertThat(r.getAddress()).isEqualTo("127.0.0.1:" + replica.port());
        assertThat(r.getLagBytes()).isEqualTo(main.getMasterReplOffset() - r.getOffset());
        UpstreamReplication orders = upstreams.get(1);
        assertThat(orders.getRoute()).isEqualTo("orders");
        assertThat(orders.getRole()).startsWith("unreachable: ");
    }

    @Test
    void aSwitchOverGrpcIsListedInTheHistory() throws Exception {
        RedisServerProcess a = RedisServerProcess.builder().password(PASSWORD).start();
        closing.add(a);
        RedisServerProcess b = RedisServerProcess.builder().password(PASSWORD).start();
        closing.add(b);
        registry.publish(ConfigSnapshots.toProto(store.setUpstream("", "127.0.0.1:" + a.port(), null, PASSWORD, 0)));
        StreamingDataPlane dp = connect("dp-1");
        Await.until(WAIT, "dp-1 to apply version 1", () -> registry.list().size() == 1
                && registry.list().get(0).getAppliedVersion() == 1);

        OperationResult result = stub.switch_(SwitchRequest.newBuilder().setTo("127.0.0.1:" + b.port()).build());

        assertThat(result.getOutcome()).as(result.getMessage()).isEqualTo(Outcome.DONE);
        assertThat(result.getSwitch().getVersion()).isEqualTo(2);
        assertThat(stub.listHistory(ListHistoryRequest.getDefaultInstance()).getSwitchesList()).containsExactly(result.getSwitch());
        assertThat(dp.received()).extracting(m -> m.getMessageCase().name())
                .containsExactly("CONFIG", "PAUSE", "CONFIG", "RESUME");
    }

    @Test
    void usageErrorsAreInvalidArgument() {
        assertInvalid(() -> stub.pause(PauseRequest.newBuilder().setLeaseMillis(50).build()),
                "lease_millis: 50 (expected: 0 for 30 s, or >= 100)");
        assertInvalid(() -> stub.pause(PauseRequest.newBuilder().setTimeoutMillis(-1).build()),
                "timeout_millis: -1 (expected: >= 0, 0 for 10 s)");
        assertInvalid(() -> stub.switch_(SwitchRequest.newBuilder().setTo("x").build()),
                "to: expected host:port, got 'x'");
        assertInvalid(() -> stub.listHistory(ListHistoryRequest.newBuilder().setLimit(-1).build()),
                "limit: -1 (expected: >= 0, 0 for 20)");
    }

    private static void assertInvalid(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).isEqualTo(message);
        });
    }

    private StreamingDataPlane connect(String id) {
        StreamingDataPlane dp = new StreamingDataPlane(DataPlaneServiceGrpc.newStub(channel), id);
        closing.add(dp);
        return dp;
    }

    private static StreamObserver<FleetStatus> observer(BlockingQueue<FleetStatus> seen, CompletableFuture<Status> ended) {
        return new StreamObserver<>() {
            @Override
            public void onNext(FleetStatus status) {
                seen.add(status);
            }

            @Override
            public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                ended.complete(Status.OK);
            }
        };
    }
}
