package dev.turnout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.turnout.v1.DataPlaneInfo;
import dev.turnout.v1.FleetStatus;
import dev.turnout.v1.GetStatusRequest;
import dev.turnout.v1.ListDataPlanesResponse;
import dev.turnout.v1.Phase;
import dev.turnout.v1.ReplicaOffset;
import dev.turnout.v1.RouteStatus;
import dev.turnout.v1.UpstreamReplication;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** status and dataplanes: tables for people, JSON for scripts. */
class StatusCommandTest {

    static final DataPlaneInfo EAST = DataPlaneInfo.newBuilder()
            .setId("dp-east").setConnected(true).setAddress("10.0.0.7:51234").setSoftwareVersion("0.1.0")
            .setAppliedVersion(7).setConnectedClients(1200)
            .addRoutes(RouteStatus.newBuilder().setRoute("default").setUpstream("10.0.1.1:6379"))
            .addRoutes(RouteStatus.newBuilder().setRoute("orders").setUpstream("10.0.1.2:6379"))
            .addListeners("0.0.0.0:6380").addListeners("0.0.0.0:6381")
            .setConnectedSinceMillis(1_700_000_000_123L).setLastSeenMillis(1_700_000_060_999L)
            .build();
    static final DataPlaneInfo WEST = DataPlaneInfo.newBuilder()
            .setId("dp-west").setConnected(false).setAddress("10.0.0.8:40000").setSoftwareVersion("0.1.0")
            .setAppliedVersion(6).setRejectedVersion(7).setRejection("listeners[0].listen: address in use\n(bind failed)")
            .addRoutes(RouteStatus.newBuilder().setRoute("default").setUpstream("10.0.1.1:6379"))
            .addListeners("0.0.0.0:6380")
            .setConnectedSinceMillis(1_700_000_000_000L).setLastSeenMillis(1_700_000_030_000L)
            .build();

    /** A fleet in the middle of a switch: one data plane paused with held commands, one still draining. */
    static final FleetStatus SWITCHING = FleetStatus.newBuilder().setDesiredVersion(8).setPhase(Phase.SWITCHING)
            .setOperation("switch default to 10.0.1.2:6379")
            .addDataPlanes(EAST.toBuilder().setAppliedVersion(8).setPhase(Phase.PAUSED).setHeldCommands(57)
                    .setLastPauseHeldMillis(74).setLastPauseEnd("resumed"))
            .addDataPlanes(WEST.toBuilder().setConnected(true).setAppliedVersion(8).clearRejectedVersion().clearRejection()
                    .setPhase(Phase.DRAINING).setInflightCommands(3).setHeldCommands(12))
            .addUpstreams(UpstreamReplication.newBuilder().setRoute("default").setUpstream("10.0.1.1:6379")
                    .setRole("master").setMasterReplOffset(1_843_200)
                    .setTenantAcl("provisioned: 2 tenant ACL user(s)")
                    .addReplicas(ReplicaOffset.newBuilder().setAddress("10.0.1.2:6379").setState("online")
                            .setOffset(1_843_186).setLagBytes(14))
                    .addReplicas(ReplicaOffset.newBuilder().setAddress("10.0.1.3:6379").setState("wait_bgsave")
                            .setLagBytes(1_843_200)))
            .addUpstreams(UpstreamReplication.newBuilder().setRoute("orders").setUpstream("10.0.1.2:6379")
                    .setRole("unreachable: connection refused"))
            .build();

    private final ProxyctlRunner proxyctl = new ProxyctlRunner();

    @AfterEach
    void close() {
        proxyctl.close();
    }

