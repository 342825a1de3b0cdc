package dev.turnout.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.testing.Await;
import dev.turnout.v1.ApplyConfigRequest;
import dev.turnout.v1.ControlMessage;
import dev.turnout.v1.DataPlaneInfo;
import dev.turnout.v1.DataPlaneMessage;
import dev.turnout.v1.DataPlaneStatus;
import dev.turnout.v1.GetStatusRequest;
import dev.turnout.v1.Hello;
import dev.turnout.v1.ListDataPlanesRequest;
import dev.turnout.v1.RouteStatus;
import dev.turnout.v1.SetLogLevelRequest;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DataPlaneService.Connect against a fake data plane, over the in-process transport. */
class DataPlaneStreamTest {

    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dataDir;

    private InProcessControlPlane cp;

    @BeforeEach
    void start() throws Exception {
        cp = InProcessControlPlane.start(dataDir);
    }

    @AfterEach
    void stop() throws Exception {
        cp.close();
    }

    @Test
    void aConnectedDataPlaneReceivesTheSnapshotWithinASecondOfApplyConfig() throws Exception {
        try (FakeDataPlane dp = cp.connect("dp-1", 0)) {
            awaitConnected("dp-1");

            long version = cp.admin().applyConfig(ApplyConfigRequest.newBuilder().setYaml(Documents.ORDERS).build()).getVersion();

            ControlMessage message = dp.next(SECOND);
            assertThat(message.hasConfig()).isTrue();
            assertThat(message.getConfig().getVersion()).isEqualTo(version).isEqualTo(1);
            assertThat(message.getConfig().getRoutesMap().get("orders").getUpstream()).isEqualTo("127.0.0.1:6379");
            // The data plane needs the secret itself: the snapshot carries it.
            assertThat(message.getConfig().getRoutesMap().get("orders").getPassword()).isEqualTo(Documents.PASSWORD);
            assertThat(message.getConfig().getListenersList()).singleElement()
                    .satisfies(l -> assertThat(l.getListen()).isEqualTo("127.0.0.1:6390"));
        }
    }

    @Test
    void aHelloWithAnOlderVersionGetsTheSnapshotAtOnce() throws Exception {
        cp.admin().applyConfig(ApplyConfigRequest.newBuilder().setYaml(Documents.ORDERS).build());
        try (FakeDataPlane dp = cp.connect("dp-1", 0)) {
            assertThat(dp.next(SECOND).getConfig().getVersion()).isEqualTo(1);
        }
    }

    @Test
    void aHelloWithTheCurrentVersionGetsNoSnapshot() throws Exception {
        cp.admin().applyConfig(ApplyConfigRequest.newBuilder().setYaml(Documents.ORDERS).build());
        try (FakeDataPlane dp = cp.connect("dp-1", 1)) {
            awaitConnected("dp-1");
            // Messages on one stream keep their order: a snapshot sent on Hello would come before this.
            cp.admin().setLogLevel(SetLogLevelRequest.newBuilder().setLogger("dev.turnout.test").setLevel("DEBUG").build());
            assertThat(dp.next(SECOND).getMessageCase()).isEqualTo(ControlMessage.MessageCase.SET_LOG_LEVEL);
        }
    }

    @Test
    void nothingIsSentWhileTheDesiredStateIsAtVersionZero() throws Exception {
        try (FakeDataPlane dp = cp.connect("dp-1", 0)) {
            awaitConnected("dp-1");
            cp.admin().setLogLevel(SetLogLevelRequest.newBuilder().setLogger("dev.turnout.test").setLevel("INFO").build());
            assertThat(dp.next(SECOND).getMessageCase()).isEqualTo(ControlMessage.MessageCase.SET_LOG_LEVEL);
        }
    }

