package dev.turnout.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.controlplane.state.DesiredStateStore;
import dev.turnout.dataplane.config.Secret;
import dev.turnout.v1.AdminServiceGrpc;
import dev.turnout.v1.ApplyConfigRequest;
import dev.turnout.v1.DataPlaneInfo;
import dev.turnout.v1.GetStatusRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens, health, and one run over a real (Netty) socket. */
class ControlPlaneServerTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dataDir;

    @Test
    void aMissingOrWrongTokenIsUnauthenticatedOnBothServices() throws Exception {
        try (InProcessControlPlane cp = InProcessControlPlane.start(dataDir)) {
            for (String token : new String[] {null, "nope", InProcessControlPlane.DATA_PLANE_TOKEN, "",
                    InProcessControlPlane.ADMIN_TOKEN + "x"}) {
                assertThatThrownBy(() -> cp.admin(token).getStatus(GetStatusRequest.getDefaultInstance()))
                        .as("admin call with token %s", token)
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertUnauthenticated(e.getStatus()));
            }
            for (String token : new String[] {null, "nope", InProcessControlPlane.ADMIN_TOKEN}) {
                try (FakeDataPlane dp = new FakeDataPlane(cp.dataPlaneStub(token))) {
                    dp.hello("dp-1", 0);
                    assertUnauthenticated(dp.closedWith(WAIT));
                }
            }
            assertThat(cp.admin().getStatus(GetStatusRequest.getDefaultInstance()).getDataPlanesList()).isEmpty();
        }
    }

    @Test
    void theBearerSchemeIsCaseInsensitive() throws Exception {
        try (InProcessControlPlane cp = InProcessControlPlane.start(dataDir)) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "bearer " + InProcessControlPlane.ADMIN_TOKEN);
            assertThat(AdminServiceGrpc.newBlockingStub(cp.channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .getStatus(GetStatusRequest.getDefaultInstance()).getDesiredVersion()).isZero();
        }
    }

    @Test
    void healthIsServingWithoutAToken() throws Exception {
        try (InProcessControlPlane cp = InProcessControlPlane.start(dataDir)) {
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(cp.channel);
            assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
            assertThat(health.check(HealthCheckRequest.newBuilder().setService("dev.turnout.v1.AdminService").build())
                    .getStatus()).isEqualTo(ServingStatus.SERVING);
            assertThat(health.check(HealthCheckRequest.newBuilder().setService("dev.turnout.v1.DataPlaneService").build())
                    .getStatus()).isEqualTo(ServingStatus.SERVING);
        }
    }

    @Test
    void aRestartKeepsTheVersionAndSendsTheSameSnapshot() throws Exception {
        try (InProcessControlPlane cp = InProcessControlPlane.start(dataDir)) {
            cp.admin().applyConfig(ApplyConfigRequest.newBuilder().setYaml(Documents.ORDERS).build());
            cp.admin().applyConfig(ApplyConfigRequest.newBuilder().setYaml(Documents.ORDERS).build());
        }
        try (InProcessControlPlane cp = InProcessControlPlane.start(dataDir); FakeDataPlane dp = cp.connect("dp-1", 0)) {
            assertThat(cp.admin().getStatus(GetStatusRequest.getDefaultInstance()).getDesiredVersion()).isEqualTo(2);
            var snapshot = dp.next(Duration.ofSeconds(1)).getConfig();
            assertThat(snapshot.getVersion()).isEqualTo(2);
            assertThat(snapshot.getRoutesMap().get("orders").getPassword()).isEqualTo(Documents.PASSWORD);
        }
    }

    @Test
    void overNettyTheAddressIsTheDataPlanesHostAndPort() throws Exception {
        try (DesiredStateStore store = DesiredStateStore.open(dataDir)) {
            ControlPlaneServer server = new ControlPlaneServer(
                    NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), store,
                    dev.turnout.controlplane.state.SwitchHistory.open(dataDir), Secret.of(InProcessControlPlane.ADMIN_TOKEN), Secret.of(InProcessControlPlane.DATA_PLANE_TOKEN),
                    Clock.systemUTC()).start();
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                        "Bearer " + InProcessControlPlane.DATA_PLANE_TOKEN);
                try (FakeDataPlane dp = new FakeDataPlane(dev.turnout.v1.DataPlaneServiceGrpc.newStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)))) {
                    dp.hello("dp-net", 0);
                    DataPlaneInfo info = dev.turnout.testing.Await.until(WAIT, "the data plane to register",
                            () -> server.registry().list().stream().findFirst().orElse(null), i -> i != null && i.getConnected());
                    assertThat(info.getAddress()).matches("127\\.0\\.0\\.1:\\d+");
                }
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                server.stop();
            }
        }
    }

    private static void assertUnauthenticated(Status status) {
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(status.getDescription()).isEqualTo("missing or wrong token");
    }
}