    @Test
    void statusTable() {
        proxyctl.admin.status = FleetStatus.newBuilder().setDesiredVersion(7).addDataPlanes(EAST).addDataPlanes(WEST).build();

        ProxyctlRunner.Result result = proxyctl.run("status");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).isEqualTo("""
                desired version 7
                DATA PLANE  CONNECTED  PHASE  VERSION  CLIENTS  IN FLIGHT  HELD  LAST PAUSE  UPSTREAMS                                   LISTENERS                  REJECTED
                dp-east     yes        -      7        1200     0          0     -           default=10.0.1.1:6379,orders=10.0.1.2:6379  0.0.0.0:6380,0.0.0.0:6381  -
                dp-west     no         -      6        0        0          0     -           default=10.0.1.1:6379                       0.0.0.0:6380               version 7: listeners[0].listen: address in use; (bind failed)
                """);
        assertThat(proxyctl.admin.onlyRequest(GetStatusRequest.class)).isEqualTo(GetStatusRequest.getDefaultInstance());
    }

    @Test
    void statusShowsPhasesTrafficLastPauseAndReplication() {
        proxyctl.admin.status = SWITCHING;

        ProxyctlRunner.Result result = proxyctl.run("status");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).isEqualTo("""
                desired version 8, fleet SWITCHING: switch default to 10.0.1.2:6379
                DATA PLANE  CONNECTED  PHASE     VERSION  CLIENTS  IN FLIGHT  HELD  LAST PAUSE       UPSTREAMS                                   LISTENERS                  REJECTED
                dp-east     yes        PAUSED    8        1200     0          57    74 ms (resumed)  default=10.0.1.1:6379,orders=10.0.1.2:6379  0.0.0.0:6380,0.0.0.0:6381  -
                dp-west     yes        DRAINING  8        0        3          12    -                default=10.0.1.1:6379                       0.0.0.0:6380               -
                ROUTE    UPSTREAM       ROLE                             OFFSET   REPLICA        STATE        REPLICA OFFSET  LAG BYTES
                default  10.0.1.1:6379  master                           1843200  10.0.1.2:6379  online       1843186         14
                default  10.0.1.1:6379  master                           1843200  10.0.1.3:6379  wait_bgsave  0               1843200
                orders   10.0.1.2:6379  unreachable: connection refused  -        -              -            -               -
                ROUTE    TENANT ACL USERS
                default  provisioned: 2 tenant ACL user(s)
                """);
    }

    @Test
    void statusJsonHasTheNewFields() {
        proxyctl.admin.status = SWITCHING;

        JsonNode json = proxyctl.run("status", "-o", "json").json();

        assertThat(json.get("phase").asText()).isEqualTo("SWITCHING");
        assertThat(json.get("operation").asText()).isEqualTo("switch default to 10.0.1.2:6379");
        JsonNode east = json.get("dataPlanes").get(0);
        assertThat(east.get("phase").asText()).isEqualTo("PAUSED");
        assertThat(east.get("heldCommands").asLong()).isEqualTo(57);
        assertThat(east.get("lastPauseHeldMillis").asLong()).isEqualTo(74);
        assertThat(east.get("lastPauseEnd").asText()).isEqualTo("resumed");
        JsonNode upstream = json.get("upstreams").get(0);
        assertThat(fieldNames(upstream)).containsExactly("route", "upstream", "role", "masterReplOffset", "replicas",
                "tenantAcl");
        assertThat(upstream.get("tenantAcl").asText()).isEqualTo("provisioned: 2 tenant ACL user(s)");
        assertThat(fieldNames(upstream.get("replicas").get(0))).containsExactly("address", "state", "offset", "lagBytes");
        assertThat(upstream.get("replicas").get(0).get("lagBytes").asLong()).isEqualTo(14);
        assertThat(json.get("upstreams").get(1).get("replicas")).isEmpty();
    }

    @Test
    void watchPrintsEveryStatusTheStreamSendsUntilItEnds() {
        proxyctl.admin.watched = List.of(FleetStatus.newBuilder().setDesiredVersion(8).setPhase(Phase.SERVING)
                .addDataPlanes(EAST.toBuilder().setPhase(Phase.SERVING)).build(), SWITCHING.toBuilder()
                .clearDataPlanes().clearUpstreams().addDataPlanes(EAST.toBuilder().setPhase(Phase.PAUSED)
                        .setHeldCommands(3)).build());

        ProxyctlRunner.Result result = proxyctl.run("status", "--watch");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).isEqualTo("""
                desired version 8, fleet SERVING
                DATA PLANE  CONNECTED  PHASE    VERSION  CLIENTS  IN FLIGHT  HELD  LAST PAUSE  UPSTREAMS                                   LISTENERS                  REJECTED
                dp-east     yes        SERVING  7        1200     0          0     -           default=10.0.1.1:6379,orders=10.0.1.2:6379  0.0.0.0:6380,0.0.0.0:6381  -

                desired version 8, fleet SWITCHING: switch default to 10.0.1.2:6379
                DATA PLANE  CONNECTED  PHASE   VERSION  CLIENTS  IN FLIGHT  HELD  LAST PAUSE  UPSTREAMS                                   LISTENERS                  REJECTED
                dp-east     yes        PAUSED  7        1200     0          3     -           default=10.0.1.1:6379,orders=10.0.1.2:6379  0.0.0.0:6380,0.0.0.0:6381  -

                """);
        assertThat(proxyctl.admin.onlyRequest(GetStatusRequest.class)).isEqualTo(GetStatusRequest.getDefaultInstance());
        assertThat(proxyctl.admin.deadlines).as("a watch has no deadline").containsExactly(-1L);
    }

    @Test
    void watchInJsonPrintsOneObjectPerLine() throws Exception {
        proxyctl.admin.watched = List.of(FleetStatus.newBuilder().setDesiredVersion(8).setPhase(Phase.SERVING).build(),
                SWITCHING);

        ProxyctlRunner.Result result = proxyctl.run("-o", "json", "status", "--watch");

        assertThat(result.exitCode()).isZero();
        List<String> lines = result.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo("{\"desiredVersion\":8,\"dataPlanes\":[],\"phase\":\"SERVING\",\"operation\":\"\","
                + "\"upstreams\":[]}");
        JsonNode second = new ObjectMapper().readTree(lines.get(1));
        assertThat(second.get("phase").asText()).isEqualTo("SWITCHING");
        assertThat(second.get("upstreams").get(0).get("replicas").get(0).get("offset").asLong()).isEqualTo(1_843_186);
    }

    @Test
    void aWatchTheControlPlaneBreaksOffExitsWithItsFailure() {
        proxyctl.admin.watched = List.of(FleetStatus.newBuilder().setDesiredVersion(8).build());
        proxyctl.admin.watchEnd = Status.UNAVAILABLE.withDescription("control plane stopping");

        ProxyctlRunner.Result result = proxyctl.run("status", "--watch", "-o", "json");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.out()).hasLineCount(1);
        assertThat(result.err()).isEqualTo("proxyctl: cannot reach the control plane at 127.0.0.1:7700 (control plane"
                + " stopping, UNAVAILABLE); is turnout-control-plane running? set --control-plane or"
                + " TURNOUT_CONTROL_PLANE\n");
    }

    @Test
    void statusTableWithoutDataPlanesSaysHowToStartOne() {
        proxyctl.admin.status = FleetStatus.newBuilder().setDesiredVersion(3).build();

        ProxyctlRunner.Result result = proxyctl.run("status");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                desired version 3
                no data planes have registered; start one with bin/turnout-data-plane --control-plane HOST:PORT
                """);
    }

    @Test
    void statusJsonHasEveryFieldWithNumbersAsNumbers() {
        proxyctl.admin.status = FleetStatus.newBuilder().setDesiredVersion(7).addDataPlanes(EAST).addDataPlanes(WEST).build();

        ProxyctlRunner.Result result = proxyctl.run("-o", "json", "status");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        JsonNode json = result.json();
        assertThat(fieldNames(json)).containsExactly("desiredVersion", "dataPlanes", "phase", "operation", "upstreams");
        assertThat(json.get("desiredVersion").isIntegralNumber()).isTrue();
        assertThat(json.get("desiredVersion").asLong()).isEqualTo(7);
        JsonNode east = json.get("dataPlanes").get(0);
        assertThat(fieldNames(east)).containsExactly("id", "connected", "address", "softwareVersion", "appliedVersion",
                "rejectedVersion", "rejection", "connectedClients", "routes", "listeners", "connectedSinceMillis",
                "lastSeenMillis", "phase", "inflightCommands", "heldCommands", "lastPauseHeldMillis", "lastPauseEnd");
        assertThat(east.get("id").asText()).isEqualTo("dp-east");
        assertThat(east.get("connected").asBoolean()).isTrue();
        assertThat(east.get("rejectedVersion").asLong()).isZero();
        assertThat(east.get("rejection").asText()).isEmpty();
        assertThat(east.get("routes").get(1).get("route").asText()).isEqualTo("orders");
        assertThat(east.get("routes").get(1).get("upstream").asText()).isEqualTo("10.0.1.2:6379");
        assertThat(east.get("listeners")).hasSize(2);
        assertThat(east.get("connectedSinceMillis").asLong()).isEqualTo(1_700_000_000_123L);
        JsonNode west = json.get("dataPlanes").get(1);
        assertThat(west.get("connected").asBoolean()).isFalse();
        assertThat(west.get("rejectedVersion").asLong()).isEqualTo(7);
        assertThat(west.get("rejection").asText()).isEqualTo("listeners[0].listen: address in use\n(bind failed)");
    }

    @Test
    void outputOptionWorksAfterTheCommandToo() {
        proxyctl.admin.status = FleetStatus.newBuilder().setDesiredVersion(2).build();

        ProxyctlRunner.Result result = proxyctl.run("status", "--output=JSON");

        assertThat(result.exitCode()).isZero();
        assertThat(result.json().get("dataPlanes").isArray()).isTrue();
        assertThat(result.json().get("dataPlanes")).isEmpty();
    }

    @Test
    void dataPlanesTable() {
        proxyctl.admin.dataPlanes = ListDataPlanesResponse.newBuilder().addDataPlanes(EAST).addDataPlanes(WEST).build();

        ProxyctlRunner.Result result = proxyctl.run("dataplanes");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                DATA PLANE  CONNECTED  ADDRESS         SOFTWARE  VERSION  REJECTED                                                       CONNECTED SINCE       LAST SEEN
                dp-east     yes        10.0.0.7:51234  0.1.0     7        -                                                              2023-11-14T22:13:20Z  2023-11-14T22:14:20Z
                dp-west     no         10.0.0.8:40000  0.1.0     6        version 7: listeners[0].listen: address in use; (bind failed)  2023-11-14T22:13:20Z  2023-11-14T22:13:50Z
                """);
    }

    @Test
    void dataPlanesWhenThereAreNone() {
        ProxyctlRunner.Result result = proxyctl.run("dataplanes");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("no data planes have registered");
    }

    @Test
    void dataPlanesJson() {
        proxyctl.admin.dataPlanes = ListDataPlanesResponse.newBuilder().addDataPlanes(EAST).build();

        ProxyctlRunner.Result result = proxyctl.run("dataplanes", "-o", "json");

        assertThat(result.exitCode()).isZero();
        JsonNode json = result.json();
        assertThat(fieldNames(json)).containsExactly("dataPlanes");
        assertThat(json.get("dataPlanes").get(0).get("lastSeenMillis").asLong()).isEqualTo(1_700_000_060_999L);
        assertThat(json.get("dataPlanes").get(0).get("softwareVersion").asText()).isEqualTo("0.1.0");
    }

    static java.util.List<String> fieldNames(JsonNode node) {
        java.util.List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