    @Test
    void ackAndRejectionAppearInStatus() throws Exception {
        try (FakeDataPlane dp = cp.connect("dp-1", 0)) {
            cp.admin().applyConfig(ApplyConfigRequest.newBuilder().setYaml(Documents.ORDERS).build());
            assertThat(dp.next(SECOND).getConfig().getVersion()).isEqualTo(1);
            dp.ack(1, true, "");
            DataPlaneInfo applied = await("dp-1", info -> info.getAppliedVersion() == 1);
            assertThat(applied.getRejectedVersion()).isZero();
            assertThat(applied.getRejection()).isEmpty();

            cp.admin().applyConfig(ApplyConfigRequest.newBuilder().setYaml(Documents.orders("127.0.0.1:6380", Documents.PASSWORD)).build());
            assertThat(dp.next(SECOND).getConfig().getVersion()).isEqualTo(2);
            dp.ack(2, false, "listeners[0].listen: cannot bind 127.0.0.1:6390 (address in use)");

            DataPlaneInfo rejected = await("dp-1", info -> info.getRejectedVersion() == 2);
            assertThat(rejected.getRejection()).isEqualTo("listeners[0].listen: cannot bind 127.0.0.1:6390 (address in use)");
            assertThat(rejected.getAppliedVersion()).isEqualTo(1);
            assertThat(cp.admin().getStatus(GetStatusRequest.getDefaultInstance()).getDesiredVersion()).isEqualTo(2);

            // A later snapshot applied clears the rejection.
            cp.admin().applyConfig(ApplyConfigRequest.newBuilder().setYaml(Documents.ORDERS).build());
            assertThat(dp.next(SECOND).getConfig().getVersion()).isEqualTo(3);
            dp.ack(3, true, "");
            DataPlaneInfo recovered = await("dp-1", info -> info.getAppliedVersion() == 3);
            assertThat(recovered.getRejectedVersion()).isZero();
            assertThat(recovered.getRejection()).isEmpty();
        }
    }

    @Test
    void statusReportsAppearInDataPlaneInfo() throws Exception {
        long before = System.currentTimeMillis();
        try (FakeDataPlane dp = cp.connect("dp-1", 0)) {
            dp.status(DataPlaneStatus.newBuilder()
                    .setAppliedVersion(0)
                    .setConnectedClients(42)
                    .addRoutes(RouteStatus.newBuilder().setRoute("default").setUpstream("127.0.0.1:6379"))
                    .addListeners("127.0.0.1:6380")
                    .build());
            DataPlaneInfo info = await("dp-1", i -> i.getConnectedClients() == 42);
            assertThat(info.getConnected()).isTrue();
            assertThat(info.getSoftwareVersion()).isEqualTo("test-1.0");
            assertThat(info.getAddress()).isNotEmpty();
            assertThat(info.getListenersList()).containsExactly("127.0.0.1:6380");
            assertThat(info.getRoutesList()).singleElement()
                    .satisfies(r -> assertThat(r.getUpstream()).isEqualTo("127.0.0.1:6379"));
            assertThat(info.getConnectedSinceMillis()).isBetween(before, System.currentTimeMillis());
            assertThat(info.getLastSeenMillis()).isGreaterThanOrEqualTo(info.getConnectedSinceMillis());
        }
    }

    @Test
    void aSecondStreamWithTheSameIdReplacesTheFirst() throws Exception {
        FakeDataPlane first = cp.connect("dp-1", 0);
        awaitConnected("dp-1");
        try (FakeDataPlane second = cp.connect("dp-1", 0)) {
            Status status = first.closedWith(WAIT);
            assertThat(status.getCode()).isEqualTo(Status.Code.ABORTED);
            assertThat(status.getDescription()).contains("same id");

            List<DataPlaneInfo> planes = cp.admin().listDataPlanes(ListDataPlanesRequest.getDefaultInstance()).getDataPlanesList();
            assertThat(planes).singleElement().satisfies(p -> assertThat(p.getConnected()).isTrue());

            cp.admin().applyConfig(ApplyConfigRequest.newBuilder().setYaml(Documents.ORDERS).build());
            assertThat(second.next(SECOND).getConfig().getVersion()).isEqualTo(1);
            // The old stream ending later does not mark the new one disconnected.
            first.close();
            second.ack(1, true, "");
            assertThat(await("dp-1", i -> i.getAppliedVersion() == 1).getConnected()).isTrue();
        }
    }

