package dev.turnout.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.util.JsonFormat;
import dev.turnout.v1.ApplyConfigRequest;
import dev.turnout.v1.ConfigDocument;
import dev.turnout.v1.ConfigSnapshot;
import dev.turnout.v1.DataPlaneStatus;
import dev.turnout.v1.FleetStatus;
import dev.turnout.v1.GetConfigRequest;
import dev.turnout.v1.GetStatusRequest;
import dev.turnout.v1.ListDataPlanesRequest;
import dev.turnout.v1.RouteStatus;
import dev.turnout.v1.SetLogLevelRequest;
import dev.turnout.v1.SetUpstreamRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** AdminService over the in-process transport. */
class AdminServiceTest {

    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

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
    void anEmptyDataDirectoryIsVersionZeroWithNoRoutes() throws Exception {
        assertThat(cp.admin().getStatus(GetStatusRequest.getDefaultInstance()).getDesiredVersion()).isZero();
        ConfigDocument config = cp.admin().getConfig(GetConfigRequest.getDefaultInstance());
        assertThat(config.getVersion()).isZero();
        JsonNode document = YAML.readTree(config.getYaml());
        assertThat(document.get("routes").isEmpty()).isTrue();
        assertThat(document.get("listeners").isEmpty()).isTrue();
    }

    @Test
    void applyConfigBumpsTheVersionAndGetConfigMasksPasswords() throws Exception {
        assertThat(apply(Documents.ORDERS, 0)).isEqualTo(1);
        assertThat(apply(Documents.ORDERS, 1)).isEqualTo(2);

        ConfigDocument config = cp.admin().getConfig(GetConfigRequest.getDefaultInstance());
        assertThat(config.getVersion()).isEqualTo(2);
        JsonNode orders = YAML.readTree(config.getYaml()).get("routes").get("orders");
        assertThat(orders.get("upstream").asText()).isEqualTo("127.0.0.1:6379");
        assertThat(orders.get("user").asText()).isEqualTo("app");
        assertThat(orders.get("password").asText()).isEqualTo("******");
        assertThat(config.getYaml()).doesNotContain(Documents.PASSWORD);
        assertThat(config.toString()).doesNotContain(Documents.PASSWORD);
    }