    @Test
    void aDataPlaneThatDisconnectsStaysListedWithItsLastState() throws Exception {
        FakeDataPlane dp = cp.connect("dp-1", 0);
        cp.admin().applyConfig(ApplyConfigRequest.newBuilder().setYaml(Documents.ORDERS).build());
        assertThat(dp.next(SECOND).getConfig().getVersion()).isEqualTo(1);
        dp.ack(1, true, "");
        await("dp-1", i -> i.getAppliedVersion() == 1);

        dp.close();
        DataPlaneInfo info = await("dp-1", i -> !i.getConnected());
        assertThat(info.getAppliedVersion()).isEqualTo(1);
        assertThat(info.getSoftwareVersion()).isEqualTo("test-1.0");

        // It comes back with what it applied: nothing to send, connected again.
        try (FakeDataPlane again = cp.connect("dp-1", 1)) {
            assertThat(await("dp-1", DataPlaneInfo::getConnected).getAppliedVersion()).isEqualTo(1);
        }
    }

    @Test
    void theFirstMessageMustBeAHello() throws Exception {
        try (FakeDataPlane dp = new FakeDataPlane(cp.dataPlaneStub(InProcessControlPlane.DATA_PLANE_TOKEN))) {
            dp.ack(1, true, "");
            Status status = dp.closedWith(WAIT);
            assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(status.getDescription()).contains("first message", "Hello");
        }
        assertThat(cp.admin().getStatus(GetStatusRequest.getDefaultInstance()).getDataPlanesList()).isEmpty();
    }

    @Test
    void aHelloNeedsAnId() throws Exception {
        try (FakeDataPlane dp = new FakeDataPlane(cp.dataPlaneStub(InProcessControlPlane.DATA_PLANE_TOKEN))) {
            dp.send(DataPlaneMessage.newBuilder().setHello(Hello.newBuilder().setAppliedVersion(0)).build());
            Status status = dp.closedWith(WAIT);
            assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(status.getDescription()).contains("hello.id");
        }
    }

    @Test
    void aSecondHelloOnOneStreamIsRefusedAndTheDataPlaneShownDisconnected() throws Exception {
        try (FakeDataPlane dp = cp.connect("dp-1", 0)) {
            dp.hello("dp-1", 0);
            assertThat(dp.closedWith(WAIT).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            await("dp-1", i -> !i.getConnected());
        }
    }

    @Test
    void setLogLevelReachesEveryConnectedDataPlane() throws Exception {
        try (FakeDataPlane a = cp.connect("dp-a", 0); FakeDataPlane b = cp.connect("dp-b", 0)) {
            awaitConnected("dp-a");
            awaitConnected("dp-b");
            int sent = cp.admin().setLogLevel(SetLogLevelRequest.newBuilder()
                    .setLogger("dev.turnout.dataplane.session").setLevel("debug").build()).getDataPlanes();
            assertThat(sent).isEqualTo(2);
            for (FakeDataPlane dp : List.of(a, b)) {
                ControlMessage message = dp.next(SECOND);
                assertThat(message.getSetLogLevel().getLogger()).isEqualTo("dev.turnout.dataplane.session");
                assertThat(message.getSetLogLevel().getLevel()).isEqualTo("DEBUG");
            }
        }
    }

    @Test
    void stoppingTheControlPlaneClosesTheStreamsWithUnavailable() throws Exception {
        FakeDataPlane dp = cp.connect("dp-1", 0);
        awaitConnected("dp-1");
        cp.server.stop();
        assertThat(dp.closedWith(WAIT).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    private void awaitConnected(String id) {
        await(id, DataPlaneInfo::getConnected);
    }

    private DataPlaneInfo await(String id, java.util.function.Predicate<DataPlaneInfo> done) {
        return Await.until(WAIT, "data plane " + id + " to be reported as expected",
                () -> find(id).orElse(null), info -> info != null && done.test(info));
    }

    private Optional<DataPlaneInfo> find(String id) {
        return cp.admin().getStatus(GetStatusRequest.getDefaultInstance()).getDataPlanesList().stream()
                .filter(p -> p.getId().equals(id)).findFirst();
    }
}