    @Test
    void aStaleIfVersionIsFailedPrecondition() {
        apply(Documents.ORDERS, 0);
        assertThatThrownBy(() -> apply(Documents.ORDERS, 7))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("desired state is at version 1, not 7; get it again and retry");
                });
        assertThat(cp.admin().getConfig(GetConfigRequest.getDefaultInstance()).getVersion()).isEqualTo(1);
    }

    @Test
    void anInvalidDocumentIsInvalidArgumentNamingThePath() {
        assertThatThrownBy(() -> apply(Documents.orders("nowhere", Documents.PASSWORD), 0))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("routes.orders.upstream: expected host:port");
                    assertThat(e.getStatus().getDescription()).doesNotContain(Documents.PASSWORD);
                });
        assertThat(cp.admin().getStatus(GetStatusRequest.getDefaultInstance()).getDesiredVersion()).isZero();
    }

    @Test
    void aYamlSyntaxErrorDoesNotQuoteTheDocument() {
        String broken = Documents.ORDERS.replace("    user: app\n", "    user: {app\n");
        assertThatThrownBy(() -> apply(broken, 0))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("not valid YAML").contains("line ")
                            .doesNotContain(Documents.PASSWORD).doesNotContain("\n");
                });
    }

    @Test
    void theMaskedPasswordKeepsTheCurrentOne() throws Exception {
        apply(Documents.ORDERS, 0);
        // `config get`, edited, applied again: the password is still "******".
        String edited = cp.admin().getConfig(GetConfigRequest.getDefaultInstance()).getYaml()
                .replace("127.0.0.1:6379", "127.0.0.1:6380");
        try (FakeDataPlane dp = cp.connect("dp-1", 1)) {
            assertThat(apply(edited, 1)).isEqualTo(2);
            ConfigSnapshot snapshot = dp.next(SECOND).getConfig();
            assertThat(snapshot.getRoutesMap().get("orders").getUpstream()).isEqualTo("127.0.0.1:6380");
            assertThat(snapshot.getRoutesMap().get("orders").getPassword()).isEqualTo(Documents.PASSWORD);
        }
    }

    @Test
    void setUpstreamCreatesTheDefaultRouteAndKeepsListeners() throws Exception {
        apply(Documents.ORDERS, 0);
        try (FakeDataPlane dp = cp.connect("dp-1", 1)) {
            long version = cp.admin().setUpstream(SetUpstreamRequest.newBuilder().setUpstream("127.0.0.1:7001").build()).getVersion();
            assertThat(version).isEqualTo(2);
            ConfigSnapshot snapshot = dp.next(SECOND).getConfig();
            assertThat(snapshot.getVersion()).isEqualTo(2);
            assertThat(snapshot.getRoutesMap()).containsOnlyKeys("orders", "default");
            assertThat(snapshot.getRoutesMap().get("default").getUpstream()).isEqualTo("127.0.0.1:7001");
            assertThat(snapshot.getListenersList()).singleElement().satisfies(l -> assertThat(l.getRoute()).isEqualTo("orders"));

            // Switching "orders" keeps its user and password unless new ones are given.
            cp.admin().setUpstream(SetUpstreamRequest.newBuilder().setRoute("orders").setUpstream("127.0.0.1:7002")
                    .setIfVersion(2).build());
            ConfigSnapshot switched = dp.next(SECOND).getConfig();
            assertThat(switched.getRoutesMap().get("orders").getUpstream()).isEqualTo("127.0.0.1:7002");
            assertThat(switched.getRoutesMap().get("orders").getUser()).isEqualTo("app");
            assertThat(switched.getRoutesMap().get("orders").getPassword()).isEqualTo(Documents.PASSWORD);
        }
    }

    @Test
    void setUpstreamIsValidatedAndVersioned() {
        assertThatThrownBy(() -> cp.admin().setUpstream(SetUpstreamRequest.newBuilder().setUpstream("7001").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("routes.default.upstream: expected host:port");
                });
        assertThatThrownBy(() -> cp.admin().setUpstream(SetUpstreamRequest.newBuilder().setUpstream("127.0.0.1:7001")
                .setIfVersion(3).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
        assertThat(cp.admin().getStatus(GetStatusRequest.getDefaultInstance()).getDesiredVersion()).isZero();
    }

    @Test
    void setLogLevelChangesTheControlPlanesOwnLevel() {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.turnout.test.levels");
        int sent = cp.admin().setLogLevel(SetLogLevelRequest.newBuilder().setLogger("dev.turnout.test.levels")
                .setLevel("trace").build()).getDataPlanes();
        assertThat(sent).isZero();
        assertThat(logger.getLevel()).isEqualTo(Level.TRACE);

        assertThatThrownBy(() -> cp.admin().setLogLevel(SetLogLevelRequest.newBuilder().setLevel("LOUD").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("LOUD", "TRACE, DEBUG, INFO, WARN, ERROR");
                });
    }

    @Test
    void neitherStatusNorLogsEverShowAPasswordOrAToken() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.setContext(context);
        logs.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level rootLevel = root.getLevel();
        Logger turnout = context.getLogger("dev.turnout");
        Level turnoutLevel = turnout.getLevel();
        root.addAppender(logs);
        root.setLevel(Level.DEBUG);
        turnout.setLevel(Level.DEBUG);
        try {
            apply(Documents.ORDERS, 0);
            try (FakeDataPlane dp = cp.connect("dp-1", 0)) {
                dp.next(SECOND);
                dp.ack(1, true, "");
                dp.status(DataPlaneStatus.newBuilder().setAppliedVersion(1).setConnectedClients(1)
                        .addRoutes(RouteStatus.newBuilder().setRoute("orders").setUpstream("127.0.0.1:6379")).build());
                cp.admin().setUpstream(SetUpstreamRequest.newBuilder().setRoute("orders").setUpstream("127.0.0.1:7002")
                        .setPassword("another-" + Documents.PASSWORD).build());
                dp.next(SECOND);
                // Refused calls: wrong tokens that look like the real ones.
                assertThatThrownBy(() -> cp.admin(InProcessControlPlane.DATA_PLANE_TOKEN).getStatus(GetStatusRequest.getDefaultInstance()))
                        .isInstanceOf(StatusRuntimeException.class);
                assertThatThrownBy(() -> apply(Documents.ORDERS.replace("user: app", "user: {app"), 0))
                        .isInstanceOf(StatusRuntimeException.class);

                FleetStatus status = cp.admin().getStatus(GetStatusRequest.getDefaultInstance());
                String everything = status + JsonFormat.printer().print(status)
                        + cp.admin().listDataPlanes(ListDataPlanesRequest.getDefaultInstance())
                        + JsonFormat.printer().print(cp.admin().getConfig(GetConfigRequest.getDefaultInstance()));
                assertThat(status.getDataPlanesList()).hasSize(1);
                assertThat(everything).doesNotContain(Documents.PASSWORD)
                        .doesNotContain(InProcessControlPlane.ADMIN_TOKEN)
                        .doesNotContain(InProcessControlPlane.DATA_PLANE_TOKEN);
            }
        } finally {
            root.detachAppender(logs);
            root.setLevel(rootLevel);
            turnout.setLevel(turnoutLevel);
        }
        assertThat(logs.list).isNotEmpty();
        for (ILoggingEvent event : logs.list) {
            String line = event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
            assertThat(line).doesNotContain(Documents.PASSWORD)
                    .doesNotContain(InProcessControlPlane.ADMIN_TOKEN)
                    .doesNotContain(InProcessControlPlane.DATA_PLANE_TOKEN);
        }
    }

    private long apply(String yaml, long ifVersion) {
        return cp.admin().applyConfig(ApplyConfigRequest.newBuilder().setYaml(yaml).setIfVersion(ifVersion).build()).getVersion();
    }
}
